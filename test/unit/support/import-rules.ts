import { dirname, join, normalize } from "node:path";

/** One import that breaks the dependency rule of docs/contracts.md §3. */
export interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

/** static `import … from` / `export … from` (statements start a line), dynamic `import("…")`, bare `import "…"` */
const IMPORT_PATTERN =
  /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w*$]+(?:\s+as\s+\w+)?\s*,?\s*)?(?:\{[^}]*\}\s*)?from\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s+["']([^"']+)["']/gm;

const SUBPATH_ROOTS: Readonly<Record<string, string>> = {
  "#core/": "src/core/",
  "#config/": "src/config/",
  "#app/": "src/app/",
  "#db/": "db/",
  "#adapters/": "adapters/",
  "#emulators/": "emulators/",
  "#test/": "test/",
};

const CORE_PACKAGES = new Set(["zod", "node:crypto"]);

/**
 * The one exception to "an adapter never imports another" (docs/architecture.md, the dependency
 * rule; biome.json names the same pair): the entra engine calls Graph through the Graph client
 * package, and only through its index.
 */
const ADAPTER_EXCEPTIONS: readonly { readonly from: string; readonly target: string }[] = [
  { from: "adapters/entra-provisioning", target: "adapters/graph/index.js" },
];

/** Resolves a specifier to a repository path (for our own code) or null (a package). */
function resolveTarget(file: string, specifier: string): string | null {
  for (const [prefix, dir] of Object.entries(SUBPATH_ROOTS)) {
    if (specifier.startsWith(prefix)) return dir + specifier.slice(prefix.length);
  }
  if (specifier.startsWith(".")) return normalize(join(dirname(file), specifier));
  return null;
}

function layerOf(path: string): string {
  if (path.startsWith("src/core/")) return "core";
  if (path.startsWith("src/")) return path.split("/").slice(0, 2).join("/");
  if (path.startsWith("adapters/")) return path.split("/").slice(0, 2).join("/");
  return path.split("/")[0] ?? path;
}

export function findViolations(file: string, text: string): Violation[] {
  const from = layerOf(file);
  const violations: Violation[] = [];
  for (const match of text.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier === undefined) continue;
    const target = resolveTarget(file, specifier);
    const to = target === null ? null : layerOf(target);
    const rule = checkRule(from, to, specifier, target);
    if (rule !== null) violations.push({ file, specifier, rule });
  }
  return violations;
}

function checkRule(from: string, to: string | null, specifier: string, target: string | null): string | null {
  if (from === "core") {
    if (to === null) return CORE_PACKAGES.has(specifier) ? null : "src/core imports zod and itself only";
    return to === "core" ? null : "src/core must not import outer layers";
  }
  if (from.startsWith("adapters/")) {
    if (to === null || to === "core" || to === from) return null;
    if (ADAPTER_EXCEPTIONS.some((e) => e.from === from && e.target === target)) return null;
    return "an adapter imports the core and its own SDK only";
  }
  if (from === "db") {
    if (to === null || to === "core" || to === "db") return null;
    return "db/ imports the core only";
  }
  return null;
}
