// `npm run dev` runs this first: makes .dev.vars with fresh secrets when it is missing (and
// points the platform APIs at the demo's fakes, once, in an existing one), applies the D1
// migrations locally, and prints the admin token for the curl walkthrough.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fakePlatformBlock, mentionsApiBases, parseDevVars } from "./demo/dev-vars.ts";
import { readCommandLine } from "./lib/cli.ts";

const { values } = readCommandLine(
  `usage: npx node scripts/dev-setup.ts [--persist-to DIR]   (\`npm run dev\` runs it first)

Creates .dev.vars with a fresh ADMIN_TOKEN and MASTER_KEY when it is missing (and points the
platform APIs at the demo's fakes, once, in an existing one), applies the D1 migrations to
the local database, and prints the admin token.

  --persist-to DIR   the local state wrangler dev will use (npm run dev passes its own on)
  --help             this text`,
  () => parseArgs({ options: { help: { type: "boolean", short: "h" }, "persist-to": { type: "string" } } }),
);

const path = ".dev.vars";

if (!existsSync(path)) {
  const adminToken = randomBytes(24).toString("base64url");
  const masterKey = randomBytes(32).toString("base64");
  writeFileSync(
    path,
    [
      "# Local secrets for `npm run dev` (git-ignored). Made by scripts/dev-setup.ts.",
      `ADMIN_TOKEN=${adminToken}`,
      `MASTER_KEY=${masterKey}`,
      "# Lets endpoints use http://127.0.0.1 (npm run receiver). Never set this in production.",
      "ALLOW_PRIVATE_ENDPOINTS=true",
      ...fakePlatformBlock(),
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  console.log(`created ${path} with a new ADMIN_TOKEN and MASTER_KEY; platform API calls go to the demo's fakes`);
} else {
  const current = readFileSync(path, "utf8");
  if (!mentionsApiBases(current)) {
    // Appended, never rewritten: the file holds the developer's own secrets.
    appendFileSync(path, `${current.endsWith("\n") || current === "" ? "" : "\n"}${fakePlatformBlock().join("\n")}\n`);
    console.log(`added <PLATFORM>_API_BASE lines to ${path}: platform API calls now go to the demo's fakes (see the comment there)`);
  }
}

const persistTo = values["persist-to"] ? ["--persist-to", values["persist-to"]] : [];
const migrate = spawnSync("wrangler", ["d1", "migrations", "apply", "DB", "--local", ...persistTo], {
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) {
  console.error("applying the local D1 migrations failed (see above)");
  process.exit(migrate.status ?? 1);
}

const adminToken = parseDevVars(readFileSync(path, "utf8")).get("ADMIN_TOKEN");
console.log(`\nADMIN_TOKEN=${adminToken ?? "(missing from .dev.vars)"}\n`);
