/** Events per second over a sliding window, counted in 100 ms slots; time comes in as milliseconds. */
export interface RateWindow {
  add(at: number): void;
  /** events in (at - spanMs, at] per second; spanMs is clamped to the window */
  perSecond(at: number, spanMs: number): number;
}

const SLOT_MS = 100;

export function createRateWindow(windowMs: number): RateWindow {
  const slots = Math.max(1, Math.ceil(windowMs / SLOT_MS));
  const counts = new Array<number>(slots).fill(0);
  /** the slot number (time / SLOT_MS) counts[last % slots] belongs to */
  let last = Number.NEGATIVE_INFINITY;

  function advance(at: number): number {
    const slot = Math.floor(at / SLOT_MS);
    if (slot <= last) return slot;
    const stale = Math.min(slots, slot - last);
    for (let i = 1; i <= stale; i++) counts[(((slot - stale + i) % slots) + slots) % slots] = 0;
    last = slot;
    return slot;
  }

  return {
    add(at) {
      const slot = advance(at);
      if (slot <= last - slots) return;
      const i = ((slot % slots) + slots) % slots;
      counts[i] = (counts[i] ?? 0) + 1;
    },
    perSecond(at, spanMs) {
      const slot = advance(at);
      const span = Math.max(1, Math.min(slots, Math.round(spanMs / SLOT_MS)));
      let sum = 0;
      for (let k = 0; k < span; k++) sum += counts[(((slot - k) % slots) + slots) % slots] ?? 0;
      return sum / ((span * SLOT_MS) / 1000);
    },
  };
}
