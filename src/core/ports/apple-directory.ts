import type { AppError } from "../errors.js";
import type { Result } from "../result.js";

/** A user's status in Apple Business Manager, as the Apple Business API reports it. */
export const APPLE_USER_STATUSES = [
  "NEW",
  "RELEASED",
  "ACTIVE",
  "DEACTIVATED",
  "LOCKED",
  "LOCKED_FOR_SHARED_IPAD",
] as const;

export type AppleUserStatus = (typeof APPLE_USER_STATUSES)[number];

/**
 * One user of the Apple organization as the Apple Business API lists it (read-only). Nothing says
 * which source created it: hand-made accounts, an earlier sync's and this sync's look alike.
 */
export interface AppleUser {
  readonly id: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  readonly status: AppleUserStatus;
  readonly managedAppleAccount: string | null;
  readonly email: string | null;
  readonly isExternalUser: boolean;
  /** role names of `roleOuList` (`Administrator`, `People Manager`, `Staff`…) */
  readonly roles: readonly string[];
  readonly employeeNumber: string | null;
  readonly department: string | null;
  readonly costCenter: string | null;
  readonly division: string | null;
}

/** The Apple organization's own users, read through the Apple Business API (never written). */
export interface AppleDirectory {
  /** every user, in as few requests as the API allows (pages of up to 1000) */
  listUsers(signal?: AbortSignal): Promise<Result<readonly AppleUser[], AppError>>;
}

/** One entry of the Apple organization's audit log (Apple Business API `auditEvents`). */
export interface AppleAuditEvent {
  /** Apple's id of the event: the same event read twice (overlapping windows) has the same id */
  readonly id: string;
  readonly at: Date;
  /** one of Apple's event types: `ACCOUNT_ADDED`, `DOMAIN_REMOVED`, `API_ACCOUNT_KEY_REVOKED`… (kept as given) */
  readonly type: string;
  /** who did it: `USER` (a person in ABM), `API_USER` (an API account), `SYSTEM` (Apple, a directory sync) */
  readonly actorType: string;
  readonly actorName: string | null;
  readonly subjectType: string | null;
  readonly subjectName: string | null;
  /** `SUCCESS` or `FAILURE` */
  readonly outcome: string;
}

/** The Apple organization's audit log, read through the Apple Business API (never written). */
export interface AppleAuditLog {
  /** every event with `start <= eventDateTime <= end`, oldest first, in as few requests as the API allows */
  listAuditEvents(
    window: {
      readonly start: Date;
      readonly end?: Date;
      readonly actorId?: string;
      readonly subjectId?: string;
      readonly type?: string;
    },
    signal?: AbortSignal,
  ): Promise<Result<readonly AppleAuditEvent[], AppError>>;
}
