import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm digest show [daily|weekly]`: the period in progress, as the digest would say it. */
export function createDigestShowCommand(access: AppAccess): CliCommand {
  return {
    name: "digest show",
    usage: "abm digest show [<daily|weekly>]",
    summary: "Show the digest of the period so far (runs, users, failures, approvals, token, run series)",
    args: [{ name: "period", summary: "daily (default) or weekly", required: false, choices: ["daily", "weekly"] }],
    flags: [],
    run: (ctx) =>
      runCommand(ctx, access, { name: "digest.show", cadence: ctx.args.period === "weekly" ? "weekly" : "daily" }),
  };
}
