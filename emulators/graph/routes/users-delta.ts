import type { EmulatorContext, RouteRequest } from "../context.js";
import { type DeltaState, decodeToken, encodeToken } from "../delta-tokens.js";
import { sendGraphError, sendGraphJson } from "../http.js";
import { contextUrl, parseSelect, project } from "../odata.js";
import type { ChangeEntry, GraphUser, UserRecord } from "../store.js";

const EXPIRED_MESSAGE =
  "The sync state generation is not found. The delta token is expired and data must be synchronized again.";

/** first index in the (sequence-ordered) change log whose seq is > after */
function firstAfter(log: readonly ChangeEntry[], after: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((log[mid]?.seq ?? 0) <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `Prefer: odata.maxpagesize=N` can shrink the page, never grow it past the server's size. */
function pageSizeOf(request: RouteRequest, serverPageSize: number): number {
  const prefer = String(request.req.headers.prefer ?? "");
  const match = /odata\.maxpagesize=(\d+)/i.exec(prefer);
  const wanted = match === null ? serverPageSize : Number(match[1]);
  return Math.max(1, Math.min(wanted, serverPageSize));
}

function incrementalEntry(record: UserRecord, from: number, select: readonly string[] | null): GraphUser {
  const id = record.user.id;
  if (record.state === "soft_deleted") return { id, "@removed": { reason: "changed" } };
  if (record.state === "hard_deleted") return { id, "@removed": { reason: "deleted" } };
  if (record.visibleSeq > from || record.changed === null) return project(record.user, select);
  // updated since `from`: Graph returns the id with at least the updated properties
  const changed = new Set<string>();
  for (const [name, seq] of record.changed) if (seq > from) changed.add(name);
  return project(record.user, select, changed);
}

/** `GET /v1.0/users/delta`: a full read first, then changes since the delta link's state. */
export function handleUsersDelta(context: EmulatorContext, request: RouteRequest): void {
  const { store } = context;
  const { url, res } = request;
  const skip = url.searchParams.get("$skiptoken") ?? url.searchParams.get("$skipToken");
  const delta = url.searchParams.get("$deltatoken") ?? url.searchParams.get("$deltaToken");
  let state: DeltaState;
  if (skip === null && delta === null) {
    state = { k: "full", e: store.epoch(), sel: parseSelect(url), c: 0, s: store.seq() };
  } else {
    const decoded = decodeToken(skip ?? delta ?? "");
    if (decoded === null || (skip !== null && decoded.k === "delta") || (delta !== null && decoded.k !== "delta")) {
      sendGraphError(res, 400, "BadRequest", "Invalid delta or skip token.");
      return;
    }
    if (decoded.e !== store.epoch()) {
      sendGraphError(res, 400, "syncStateNotFound", EXPIRED_MESSAGE);
      return;
    }
    state =
      decoded.k === "delta"
        ? {
            k: "inc",
            e: decoded.e,
            sel: decoded.sel,
            c: firstAfter(store.log, decoded.s),
            from: decoded.s,
            to: store.seq(),
          }
        : decoded;
  }

  const pageSize = pageSizeOf(request, context.pageSize);
  const value: GraphUser[] = [];
  let done: boolean;
  let next: DeltaState;
  if (state.k === "full") {
    let cursor = state.c;
    while (cursor < store.order.length && value.length < pageSize) {
      const record = store.users.get(store.order[cursor] ?? "");
      cursor += 1;
      if (record?.state === "active") value.push(project(record.user, state.sel));
    }
    done = cursor >= store.order.length;
    next = done ? { k: "delta", e: state.e, sel: state.sel, s: state.s } : { ...state, c: cursor };
  } else if (state.k === "inc") {
    let cursor = state.c;
    while (cursor < store.log.length && value.length < pageSize) {
      const entry = store.log[cursor];
      if (entry === undefined || entry.seq > state.to) break;
      cursor += 1;
      const record = store.users.get(entry.id);
      // only a user's latest change in the window counts; later ones wait for the next round
      if (record !== undefined && record.seq === entry.seq) value.push(incrementalEntry(record, state.from, state.sel));
    }
    done = cursor >= store.log.length || (store.log[cursor]?.seq ?? Number.POSITIVE_INFINITY) > state.to;
    next = done ? { k: "delta", e: state.e, sel: state.sel, s: state.to } : { ...state, c: cursor };
  } else {
    sendGraphError(res, 400, "BadRequest", "Invalid skip token.");
    return;
  }

  const link = `${context.origin()}/v1.0/users/delta?${done ? "$deltatoken" : "$skiptoken"}=${encodeToken(next)}`;
  sendGraphJson(res, 200, {
    "@odata.context": contextUrl(context.origin(), "users", state.sel),
    [done ? "@odata.deltaLink" : "@odata.nextLink"]: link,
    value,
  });
}
