import { HttpError } from "../http-json.js";
import type { JsonObject } from "./json.js";
import { ERROR_SCHEMA } from "./scim-schema.js";

/** A SCIM error the emulator answers with (RFC 7644 §3.12). */
export class ScimHttpError extends HttpError {
  readonly scimType: string | undefined;

  constructor(status: number, detail: string, scimType?: string) {
    super(status, detail);
    this.name = "ScimHttpError";
    this.scimType = scimType;
  }

  body(): JsonObject {
    return scimErrorBody(this);
  }
}

/** The SCIM error body of any refusal (a too-large body, say), with its `scimType` when it has one. */
export function scimErrorBody(error: HttpError): JsonObject {
  const out: JsonObject = { schemas: [ERROR_SCHEMA], status: String(error.status), detail: error.message };
  if (error instanceof ScimHttpError && error.scimType !== undefined) out.scimType = error.scimType;
  return out;
}

export const invalidValue = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "invalidValue");
export const invalidSyntax = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "invalidSyntax");
export const invalidFilter = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "invalidFilter");
export const invalidPath = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "invalidPath");
export const noTarget = (detail: string): ScimHttpError => new ScimHttpError(400, detail, "noTarget");
