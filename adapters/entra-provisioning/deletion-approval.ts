import { createHash } from "node:crypto";
import { z } from "zod";
import type { PendingDeletions } from "#core/ports/provisioning-engine.js";
import { graphTime, runFromExecution } from "./job-status.js";
import type { Job } from "./schemas.js";

/** The narrow persistence the entra engine needs: named strings (cursor, approval episodes, last seen states). */
export interface EntraEngineStore {
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
}

const EpisodeSchema = z.object({
  jobId: z.string(),
  currentBegan: z.string(),
  requestedAt: z.string(),
  status: z.enum(["pending", "approved", "rejected"]),
});
export type Episode = z.infer<typeof EpisodeSchema>;

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

const episodeKey = (approvalId: string): string => `entra:approval:${approvalId}`;

export async function loadEpisode(store: EntraEngineStore, approvalId: string): Promise<Episode | null> {
  const raw = await store.get(episodeKey(approvalId));
  if (raw === null) return null;
  try {
    const parsed = EpisodeSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function saveEpisode(store: EntraEngineStore, approvalId: string, episode: Episode): Promise<void> {
  await store.set(episodeKey(approvalId), JSON.stringify(episode));
}

/** "would delete or disable 612 users" in Entra's error message; otherwise at least the threshold. */
function heldCount(job: Job, threshold: number): number {
  const message = job.status.lastExecution?.error?.message ?? "";
  const match = /(\d+)\s+users?/i.exec(message);
  return match?.[1] === undefined ? threshold : Number(match[1]);
}

export function describeHeld(
  job: Job,
  approvalId: string,
  episode: Episode,
  threshold: number,
  ttlMs: number,
): PendingDeletions {
  const requestedAt = new Date(episode.requestedAt);
  const since = graphTime(episode.currentBegan);
  const count = heldCount(job, threshold);
  return {
    approvalId,
    count,
    users: [],
    reason: `Entra quarantined provisioning job ${job.id}${since === null ? "" : ` at ${since.toISOString().slice(0, 16).replace("T", " ")} UTC`} because a cycle would delete or disable ${count} users, over its accidental-deletions threshold of ${threshold}. Entra does not list these users through Graph: see Entra → Apple Business Manager → Provisioning logs (action Delete/Disable).`,
    runId: runFromExecution(job.status.lastExecution)?.id ?? null,
    threshold,
    requestedAt,
    expiresAt: new Date(requestedAt.getTime() + ttlMs),
  };
}
