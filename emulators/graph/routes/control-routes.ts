import { z } from "zod";
import { parseWith, readJson, sendEmpty } from "../../http-json.js";
import type { RouteFamily } from "../context.js";
import { FaultsSchema } from "../faults.js";
import { sendGraphJson } from "../http.js";
import { createPrng } from "../prng.js";
import { seedUsers } from "../seed.js";
import { snapshotState } from "../state.js";

const UserBody = z.record(z.string(), z.unknown());
const GroupBody = z.object({ displayName: z.string().min(1), id: z.string().min(1).optional() });
const MemberBody = z.object({ id: z.string().min(1) });
const AssignmentBody = z.object({ principalId: z.string().min(1) });
const SeedBody = z.object({ count: z.number().int().min(0).max(1_000_000), seed: z.number().int().optional() });

const missing = (what: string) => ({ error: `${what} not found` });

/** The `/_emulator/` control API of docs/contracts.md §5 (not part of Graph). */
export const controlRoutes: RouteFamily = (context) => {
  const { store } = context;
  return [
    {
      method: "POST",
      path: "/_emulator/users",
      kind: "control",
      async handle({ req, res }) {
        sendGraphJson(res, 201, store.createUser(parseWith(UserBody, await readJson(req))));
      },
    },
    {
      method: "PATCH",
      path: "/_emulator/users/:id",
      kind: "control",
      async handle({ req, res, params }) {
        const user = store.patchUser(params.id ?? "", parseWith(UserBody, await readJson(req)));
        if (user === null) sendGraphJson(res, 404, missing("active user"));
        else sendGraphJson(res, 200, user);
      },
    },
    {
      method: "DELETE",
      path: "/_emulator/users/:id",
      kind: "control",
      handle({ res, params, url }) {
        const hard = url.searchParams.get("hard") === "true";
        if (store.deleteUser(params.id ?? "", hard)) sendEmpty(res);
        else sendGraphJson(res, 404, missing(hard ? "user" : "active user"));
      },
    },
    {
      method: "POST",
      path: "/_emulator/users/:id/restore",
      kind: "control",
      handle({ res, params }) {
        const user = store.restoreUser(params.id ?? "");
        if (user === null) sendGraphJson(res, 404, missing("soft-deleted user"));
        else sendGraphJson(res, 200, user);
      },
    },
    {
      method: "POST",
      path: "/_emulator/groups",
      kind: "control",
      async handle({ req, res }) {
        const body = parseWith(GroupBody, await readJson(req));
        const group = store.createGroup(body.displayName, body.id);
        sendGraphJson(res, 201, { id: group.id, displayName: group.displayName, members: [] });
      },
    },
    {
      method: "POST",
      path: "/_emulator/groups/:id/members",
      kind: "control",
      async handle({ req, res, params }) {
        const body = parseWith(MemberBody, await readJson(req));
        if (store.addMember(params.id ?? "", body.id)) sendEmpty(res);
        else sendGraphJson(res, 404, missing("group or member"));
      },
    },
    {
      method: "DELETE",
      path: "/_emulator/groups/:id/members/:memberId",
      kind: "control",
      handle({ res, params }) {
        if (store.removeMember(params.id ?? "", params.memberId ?? "")) sendEmpty(res);
        else sendGraphJson(res, 404, missing("membership"));
      },
    },
    {
      method: "POST",
      path: "/_emulator/assignments",
      kind: "control",
      async handle({ req, res }) {
        const body = parseWith(AssignmentBody, await readJson(req));
        const assignment = store.assign(body.principalId);
        if (assignment === null) sendGraphJson(res, 404, missing("principal"));
        else sendGraphJson(res, 201, { principalId: assignment.principalId, principalType: assignment.principalType });
      },
    },
    {
      method: "DELETE",
      path: "/_emulator/assignments/:principalId",
      kind: "control",
      handle({ res, params }) {
        if (store.unassign(params.principalId ?? "")) sendEmpty(res);
        else sendGraphJson(res, 404, missing("assignment"));
      },
    },
    {
      method: "POST",
      path: "/_emulator/seed",
      kind: "control",
      async handle({ req, res }) {
        const body = parseWith(SeedBody, await readJson(req));
        seedUsers(store, createPrng(body.seed ?? 1), body.count, context.problemRate);
        sendGraphJson(res, 200, { users: store.order.length });
      },
    },
    {
      method: "POST",
      path: "/_emulator/faults",
      kind: "control",
      async handle({ req, res }) {
        context.faults = parseWith(FaultsSchema, await readJson(req));
        sendGraphJson(res, 200, context.faults);
      },
    },
    {
      method: "POST",
      path: "/_emulator/expire-delta-tokens",
      kind: "control",
      handle({ res }) {
        store.expireDeltaTokens();
        sendEmpty(res);
      },
    },
    {
      method: "GET",
      path: "/_emulator/state",
      kind: "control",
      handle({ res }) {
        sendGraphJson(res, 200, snapshotState(store));
      },
    },
  ];
};
