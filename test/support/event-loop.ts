/**
 * The longest time the event loop was blocked while `work` ran (a 2 ms ticker measures the gaps
 * between its ticks): a regular expression that backtracks shows up here as one long gap.
 */
export async function longestBlockMs(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 2);
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  return Math.max(longest, performance.now() - last);
}
