import { startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { InMemoryApprovalStore, InMemoryAudit } from "#test/support/chat/fakes.js";
import { addUser, entraEngineFor, theJob } from "../entra-provisioning/support/entra-fixture.js";
import { runChatEngineSuite } from "./chat-engine-suite.js";

runChatEngineSuite("entra", async () => {
  const emulator = await startGraphEmulator({ seed: 21 });
  const good = addUser(emulator, "grace");
  const broken = addUser(emulator, "nogiven", { givenName: null });
  addUser(emulator, "outsider", { assigned: false });
  const audit = new InMemoryAudit();
  const { engine, approvals } = entraEngineFor(emulator, {}, undefined, new InMemoryApprovalStore(audit));
  const sync = emulator.synchronization;
  return {
    engine,
    approvals,
    audit,
    auditEntries: async () => audit.entries,
    goodUser: good.upn,
    brokenUser: broken.upn,
    async runCycleWithFailure() {
      sync.start(theJob(emulator));
      sync.addLog({
        userId: broken.id,
        userPrincipalName: broken.upn,
        errorCode: "SystemForCrossDomainIdentityManagementBadRequest",
        reason: "name.givenName is required",
      });
    },
    async triggerDeletionBreach() {
      await new Promise((resolve) => setTimeout(resolve, 5)); // a new quarantine episode has a new time
      sync.quarantine(theJob(emulator), "TooManyDeletes", 640);
    },
    async close() {
      await engine.close();
      await emulator.close();
    },
  };
});
