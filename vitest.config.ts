import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

/** Fixed test secrets: the integration runtime needs no .dev.vars. */
export const TEST_ADMIN_TOKEN = "test-admin-token";
export const TEST_MASTER_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
/** The landing page's Zalo domain-verification code (test/integration/landing.test.ts). */
export const TEST_ZALO_SITE_VERIFICATION = "zVerify_Test-Code123";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    test: {
      projects: [
        {
          test: { name: "unit", include: ["test/unit/**/*.test.ts"], environment: "node" },
        },
        {
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              miniflare: {
                bindings: {
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: TEST_ADMIN_TOKEN,
                  MASTER_KEY: TEST_MASTER_KEY,
                  ALLOW_PRIVATE_ENDPOINTS: "true",
                  ZALO_SITE_VERIFICATION: TEST_ZALO_SITE_VERIFICATION,
                },
              },
            }),
          ],
          test: {
            name: "integration",
            include: ["test/integration/**/*.test.ts"],
            setupFiles: ["./test/integration/setup.ts"],
          },
        },
      ],
    },
  };
});
