import type { JsonObject } from "./json.js";
import { ERROR_SCHEMA } from "./scim-schema.js";

/** A SCIM error the emulator answers with (RFC 7644 §3.12). */
export class ScimHttpError extends Error {
  readonly status: number;
  readonly scimType: string | undefined;

  constructor(status: number, detail: string, scimType?: string) {
    super(detail);
    this.name = "ScimHttpError";
    this.status = status;
    this.scimType = scimType;
  }

  body(): JsonObject {
    const out: JsonObject = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.message };
    if (this.scimType !== undefined) out.scimType = this.scimType;
    return out;
  }
}

export const invalidValue = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "invalidValue");
export const invalidSyntax = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "invalidSyntax");
export const invalidFilter = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "invalidFilter");
export const invalidPath = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "invalidPath");
export const noTarget = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "noTarget");
