/**
 * What `npm run deploy` runs, as wrangler command lines: the pending D1 migrations on the
 * environment's remote database first, then the deploy, so new code never meets an old
 * schema. A dry run only bundles: no migrations, no login, no network.
 */

export interface DeployOptions {
  /** A wrangler.toml environment ("staging"); "" is the top level (production). */
  env: string;
  dryRun: boolean;
  /** With dryRun: where wrangler writes the bundle. */
  outdir?: string;
}

export function deployPlan(options: DeployOptions): string[][] {
  // Always explicit: with environments defined, wrangler asks for one (`--env=` is the top level).
  const env = `--env=${options.env}`;
  if (options.dryRun) return [["deploy", "--dry-run", ...(options.outdir ? ["--outdir", options.outdir] : []), env]];
  return [
    ["d1", "migrations", "apply", "DB", "--remote", env],
    ["deploy", env],
  ];
}
