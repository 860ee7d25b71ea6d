/**
 * For the emulators' standalone processes: on the first SIGINT or SIGTERM, close `server` and exit
 * (0 when it closed cleanly, 1 when closing failed).
 */
export function closeOnSignals(server: { close(): Promise<void> }): void {
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
