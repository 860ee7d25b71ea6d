import { z } from "zod";
import { resourceTypes, schemas, serviceProviderConfig } from "./discovery.js";
import { parseFilter } from "./filter.js";
import type { JsonObject } from "./json.js";
import { invalidSyntax, invalidValue, ScimHttpError } from "./scim-error.js";
import { LIST_RESPONSE_SCHEMA } from "./scim-schema.js";
import type { UserStore } from "./user-store.js";

export interface ScimRequest {
  readonly method: string;
  /** path below the SCIM base, e.g. `/Users/abc` */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
}

export interface ScimResponse {
  readonly status: number;
  readonly body?: JsonObject;
  readonly headers?: Readonly<Record<string, string>>;
}

const userBody = z.record(z.string(), z.json());
const patchBody = z.looseObject({
  Operations: z.array(z.looseObject({ op: z.string(), path: z.string().optional(), value: z.json().optional() })),
});

function parseJson<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw invalidSyntax(`The request body is not valid JSON.`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidSyntax(`The request body is not a valid ${what}.`);
  return parsed.data;
}

function userResponse(status: number, resource: JsonObject): ScimResponse {
  const meta = resource.meta as JsonObject;
  const headers: Record<string, string> = { etag: String(meta.version) };
  if (status === 201) headers.location = String(meta.location);
  return { status, body: resource, headers };
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw invalidValue(`"${name}" must be an integer.`);
  return n;
}

export interface RoutesOptions {
  readonly store: UserStore;
  readonly maxPageSize: number;
  readonly baseUrl: () => string;
}

/** The SCIM endpoints: /Users CRUD and search, discovery, and /Groups answered as unsupported. */
export function handleScim(request: ScimRequest, options: RoutesOptions): ScimResponse {
  const { store, maxPageSize } = options;
  const segments = request.path.split("/").filter((s) => s !== "");
  const [collection, id, extra] = segments.map((s) => decodeURIComponent(s));
  const method = request.method;
  if (extra !== undefined) throw new ScimHttpError(404, "Not found.");

  if (collection === "Users") {
    if (id === undefined && method === "GET") {
      const filterText = request.query.get("filter");
      const filter = filterText === null || filterText === "" ? undefined : parseFilter(filterText);
      const all = store.query(filter);
      const startIndex = Math.max(1, intParam(request.query, "startIndex", 1));
      const count = Math.min(maxPageSize, Math.max(0, intParam(request.query, "count", maxPageSize)));
      const page = all.slice(startIndex - 1, startIndex - 1 + count);
      return {
        status: 200,
        body: {
          schemas: [LIST_RESPONSE_SCHEMA],
          totalResults: all.length,
          startIndex,
          itemsPerPage: page.length,
          Resources: page as JsonObject[],
        },
      };
    }
    if (id === undefined && method === "POST")
      return userResponse(201, store.create(parseJson(request.body, userBody, "User")));
    if (id !== undefined) {
      if (method === "GET") return userResponse(200, store.get(id));
      if (method === "PUT") return userResponse(200, store.replace(id, parseJson(request.body, userBody, "User")));
      if (method === "PATCH") {
        const body = parseJson(request.body, patchBody, "PatchOp");
        const updated = store.patch(id, body.Operations);
        return updated === null ? { status: 204 } : userResponse(200, updated);
      }
      if (method === "DELETE") {
        store.delete(id);
        return { status: 204 };
      }
    }
    throw new ScimHttpError(405, `${method} is not supported here.`);
  }
  if (method !== "GET") {
    if (collection === "Groups") throw new ScimHttpError(404, "This service provider does not support Groups.");
    throw new ScimHttpError(405, `${method} is not supported here.`);
  }
  const base = options.baseUrl();
  let found: JsonObject | null = null;
  if (collection === "ServiceProviderConfig" && id === undefined) found = serviceProviderConfig(base, maxPageSize);
  else if (collection === "ResourceTypes") found = resourceTypes(base, id);
  else if (collection === "Schemas") found = schemas(base, id);
  else if (collection === "Groups") throw new ScimHttpError(404, "This service provider does not support Groups.");
  if (found === null) throw new ScimHttpError(404, "Not found.");
  return { status: 200, body: found };
}
