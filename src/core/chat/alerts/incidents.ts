import type { Approval } from "../../approvals/approval.js";
import type { AppleAuditEvent } from "../../ports/apple-directory.js";
import type { FailureEntry, Quarantine, RunSummary } from "../../ports/provisioning-engine.js";
import type { Reply } from "../reply.js";
import type { AlertKind } from "./kinds.js";

/** What the scheduler/engine reports; the alert policy turns each into channel actions. */
export type AlertEvent =
  /** `failures`: every user failing now (engine.failures() after the cycle), not only new ones */
  | {
      readonly type: "cycle_finished";
      readonly at: Date;
      readonly run: RunSummary;
      readonly failures: readonly FailureEntry[];
    }
  | { readonly type: "quarantine_entered"; readonly at: Date; readonly quarantine: Quarantine }
  | { readonly type: "quarantine_left"; readonly at: Date }
  | { readonly type: "deletions_held"; readonly at: Date; readonly approval: Approval }
  /** emitted periodically (e.g. daily) when `ABM_SCIM_TOKEN_EXPIRES` is set */
  | { readonly type: "token_check"; readonly at: Date; readonly expiresAt: Date }
  /** ABM answered 401: the SCIM token was rejected */
  | { readonly type: "token_rejected"; readonly at: Date; readonly detail: string }
  /** the SCIM client moved to ABM_SCIM_TOKEN_NEXT after a 401 (`tokenId`: a short hash of it) */
  | { readonly type: "token_switched"; readonly at: Date; readonly tokenId: string; readonly expiresAt: Date | null }
  /** one poll of Apple's audit log: the events never alerted before (possibly none: quiet threads still close) */
  | { readonly type: "apple_audit"; readonly at: Date; readonly events: readonly AppleAuditEvent[] };

/** Every kind of incident (the store's parser reads this list; the kinds list maps each to a subscription kind). */
export const INCIDENT_KINDS = [
  "failures",
  "cycle_error",
  "quarantine",
  "deletions_held",
  "token_expiring",
  "token_rejected",
  "token_switched",
  "apple_audit",
] as const;

export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** One incident = one parent message; stored by the dispatcher (the `alerts` table) and fed back in. */
export interface IncidentRecord {
  /** stable: `failure:<code>`, `cycle:<code>`, `quarantine`, `approval:<id>`, `token:expiring`, `token:rejected`, `token:switched:<token id>`, `apple:<audit group>` */
  readonly key: string;
  readonly kind: IncidentKind;
  readonly status: "open" | "resolved";
  readonly title: string;
  readonly openedAt: Date;
  readonly lastSeenAt: Date;
  readonly resolvedAt: Date | null;
  /** how many cycles/events saw it */
  readonly occurrences: number;
  /** affected users for failures; days left for token expiry */
  readonly count: number;
  /** token expiry: the last milestone announced (60, 30, 7, 1, 0) */
  readonly milestone: number | null;
  /**
   * Which opening of its key this is: 0 the first time, then the time (ms) the previous opening
   * resolved. Every replica that plans the same opening computes the same number (the dispatcher
   * sets it from the stored incident), so its messages have the same dedup keys on every replica,
   * and follow-ups find the parent of their own opening.
   */
  readonly opening: number;
}

/**
 * What to do for one event. Every action carries the incident as it must now be stored.
 * - `post_parent`: post a new parent message to every alert route, remember its refs by key
 * - `post_follow_up`: post `reply` threaded under the parent
 * - `bump`: seen again: store the counter; editing the parent with `parent` is optional
 * - `resolve`: edit the parent with `parent` (resolved) and post `followUp` in the thread
 * - `note`: post `reply` once, no incident (a run's short note); `kind` says who receives it
 */
export type AlertAction =
  | {
      readonly type: "post_parent";
      readonly key: string;
      readonly incident: IncidentRecord;
      readonly reply: Reply;
      /** what the message carries, when that (not the incident's counters) makes it unique: e.g. the audit events it lists */
      readonly contentKey?: string;
    }
  | {
      readonly type: "post_follow_up";
      readonly key: string;
      readonly incident: IncidentRecord;
      readonly reply: Reply;
      readonly parent: Reply;
      readonly contentKey?: string;
    }
  | { readonly type: "bump"; readonly key: string; readonly incident: IncidentRecord; readonly parent: Reply }
  | {
      readonly type: "resolve";
      readonly key: string;
      readonly incident: IncidentRecord;
      readonly parent: Reply;
      readonly followUp: Reply;
    }
  | { readonly type: "note"; readonly key: string; readonly kind: AlertKind; readonly reply: Reply };

export const TOKEN_MILESTONES = [60, 30, 7, 1] as const;

/** A new incident, seen once now. */
export function opened(
  key: string,
  kind: IncidentKind,
  title: string,
  at: Date,
  count: number,
  milestone: number | null = null,
): IncidentRecord {
  return {
    key,
    kind,
    status: "open",
    title,
    openedAt: at,
    lastSeenAt: at,
    resolvedAt: null,
    occurrences: 1,
    count,
    milestone,
    // the dispatcher numbers the opening from the stored incident (the policy sees open ones only)
    opening: 0,
  };
}

/** The incident seen once more, with its new count. */
export function seenAgain(incident: IncidentRecord, at: Date, count: number): IncidentRecord {
  return { ...incident, lastSeenAt: at, occurrences: incident.occurrences + 1, count };
}
