/** Which Apple portal a connection syncs into: Apple Business Manager or Apple School Manager. */
export type AppleOrganization = "business" | "school";

interface OrganizationWords {
  /** "Apple Business Manager" */
  readonly name: string;
  /** "ABM" */
  readonly short: string;
  /** the portal people sign in to */
  readonly portalUrl: string;
  /** where Directory Sync (the SCIM connection and its token) is set up */
  readonly directorySyncUrl: string;
  /** the activity log */
  readonly activityUrl: string;
  /** days before a deleted user's userName can be used again */
  readonly userNameReuseDays: number;
}

const WORDS: Readonly<Record<AppleOrganization, OrganizationWords>> = {
  business: {
    name: "Apple Business Manager",
    short: "ABM",
    portalUrl: "https://business.apple.com",
    directorySyncUrl: "https://business.apple.com/#/main/preferences/directorysync",
    activityUrl: "https://business.apple.com/#/main/activity",
    userNameReuseDays: 30,
  },
  school: {
    name: "Apple School Manager",
    short: "ASM",
    portalUrl: "https://school.apple.com",
    directorySyncUrl: "https://school.apple.com/#/main/preferences/directorysync",
    activityUrl: "https://school.apple.com/#/main/activity",
    userNameReuseDays: 120,
  },
};

export function organizationWords(organization: AppleOrganization): OrganizationWords {
  return WORDS[organization];
}

/** Apple School Manager's SCIM feed lives under /feeds/school/; everything else is Apple Business Manager. */
export function organizationOfScimUrl(scimUrl: string): AppleOrganization {
  return /\/feeds\/school(?:\/|$)/.test(new URL(scimUrl).pathname) ? "school" : "business";
}
