// Every test starts from empty storage: D1 (with migrations re-applied), Durable Objects;
// and with the production limits local workerd does not enforce itself.
import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import worker from "../../src/index.ts";
import { clearD1Faults, enforceD1RowSize, enforceInvocationBudgets } from "./production-limits.ts";

enforceD1RowSize();
enforceInvocationBudgets(worker as unknown as Record<string, unknown>);

beforeEach(async () => {
  clearD1Faults();
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});
