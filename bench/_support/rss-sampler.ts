/**
 * Samples this process's resident set (and V8's used heap) every `everyMs` and keeps the peaks (MB).
 */
export function startRssSampler(everyMs = 50): { peakMb(): number; peakHeapMb(): number; stop(): number } {
  let peak = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, everyMs);
  timer.unref();
  return {
    peakMb: () => peak / 2 ** 20,
    peakHeapMb: () => peakHeap / 2 ** 20,
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
