import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { answer, withApp } from "./engine-support.js";

/** `abm approvals`.  */
export function createApprovalsCommand(access: AppAccess): CliCommand {
  return {
    name: "approvals",
    usage: "abm approvals",
    summary: "List deletion batches held for approval",
    args: [],
    flags: [],
    run: (ctx) =>
      withApp(ctx, access, async (s) =>
        answer(ctx, s, await s.engine.pendingDeletions(), (pending) => ({ pending }), "approvals"),
      ),
  };
}
