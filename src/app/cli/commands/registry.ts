import type { CliDeps } from "../cli-deps.js";
import type { CliCommand } from "../command.js";
import { createAlertsListCommand } from "./alerts-list.js";
import { createApprovalsCommand } from "./approvals.js";
import { createApproveCommand } from "./approve.js";
import { createCheckCommand } from "./check.js";
import { createConfigCheckCommand } from "./config-check.js";
import { createConflictsCommand } from "./conflicts.js";
import { createDemoCommand } from "./demo.js";
import { createDigestShowCommand } from "./digest-show.js";
import { createEmulateCommand } from "./emulate.js";
import { createErrorsCommand } from "./errors.js";
import { createHistoryCommand } from "./history.js";
import { createHomeCommand } from "./home.js";
import { createOrphansCommand } from "./orphans.js";
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
import { createTokenCommand } from "./token.js";
import { createWhyCommand } from "./why.js";

/** Every `abm` command, in the order `abm help` lists them. */
export function createCommandRegistry(deps: CliDeps): readonly CliCommand[] {
  const serve = createServeCommand({ clock: deps.clock, env: deps.env });
  const demo = createDemoCommand({ clock: deps.clock, env: deps.env });
  return [
    createStatusCommand(deps.access),
    createHomeCommand(deps.access),
    createSyncCommand(deps.access),
    createRestartCommand(deps.access),
    createCheckCommand(deps.access),
    createWhyCommand(deps.access),
    createProvisionCommand(deps.access),
    createScopeCommand(deps.access),
    createPauseCommand(deps.access),
    createResumeCommand(deps.access),
    createApprovalsCommand(deps.access),
    createApproveCommand(deps.access),
    createRejectCommand(deps.access),
    createErrorsCommand(deps.access),
    createOrphansCommand(deps.access),
    createHistoryCommand(deps.access),
    createConflictsCommand(deps.access),
    createTokenCommand(deps.access),
    createAlertsListCommand(deps.access),
    createDigestShowCommand(deps.access),
    createReconcileCommand(deps.access),
    createConfigCheckCommand({ clock: deps.clock }),
    createStartCommand({ serve, demo }),
    serve,
    demo,
    createEmulateCommand(),
  ];
}
