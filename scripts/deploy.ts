// `npm run deploy`: applies the pending D1 migrations to the environment's remote database,
// then deploys the worker, and stops if the migrations fail (scripts/lib/deploy-plan.ts).
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { failUsage, readCommandLine } from "./lib/cli.ts";
import { deployPlan } from "./lib/deploy-plan.ts";

const USAGE = `usage: npm run deploy -- [--env NAME] [--dry-run [--outdir DIR]]

Applies the pending D1 migrations to the remote database of the environment
(wrangler d1 migrations apply DB --remote), then deploys the worker (wrangler deploy). If the
migrations fail, nothing is deployed; wrangler does not ask before applying them. Needs \`npx wrangler login\` (or CLOUDFLARE_API_TOKEN).

  --env NAME, -e NAME   a wrangler.toml environment, e.g. staging (default: the top level, production)
  --dry-run             only bundle the worker, as wrangler deploy would; no migrations, no login
  --outdir DIR          with --dry-run: write the bundle to DIR
  --help                this text`;

const { values } = readCommandLine(USAGE, () =>
  parseArgs({
    options: {
      env: { type: "string", short: "e", default: "" },
      "dry-run": { type: "boolean", default: false },
      outdir: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }),
);
if (values.outdir !== undefined && !values["dry-run"]) failUsage(USAGE, "--outdir goes with --dry-run");
if (!/^[A-Za-z0-9_-]*$/.test(values.env)) failUsage(USAGE, `--env must be an environment name from wrangler.toml, not '${values.env}'`);

for (const args of deployPlan({ env: values.env, dryRun: values["dry-run"], outdir: values.outdir })) {
  console.log(`\n> wrangler ${args.join(" ")}`);
  // CI=true for the migrations: in a terminal wrangler asks first, and a "no" exits 0, which
  // would deploy the new code on the old schema. Running deploy is the consent.
  const env = args[0] === "d1" ? { ...process.env, CI: "true" } : process.env;
  const step = spawnSync("wrangler", args, { stdio: "inherit", env });
  if (step.error) {
    console.error(`could not run wrangler: ${step.error.message}`);
    process.exit(1);
  }
  if (step.status !== 0) {
    console.error(`\nwrangler ${args.slice(0, 3).join(" ")} failed (exit ${step.status ?? step.signal}); stopped before any later step.`);
    process.exit(step.status ?? 1);
  }
}
