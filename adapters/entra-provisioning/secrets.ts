import { z } from "zod";
import type { SyncScope } from "#core/ports/provisioning-engine.js";
import type { Secret } from "./schemas.js";

/**
 * The job's secrets list: PUT replaces all of it, so every change is read → merge → write of the
 * one key it changes. `SecretToken` (the ABM token) is carried through untouched and never
 * returned, logged or shown.
 */
export const SECRET_TOKEN = "SecretToken";

export function scopeOf(secrets: readonly Secret[]): SyncScope {
  return secrets
    .find((s) => s.key === "SyncAll")
    ?.value.trim()
    .toLowerCase() === "true"
    ? "all"
    : "assigned";
}

/** one key replaced (or appended), every other pair kept as read, in order */
export function withSecret(secrets: readonly Secret[], key: string, value: string): Secret[] {
  const found = secrets.some((s) => s.key === key);
  const out = secrets.map((s) => (s.key === key ? { key, value } : { key: s.key, value: s.value }));
  return found ? out : [...out, { key, value }];
}

/** a value the service would have to write back but cannot (Graph masked it) */
export function looksMasked(value: string): boolean {
  return value === "" || /^\*+$/.test(value);
}

const NotificationSchema = z.looseObject({
  Enabled: z.boolean().optional(),
  Recipients: z.string().optional(),
  DeleteThresholdEnabled: z.boolean().optional(),
  DeleteThresholdValue: z.union([z.number(), z.string()]).optional(),
});

export interface NotificationSettings {
  /** everything Entra stored, kept for the merge */
  readonly raw: Readonly<Record<string, unknown>>;
  /** Entra e-mails quarantine/failure notifications */
  readonly emailEnabled: boolean;
  readonly deleteThresholdEnabled: boolean;
  readonly deleteThresholdValue: number;
}

/** `SyncNotificationSettings` is a JSON string: `{"Enabled":true,"Recipients":"…","DeleteThresholdEnabled":true,"DeleteThresholdValue":500}`. */
export function notificationSettings(secrets: readonly Secret[]): NotificationSettings {
  const raw = secrets.find((s) => s.key === "SyncNotificationSettings")?.value ?? "";
  let parsed: z.infer<typeof NotificationSchema> = {};
  try {
    const result = NotificationSchema.safeParse(raw === "" ? {} : JSON.parse(raw));
    if (result.success) parsed = result.data;
  } catch {
    parsed = {};
  }
  const value = Number(parsed.DeleteThresholdValue ?? 500);
  return {
    raw: parsed,
    emailEnabled: parsed.Enabled ?? false,
    deleteThresholdEnabled: parsed.DeleteThresholdEnabled ?? true,
    deleteThresholdValue: Number.isFinite(value) && value > 0 ? value : 500,
  };
}

export function withNotificationSettings(
  secrets: readonly Secret[],
  change: {
    readonly emailEnabled?: boolean;
    readonly deleteThresholdEnabled?: boolean;
    readonly deleteThresholdValue?: number;
  },
): Secret[] {
  const current = notificationSettings(secrets);
  const merged: Record<string, unknown> = { ...current.raw };
  if (change.emailEnabled !== undefined) merged.Enabled = change.emailEnabled;
  if (change.deleteThresholdEnabled !== undefined) merged.DeleteThresholdEnabled = change.deleteThresholdEnabled;
  if (change.deleteThresholdValue !== undefined) merged.DeleteThresholdValue = change.deleteThresholdValue;
  return withSecret(secrets, "SyncNotificationSettings", JSON.stringify(merged));
}
