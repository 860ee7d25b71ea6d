/** Samples this process's resident set every `everyMs` and keeps the peak (MB). */
export function startRssSampler(everyMs = 50): { peakMb(): number; stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  timer.unref();
  return {
    peakMb: () => peak / 2 ** 20,
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak / 2 ** 20;
    },
  };
}

/** The kernel's peak resident set for this whole process so far (MB). */
export function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
