import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject } from "ajv";
import draft06 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };

/**
 * Test helpers: validate a card against the official Adaptive Card 1.5 JSON schema (copied into
 * test/fixtures from microsoft/AdaptiveCards `schemas/1.5.0/adaptive-card.json`) and render it
 * with the `adaptivecards` JS renderer under jsdom.
 */
const schemaPath = new URL("../../fixtures/adaptive-card-1.5.schema.json", import.meta.url);

function isUri(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function isUriReference(value: string): boolean {
  try {
    new URL(value, "http://base.invalid/");
    return !/\s/.test(value);
  } catch {
    return false;
  }
}

interface DomNode {
  readonly textContent: string | null;
  readonly outerHTML: string;
  querySelectorAll(selector: string): Iterable<DomNode>;
  getAttribute(name: string): string | null;
}

interface JsdomWindow {
  readonly document: unknown;
  readonly HTMLElement: { readonly prototype: object };
}

/** jsdom ships no types here; the two members we use are typed by hand. */
type JsdomCtor = new (html: string, options: { pretendToBeVisual: boolean }) => { window: JsdomWindow };

export type CardValidator = (card: unknown) => readonly ErrorObject[];

export function createCardValidator(): CardValidator {
  // The upstream schema is draft-06 and uses annotation keywords (`version`, `features`) that are
  // not JSON Schema: strict mode off, formats checked by the two functions above.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft06);
  ajv.addFormat("uri", isUri);
  ajv.addFormat("uri-reference", isUriReference);
  // The file keeps upstream's draft-04 style top-level `id`; Ajv 8 only accepts `$id`.
  const { id, ...schema } = JSON.parse(readFileSync(schemaPath, "utf8")) as Record<string, unknown>;
  const validate = ajv.compile<unknown>({ ...schema, $id: String(id) });
  return (card) => (validate(card) ? [] : [...(validate.errors ?? [])]);
}

/** A minimal markdown processor standing in for the host's (Teams renders its own subset). */
function renderTestMarkdown(text: string): string {
  const html = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const inline = (line: string): string => {
    const escaped: string[] = [];
    const protectedLine = line.replace(/\\([\\*_[\]`])/g, (_m, ch: string) => {
      escaped.push(ch);
      return `\uE000${escaped.length - 1}\uE000`;
    });
    const out = html(protectedLine)
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>');
    return out.replace(/\uE000(\d+)\uE000/g, (_m, i: string) => html(escaped[Number(i)] ?? ""));
  };
  return text
    .split(/\n\n/)
    .map((paragraph) => {
      const lines = paragraph.split(/\r\n|\r|\n/);
      if (lines.every((l) => l.startsWith("- ")))
        return `<ul>${lines.map((l) => `<li>${inline(l.slice(2))}</li>`).join("")}</ul>`;
      return `<p>${lines.map(inline).join("<br>")}</p>`;
    })
    .join("");
}

export interface RenderedCard {
  readonly text: string;
  readonly html: string;
  readonly warnings: readonly string[];
  readonly buttons: readonly string[];
}

export type CardRenderer = (card: unknown) => RenderedCard;

let loaded: Promise<CardRenderer> | undefined;

/** Loads jsdom + adaptivecards once per test file (the library needs browser globals at import). */
export function loadCardRenderer(): Promise<CardRenderer> {
  loaded ??= (async () => {
    const { JSDOM } = createRequire(import.meta.url)("jsdom") as { JSDOM: JsdomCtor };
    const dom = new JSDOM("<!doctype html><html><body></body></html>", { pretendToBeVisual: true });
    const win = dom.window as unknown as Record<string, unknown>;
    const target = globalThis as unknown as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(win)) {
      if (key in target) continue;
      try {
        target[key] = win[key];
      } catch {
        // read-only globals (e.g. `performance`) keep Node's value
      }
    }
    target.window = dom.window;
    target.document = dom.window.document;
    const htmlElementProto = dom.window.HTMLElement.prototype;
    if (!Object.getOwnPropertyDescriptor(htmlElementProto, "innerText")) {
      Object.defineProperty(htmlElementProto, "innerText", {
        get(this: { textContent: string | null }) {
          return this.textContent ?? "";
        },
        set(this: { textContent: string | null }, value: string) {
          this.textContent = value;
        },
      });
    }
    const AC = await import("adaptivecards");
    AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
      result.outputHtml = renderTestMarkdown(text);
      result.didProcess = true;
    };
    return (card: unknown): RenderedCard => {
      const adaptive = new AC.AdaptiveCard();
      const context = new AC.SerializationContext();
      adaptive.parse(card, context);
      const warnings = context.eventCount > 0 ? collectEvents(context) : [];
      for (const event of adaptive.validateProperties().validationEvents) warnings.push(`validate: ${event.message}`);
      const element = adaptive.render() as unknown as DomNode | undefined;
      if (element === undefined) throw new Error("adaptivecards rendered nothing");
      const buttons = [...element.querySelectorAll("button")].map(
        (b) => b.getAttribute("aria-label") ?? b.textContent ?? "",
      );
      return { text: element.textContent ?? "", html: element.outerHTML, warnings, buttons };
    };
  })();
  return loaded;
}

function collectEvents(context: { eventCount: number; getEventAt(i: number): { message: string } }): string[] {
  const out: string[] = [];
  for (let i = 0; i < context.eventCount; i++) out.push(`parse: ${context.getEventAt(i).message}`);
  return out;
}
