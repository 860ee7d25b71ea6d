import type { Prng } from "./prng.js";
import type { GraphStore } from "./store.js";

/** The domain the emulated tenant has verified (and that ABM is expected to have verified). */
export const VERIFIED_DOMAIN = "contoso.com";
/** The tenant's initial domain: a UPN here is outside the verified domain. */
const INITIAL_DOMAIN = "contoso.onmicrosoft.com";

const GIVEN_NAMES = [
  "Adele",
  "Alex",
  "Allan",
  "Ana",
  "Anika",
  "Ben",
  "Bianca",
  "Carlos",
  "Chen",
  "Chloe",
  "Daniel",
  "Diego",
  "Elena",
  "Emily",
  "Fatima",
  "Felix",
  "Grace",
  "Hana",
  "Henrik",
  "Isaac",
  "Isabella",
  "Jakob",
  "Johanna",
  "Jonas",
  "Kenji",
  "Laura",
  "Lee",
  "Lidia",
  "Lucas",
  "Lynne",
  "Mara",
  "Megan",
  "Miriam",
  "Nestor",
  "Noah",
  "Olivia",
  "Omar",
  "Patti",
  "Pradeep",
  "Priya",
  "Rafael",
  "Ravi",
  "Sakura",
  "Sofia",
  "Tomás",
  "Wei",
  "Yara",
  "Zoe",
] as const;

const SURNAMES = [
  "Adams",
  "Bauer",
  "Becker",
  "Bowen",
  "Brown",
  "Castillo",
  "Chen",
  "Dubois",
  "Fernández",
  "Fischer",
  "García",
  "Gonzalez",
  "Hansen",
  "Ito",
  "Jensen",
  "Johnson",
  "Kim",
  "Kowalski",
  "Larsen",
  "Lopez",
  "Martin",
  "Müller",
  "Nakamura",
  "Nguyen",
  "Novak",
  "O'Brien",
  "Patel",
  "Pereira",
  "Rossi",
  "Sato",
  "Schmidt",
  "Silva",
  "Singh",
  "Smith",
  "Svensson",
  "Tanaka",
  "Taylor",
  "Vance",
  "Wagner",
  "Wilber",
  "Williams",
  "Zhang",
] as const;

const DEPARTMENTS = ["Sales", "Engineering", "Finance", "Marketing", "Operations", "Legal", "Support"] as const;
const DIVISIONS = ["Americas", "EMEA", "APAC"] as const;
const LANGUAGES = ["en-US", "en-GB", "de-DE", "fr-FR", "ja-JP", "es-ES"] as const;

/** The problems ABM rejects; a seeded user has at most one. */
type SeedProblem = "no_given_name" | "no_surname" | "no_mail" | "upn_outside_domain" | "duplicate_mail";
const PROBLEMS: readonly SeedProblem[] = [
  "no_given_name",
  "no_surname",
  "no_mail",
  "upn_outside_domain",
  "duplicate_mail",
];

const slug = (value: string): string =>
  value
    .normalize("NFD")
    .replace(/[^A-Za-z]/g, "")
    .toLowerCase();

/**
 * Adds `count` synthetic users: realistic names, a department and cost centre, and a `problemRate`
 * share with one problem each. Linear in `count` (100,000 users take well under a second).
 */
export function seedUsers(store: GraphStore, prng: Prng, count: number, problemRate: number): void {
  const start = store.order.length;
  let lastMail: string | null = null;
  const createdDateTime = new Date().toISOString();
  for (let i = 0; i < count; i++) {
    const n = start + i + 1;
    const givenName = prng.pick(GIVEN_NAMES);
    const surname = prng.pick(SURNAMES);
    const local = `${slug(givenName)}.${slug(surname)}${n}`;
    const department = prng.pick(DEPARTMENTS);
    const user: Record<string, unknown> = {
      id: prng.uuid(),
      displayName: `${givenName} ${surname}`,
      givenName,
      surname,
      userPrincipalName: `${local}@${VERIFIED_DOMAIN}`,
      mail: `${local}@${VERIFIED_DOMAIN}`,
      accountEnabled: true,
      userType: "Member",
      jobTitle: `${department} Specialist`,
      department,
      employeeId: String(100000 + n),
      preferredLanguage: prng.pick(LANGUAGES),
      employeeOrgData: { division: prng.pick(DIVISIONS), costCenter: `CC-${1000 + prng.int(50)}` },
      createdDateTime,
    };
    if (prng.next() < problemRate) applyProblem(user, prng.pick(PROBLEMS), local, lastMail);
    lastMail = typeof user.mail === "string" ? user.mail : lastMail;
    store.createUser(user);
  }
}

function applyProblem(user: Record<string, unknown>, problem: SeedProblem, local: string, lastMail: string | null) {
  switch (problem) {
    case "no_given_name":
      user.givenName = null;
      return;
    case "no_surname":
      user.surname = null;
      return;
    case "no_mail":
      user.mail = null;
      return;
    case "upn_outside_domain":
      // a guest: Entra gives it an #EXT# UPN in the initial domain, never in the verified one
      user.userType = "Guest";
      user.userPrincipalName = `${local}_fabrikam.com#EXT#@${INITIAL_DOMAIN}`;
      user.mail = `${local}@fabrikam.com`;
      return;
    case "duplicate_mail":
      if (lastMail !== null) user.mail = lastMail;
      return;
  }
}
