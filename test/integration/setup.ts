// Every test starts from empty storage: D1 (with migrations re-applied), Durable Objects;
// and with the production limits local workerd does not enforce itself.
import { applyD1Migrations, reset, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach } from "vitest";
import worker from "../../src/index.ts";
import { clearD1Faults, enforceD1RowSize, enforceInvocationBudgets, enforceObjectRowSize } from "./production-limits.ts";

enforceD1RowSize();
enforceInvocationBudgets(worker as unknown as Record<string, unknown>);

// Every object's SqlStorage shares one prototype in this isolate: any object's hands it over.
beforeAll(async () => {
  await runInDurableObject(env.EVENT_LOG.getByName("production-limits"), (_instance, state) => enforceObjectRowSize(state.storage.sql));
});

beforeEach(async () => {
  clearD1Faults();
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});
