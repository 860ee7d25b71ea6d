import type { AuditActor, AuditEntry } from "../audit.js";
import {
  type Approval,
  type ApprovalMessage,
  type ApprovalResult,
  type ApprovalStatus,
  effectiveStatus,
  type HoldRequest,
  type Vote,
} from "./approval.js";

/**
 * - `recorded`: the vote was added (`transitioned`: it moved the approval out of pending)
 * - `duplicate`: this person had already voted; nothing changed
 * - `expired`: past `expiresAt`; nothing recorded, the approval is (now) `expired`
 * - `closed`: no longer pending (decided, applied, expired or withdrawn earlier)
 */
export type VoteOutcome = "recorded" | "duplicate" | "expired" | "closed";

export interface VoteResult {
  readonly outcome: VoteOutcome;
  /** true only for the one caller whose vote moved the approval from pending to approved/rejected */
  readonly transitioned: boolean;
  readonly approval: Approval;
}

/**
 * The approvals of ONE connection (the database implements it with the connection bound in SQL).
 * Methods reject with an AppError when the database fails.
 */
export interface ApprovalStore {
  /** inserts a pending approval when the id is absent; returns the stored one either way */
  hold(
    request: HoldRequest,
    requiredApprovals: number,
  ): Promise<{ readonly approval: Approval; readonly created: boolean }>;
  get(id: string): Promise<Approval | null>;
  /** the newest pending approval, or null */
  pending(): Promise<Approval | null>;
  /** newest first */
  list(limit: number): Promise<readonly Approval[]>;
  /**
   * Compare-and-set vote in one statement: while pending, unexpired and not yet voted by this
   * person, append it; a reject moves it to `rejected`, the approve that reaches
   * `requiredApprovals` to `approved`. An overdue pending approval becomes `expired`. The vote's
   * audit entry (`voteAuditEntry`, by `by`) is written in the same transaction, whatever the outcome.
   */
  vote(id: string, vote: Vote, now: Date, by: AuditActor): Promise<VoteResult | null>;
  /** compare-and-set of the status; true when this call changed it */
  transition(id: string, from: ApprovalStatus, to: ApprovalStatus, now: Date): Promise<boolean>;
  /** stores what executing the decision did, with its audit entry, in one transaction */
  setResult(id: string, result: ApprovalResult, now: Date, audit: AuditEntry): Promise<void>;
  /** records a posted message (ignored when already there) */
  addMessage(id: string, message: ApprovalMessage, now: Date): Promise<void>;
}

/** The audit entry of a vote, by outcome: what the store writes with it. */
export function voteAuditEntry(by: AuditActor, result: VoteResult, now: Date): AuditEntry {
  const { approval } = result;
  const entry = { ...by, target: approval.id };
  const approvals = approval.votes.filter((v) => v.decision === "approve").length;
  const tally = `${approvals} of ${approval.requiredApprovals}`;
  if (result.outcome === "recorded") {
    if (!result.transitioned) return { ...entry, outcome: "counted", detail: tally };
    return {
      ...entry,
      outcome: "counted",
      detail: `decided: ${approval.status}${approval.status === "approved" ? ` (${tally})` : ""}`,
    };
  }
  if (result.outcome === "expired") return { ...entry, outcome: "refused", detail: "expired" };
  const status = effectiveStatus(approval, now);
  if (result.outcome === "duplicate" && status === "pending")
    return { ...entry, outcome: "refused", detail: "duplicate decision" };
  return { ...entry, outcome: "refused", detail: `already ${status}` };
}
