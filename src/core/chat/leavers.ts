import { type AppleOrganization, organizationWords } from "../organization.js";

/**
 * What Apple does with users the sync deactivates, in plain words: deactivated now, removed only
 * after the user is hard-deleted in Entra, and the userName not reusable for 30 days (ABM) or 120
 * (ASM) after that. `will`: said before it happens (a held batch, a preview); `done`: after.
 */
export function leaversNote(organization: AppleOrganization, tense: "will" | "done"): string {
  const apple = organizationWords(organization);
  const now =
    tense === "will"
      ? `they are deactivated in ${apple.name} at once (they can no longer sign in)`
      : `they are deactivated in ${apple.name} now (they can no longer sign in)`;
  return `**What ${apple.short} does with leavers:** ${now}; ${apple.short} removes an account only after the user is hard-deleted in Entra (deleted permanently, not only unassigned or in the recycle bin); once removed, its userName cannot be used again for ${apple.userNameReuseDays} days.`;
}
