import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm token`: days left of the SCIM token in use, the next token, and Apple's two-token overlap. */
export function createTokenCommand(access: AppAccess): CliCommand {
  return {
    name: "token",
    usage: "abm token",
    summary: "Show the ABM SCIM token's days left, the next token (ABM_SCIM_TOKEN_NEXT) and how to rotate",
    args: [],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "token" }),
  };
}
