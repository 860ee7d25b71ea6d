/**
 * When digests are due (`ABM_DIGEST_AT`): at an hour of a time zone, daily or on Mondays. Pure; the
 * time-zone arithmetic uses Intl only, so daylight saving time moves the instant, not the local hour.
 */
export type DigestCadence = "daily" | "weekly";

/** `ABM_DIGEST_AT`: a local time of day in an IANA time zone. */
export interface DigestTime {
  readonly hour: number;
  readonly minute: number;
  readonly timeZone: string;
}

export const DEFAULT_DIGEST_TIME: DigestTime = { hour: 8, minute: 0, timeZone: "UTC" };

/** One period a digest covers: from one due instant to the next; `key` names it (`daily:2026-12-03`). */
export interface DigestPeriod {
  readonly cadence: DigestCadence;
  readonly key: string;
  readonly start: Date;
  readonly end: Date;
}

interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** true when Intl knows the zone (`Europe/Berlin`, `UTC`) */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in a zone. */
function wallClock(instant: Date, timeZone: string) {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .filter((p) => p.type !== "literal")
      .map((p) => [p.type, Number(p.value)] as const),
  );
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

/** How far the zone is ahead of UTC at this instant, in ms. */
function offsetAt(instant: Date, timeZone: string): number {
  const w = wallClock(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1_000) * 1_000;
}

/** The instant a local date and time has in the zone (a time skipped by DST falls after the gap). */
export function zonedInstant(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  const guess = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const first = offsetAt(new Date(guess), timeZone);
  const candidate = guess - first;
  const second = offsetAt(new Date(candidate), timeZone);
  return new Date(second === first ? candidate : guess - second);
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Monday … 6 = Sunday */
function weekdayOf(date: LocalDate): number {
  return (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7;
}

function isoDate(date: LocalDate): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.year}-${pad(date.month)}-${pad(date.day)}`;
}

/**
 * The latest period that has ended at or before `now`: daily, the day up to today's (or, before
 * it, yesterday's) due time; weekly, the week up to the latest Monday's due time.
 */
export function latestPeriod(cadence: DigestCadence, at: DigestTime, now: Date): DigestPeriod {
  const w = wallClock(now, at.timeZone);
  let endDate: LocalDate = { year: w.year, month: w.month, day: w.day };
  if (cadence === "weekly") endDate = addDays(endDate, -weekdayOf(endDate));
  const step = cadence === "daily" ? 1 : 7;
  let end = zonedInstant(endDate, at.hour, at.minute, at.timeZone);
  if (end.getTime() > now.getTime()) {
    endDate = addDays(endDate, -step);
    end = zonedInstant(endDate, at.hour, at.minute, at.timeZone);
  }
  const start = zonedInstant(addDays(endDate, -step), at.hour, at.minute, at.timeZone);
  return { cadence, key: `${cadence}:${isoDate(endDate)}`, start, end };
}

/** The period in progress: from the latest due time up to `now` (what `digest show` reports). */
export function currentPeriod(cadence: DigestCadence, at: DigestTime, now: Date): DigestPeriod {
  const last = latestPeriod(cadence, at, now);
  return { cadence, key: `${cadence}:current`, start: last.end, end: now };
}

/** `Mon 30 Nov 08:00` in the digest's zone. */
export function localLabel(instant: Date, timeZone: string, withTime: boolean): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    ...(withTime ? { hour: "2-digit", minute: "2-digit", hourCycle: "h23" as const } : {}),
  })
    .format(instant)
    .replace(",", "");
}
