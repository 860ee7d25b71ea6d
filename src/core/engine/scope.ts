import type { AppError } from "../errors.js";
import type { ScopePreview, SyncScope } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { previewScopeChange } from "../sync/scope-preview.js";
import type { EngineContext } from "./context.js";
import { readSource } from "./read-source.js";

/** What a scope change would do: a full read of Entra and the assignments, nothing written. */
export async function previewScope(ctx: EngineContext, to: SyncScope): Promise<Result<ScopePreview, AppError>> {
  const settings = await ctx.store.settings();
  const read = await readSource(ctx.directory, null, ["id", "userPrincipalName"]);
  if (!read.ok) return err(read.error);
  const all = new Set(read.value.users.keys());
  let assigned: ReadonlySet<string> = new Set();
  if (settings.scope === "assigned" || to === "assigned") {
    const scope = await ctx.directory.readAssignedScope();
    if (!scope.ok) return err(scope.error);
    assigned = new Set([...scope.value.userIds].filter((id) => all.has(id)));
  }
  const idsFor = (scope: SyncScope): ReadonlySet<string> => (scope === "all" ? all : assigned);
  const userNames = new Map<string, string>();
  for (const [id, user] of read.value.users) {
    const upn = user.attributes.userPrincipalName;
    if (typeof upn === "string") userNames.set(id, upn);
  }
  const links = await ctx.store.links();
  const preview = previewScopeChange(idsFor(settings.scope), idsFor(to), links, {
    threshold: ctx.threshold,
    userNames,
  });
  return ok({ from: settings.scope, to, ...preview });
}
