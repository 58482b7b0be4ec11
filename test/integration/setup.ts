// Every test starts from empty storage: D1 (with migrations re-applied), Durable Objects;
// and with the production limits local workerd does not enforce itself.
import { applyD1Migrations, reset } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach } from "vitest";
import { clearD1Faults, enforceD1RowSize } from "./production-limits.ts";

enforceD1RowSize();

beforeEach(async () => {
  clearD1Faults();
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});
