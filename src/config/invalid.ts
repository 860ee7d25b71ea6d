/**
 * Why one value was refused and what to do about it. `reason` never contains the value itself,
 * so it is safe for secrets; the caller decides whether the value may be shown.
 */
export interface Invalid {
  readonly reason: string;
  readonly fix: string;
}
