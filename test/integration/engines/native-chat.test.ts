import { createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { runChatEngineSuite } from "./chat-engine-suite.js";

/**
 * The shared chat-engine suite against the native engine from the composition root (real Graph and
 * SCIM clients, both emulators, the database). Deletion breaches: DELETION_THRESHOLD=2 and one
 * assigned group of 4 users unassigned per breach. The approval book is the database one the
 * native engine records its held batches in (as in production).
 */
for (const kind of e2eDatabaseKinds()) {
  runChatEngineSuite(`native [${kind}]`, async () => {
    const harness: E2eHarness = await startE2e({
      database: await createE2eDatabase(kind),
      emulators: { users: 0, seed: 23 },
      env: { SYNC_SCOPE: "assigned", DELETION_THRESHOLD: "2" },
    });
    const store = harness.graph.store;
    const add = (local: string, extra: Record<string, unknown> = {}): string =>
      store.createUser({
        givenName: "Grace",
        surname: "Hopper",
        userPrincipalName: `${local}@contoso.com`,
        mail: `${local}@contoso.com`,
        ...extra,
      }).id;
    const main = store.createGroup("Apple Business Manager users").id;
    store.assign(main);
    store.addMember(main, add("grace"));
    store.addMember(main, add("nogiven", { givenName: null }));
    add("outsider");
    const batches = [1, 2].map((b) => {
      const group = store.createGroup(`Batch ${b}`).id;
      for (let i = 0; i < 4; i++) store.addMember(group, add(`batch${b}.user${i}`));
      store.assign(group);
      return group;
    });
    const services = harness.connection();
    let breaches = 0;
    return {
      engine: harness.connection().engine,
      approvals: services.approvals,
      audit: services.audit,
      async auditEntries() {
        const lines = await services.audit.list({ limit: 1_000 });
        if (!lines.ok) throw lines.error;
        return lines.value;
      },
      goodUser: "grace@contoso.com",
      brokenUser: "nogiven@contoso.com",
      async runCycleWithFailure() {
        await harness.sync();
      },
      async triggerDeletionBreach() {
        const group = batches[breaches];
        breaches += 1;
        if (group === undefined) throw new Error("the fixture has two deletion batches");
        store.unassign(group);
        const run = await harness.sync();
        if (run.outcome !== "held") throw new Error(`expected a held cycle, got ${run.outcome}`);
      },
      close: () => harness.close(),
    };
  });
}
