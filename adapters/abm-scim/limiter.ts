/** At most `limit` tasks at once; the rest wait in arrival order. One per SCIM target. */
export interface ConcurrencyLimiter {
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly active: () => number;
}

export function createLimiter(limit: number): ConcurrencyLimiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  let active = 0;
  let queue: Array<() => void> = [];
  let head = 0;

  const release = (): void => {
    const next = queue[head];
    if (next === undefined) {
      active--;
      return;
    }
    queue[head] = () => undefined;
    head++;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    next();
  };

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (active < limit) active++;
      else await new Promise<void>((resolve) => queue.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
    active: () => active,
  };
}
