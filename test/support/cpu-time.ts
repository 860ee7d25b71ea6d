/**
 * The CPU time (user + system, ms) this process spent while `work` ran: a regular expression that
 * backtracks costs seconds here, and unlike wall-clock gaps of the event loop the figure does not
 * grow when a loaded machine deschedules the process.
 */
export async function cpuMsDuring(work: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}
