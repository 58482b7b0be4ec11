// Every command-line script, run as `npm run` runs it (a child process on this Node): --help
// prints the usage and exits 0; an unknown flag is one line, the usage, exit 2, no stack.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.join(import.meta.dirname, "../..");
const scripts = [
  ...readdirSync(path.join(root, "scripts"))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => `scripts/${name}`),
  "bench/run.ts",
];
// These hand every other argument to wrangler, which rejects an unknown one itself.
const FORWARDS_TO_WRANGLER = new Set(["scripts/dev.ts"]);

function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd: root, timeout: 30_000, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe("scripts on the command line", () => {
  it("runs on a Node that executes TypeScript, as npm scripts do (the pinned node package)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    expect(major, "run the tests through npm (npm test), not a system Node").toBeGreaterThanOrEqual(23);
    expect(scripts).toContain("scripts/deploy.ts");
  });

  for (const script of scripts) {
    it(`${script} --help prints its usage and exits 0`, async () => {
      const { code, stdout, stderr } = await run(script, ["--help"]);
      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(stdout).toMatch(/^usage: (npm run|npx node) /);
      expect(stdout).toMatch(/--help +this text/);
    }, 30_000);

    if (FORWARDS_TO_WRANGLER.has(script)) continue;
    it(`${script} refuses an unknown flag: one line, the usage, exit 2`, async () => {
      const { code, stdout, stderr } = await run(script, ["--no-such-flag"]);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr.trim().split("\n")[0]).toBe("error: unknown option '--no-such-flag'");
      expect(stderr).toMatch(/^usage: /m);
      expect(stderr).not.toMatch(/^\s+at /m);
    }, 30_000);
  }
});
