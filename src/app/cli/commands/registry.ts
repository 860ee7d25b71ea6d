import type { CliDeps } from "../cli-deps.js";
import type { CliCommand } from "../command.js";
import { createApprovalsCommand } from "./approvals.js";
import { createApproveCommand } from "./approve.js";
import { createCheckCommand } from "./check.js";
import { createConfigCheckCommand } from "./config-check.js";
import { createDemoCommand } from "./demo.js";
import { createEmulateCommand } from "./emulate.js";
import { createErrorsCommand } from "./errors.js";
import { createHistoryCommand } from "./history.js";
import { createPauseCommand } from "./pause.js";
import { createProvisionCommand } from "./provision.js";
import { createReconcileCommand } from "./reconcile.js";
import { createRejectCommand } from "./reject.js";
import { createRestartCommand } from "./restart.js";
import { createResumeCommand } from "./resume.js";
import { createScopeCommand } from "./scope.js";
import { createServeCommand } from "./serve.js";
import { createStartCommand } from "./start.js";
import { createStatusCommand } from "./status.js";
import { createSyncCommand } from "./sync.js";

/** Every `abm` command, in the order `abm help` lists them. */
export function createCommandRegistry(deps: CliDeps): readonly CliCommand[] {
  const serve = createServeCommand({ clock: deps.clock, env: deps.env });
  const demo = createDemoCommand({ clock: deps.clock, env: deps.env });
  return [
    createStatusCommand(deps.access),
    createSyncCommand(deps.access),
    createRestartCommand(deps.access),
    createCheckCommand(deps.access),
    createProvisionCommand(deps.access),
    createScopeCommand(deps.access),
    createPauseCommand(deps.access),
    createResumeCommand(deps.access),
    createApprovalsCommand(deps.access),
    createApproveCommand(deps.access),
    createRejectCommand(deps.access),
    createErrorsCommand(deps.access),
    createHistoryCommand(deps.access),
    createReconcileCommand(deps.access),
    createConfigCheckCommand({ clock: deps.clock }),
    createStartCommand({ serve, demo }),
    serve,
    demo,
    createEmulateCommand(),
  ];
}
