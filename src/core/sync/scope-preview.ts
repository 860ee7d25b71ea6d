import type { ScopePreview } from "../ports/provisioning-engine.js";
import type { LinkState } from "./operations.js";
import { exceedsThreshold } from "./threshold.js";

export interface ScopePreviewOptions {
  /** deletion threshold, to say whether the change would be held */
  readonly threshold: number;
  /** how many examples of each side (default 5) */
  readonly exampleLimit?: number;
  /** display names (usually userPrincipalName) for ids that have no link yet */
  readonly userNames?: ReadonlyMap<string, string>;
}

export type ScopeChangePreview = Omit<ScopePreview, "from" | "to">;

/**
 * What a scope change would do, before it is made.
 * - entering: in the new scope and not in the current one (candidates for create/adopt);
 * - leaving: users we keep active in ABM (active links) that the new scope no longer contains:
 *   exactly the deactivations the restart after the change would plan.
 * Examples are sorted (userName, then id) so the preview is stable.
 */
export function previewScopeChange(
  currentScopeIds: ReadonlySet<string>,
  newScopeIds: ReadonlySet<string>,
  links: readonly LinkState[],
  options: ScopePreviewOptions,
): ScopeChangePreview {
  const limit = options.exampleLimit ?? 5;
  const linkNames = new Map(links.map((link) => [link.entraId, link.userName] as const));
  const label = (id: string): string => linkNames.get(id) || options.userNames?.get(id) || id;

  const entering = [...newScopeIds].filter((id) => !currentScopeIds.has(id));
  const leaving = links.filter((link) => link.active && !newScopeIds.has(link.entraId)).map((link) => link.entraId);
  const examples = (ids: readonly string[]): string[] =>
    ids
      .map((id) => ({ id, name: label(id) }))
      .sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id))
      .slice(0, limit)
      .map((entry) => entry.name);

  return {
    entering: entering.length,
    leaving: leaving.length,
    examplesEntering: examples(entering),
    examplesLeaving: examples(leaving),
    wouldHold: exceedsThreshold(leaving.length, options.threshold),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
