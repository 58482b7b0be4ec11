// `npm run deploy`: migrations before code, for the chosen environment; a dry run only bundles.
import { describe, expect, it } from "vitest";
import { deployPlan } from "../../scripts/lib/deploy-plan.ts";

describe("npm run deploy", () => {
  it("applies the remote D1 migrations, then deploys, both to the top level by default", () => {
    expect(deployPlan({ env: "", dryRun: false })).toEqual([
      ["d1", "migrations", "apply", "DB", "--remote", "--env="],
      ["deploy", "--env="],
    ]);
  });

  it("passes --env to both steps, so staging migrates staging's database", () => {
    expect(deployPlan({ env: "staging", dryRun: false })).toEqual([
      ["d1", "migrations", "apply", "DB", "--remote", "--env=staging"],
      ["deploy", "--env=staging"],
    ]);
  });

  it("only bundles on a dry run: no migration touches a database", () => {
    expect(deployPlan({ env: "staging", dryRun: true, outdir: "/tmp/out" })).toEqual([
      ["deploy", "--dry-run", "--outdir", "/tmp/out", "--env=staging"],
    ]);
  });
});
