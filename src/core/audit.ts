import type { AppError } from "./errors.js";
import type { Platform } from "./platform.js";
import type { Result } from "./result.js";

/** The audit log's vocabulary: every state change a person causes is one entry. */
export type AuditOutcome = "succeeded" | "failed" | "refused" | "requested" | "cancelled" | "counted";

export interface AuditEntry {
  /** actor id as the platform knows it */
  readonly actor: string;
  /** `system`: the service itself (e.g. the SCIM client switching to the next token) */
  readonly platform: Platform;
  /** command or action, e.g. `sync`, `scope.confirm`, `approval.approve` */
  readonly command: string;
  /** what it acted on (a user, an approval id, a scope) or null */
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly detail: string;
}

/** Who acts, as the audit log names them. */
export type AuditActor = Pick<AuditEntry, "actor" | "platform" | "command">;

export interface AuditSink {
  record(entry: AuditEntry): Promise<Result<void, AppError>>;
}
