import { type DigestTime, isTimeZone } from "#core/chat/digest/period.js";
import { err, ok, type Result } from "#core/result.js";
import type { Invalid } from "./invalid.js";

const FORM = /^(\d{1,2})(?::(\d{2}))?(?:\s+(\S+))?$/;
const FIX =
  'write an hour and an optional IANA time zone, e.g. "08:00 Europe/Berlin", "7:30 America/New_York" or "8" (UTC)';

/** `ABM_DIGEST_AT`: `HH[:MM] [IANA zone]`, the zone UTC when left out. */
export function parseDigestAt(text: string): Result<DigestTime, Invalid> {
  const match = FORM.exec(text.trim());
  if (match === null) return err({ reason: "is not a time of day with an optional time zone", fix: FIX });
  const hour = Number(match[1]);
  const minute = match[2] === undefined ? 0 : Number(match[2]);
  if (hour > 23 || minute > 59) return err({ reason: "is not a time of day (00:00–23:59)", fix: FIX });
  const timeZone = match[3] ?? "UTC";
  if (!isTimeZone(timeZone)) return err({ reason: `names an unknown time zone "${timeZone.slice(0, 40)}"`, fix: FIX });
  return ok({ hour, minute, timeZone });
}
