import { createHash } from "node:crypto";
import type { ApprovalPayload } from "#core/approvals/approval.js";
import { graphTime, runFromExecution } from "./job-status.js";
import type { Job } from "./schemas.js";

/** A TooManyDeletes quarantine episode of the job, or null when the job holds no deletions. */
export function heldEpisode(job: Job): { jobId: string; currentBegan: string } | null {
  const q = job.status.quarantine;
  if (job.status.code !== "Quarantine" || q?.reason !== "TooManyDeletes") return null;
  return { jobId: job.id, currentBegan: q.currentBegan ?? q.seriesBegan ?? "unknown" };
}

/** Stable per episode: the same quarantine always gives the same approval id, a new one a new id. */
export function approvalIdFor(episode: { jobId: string; currentBegan: string }): string {
  const digest = createHash("sha256").update(`${episode.jobId}|${episode.currentBegan}`).digest("hex");
  return `apr_entra_${digest.slice(0, 20)}`;
}

/** "would delete or disable 612 users" in Entra's error message; otherwise at least the threshold. */
function heldCount(job: Job, threshold: number): number {
  const message = job.status.lastExecution?.error?.message ?? "";
  const match = /(\d+)\s+users?/i.exec(message);
  return match?.[1] === undefined ? threshold : Number(match[1]);
}

/** The held batch of the job's current TooManyDeletes episode, as the approval's payload. */
export function quarantinePayload(
  job: Job,
  episode: { readonly jobId: string; readonly currentBegan: string },
  threshold: number,
): Extract<ApprovalPayload, { kind: "entra_quarantine" }> {
  const since = graphTime(episode.currentBegan);
  const count = heldCount(job, threshold);
  return {
    kind: "entra_quarantine",
    jobId: episode.jobId,
    episodeBegan: episode.currentBegan,
    runId: runFromExecution(job.status.lastExecution)?.id ?? null,
    threshold,
    count,
    reason: `Entra quarantined provisioning job ${job.id}${since === null ? "" : ` at ${since.toISOString().slice(0, 16).replace("T", " ")} UTC`} because a cycle would delete or disable ${count} users, over its accidental-deletions threshold of ${threshold}. Entra does not list these users through Graph: see Entra → Apple Business Manager → Provisioning logs (action Delete/Disable).`,
  };
}
