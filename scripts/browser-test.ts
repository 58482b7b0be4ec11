// Browser test of the agent console (public/console/) and the API docs (/docs), end to end:
//   npm run test:browser        (node scripts/browser-test.ts; Node 24 runs the TypeScript as is)
//
// Applies the D1 migrations to a fresh temporary --persist-to directory, starts a fake TikTok
// Shop API on 127.0.0.1 and `wrangler dev` on 127.0.0.1:8799 pointed at it, launches Debian's
// headless Chromium (/usr/bin/chromium) with playwright-core, and runs
// test/browser/console.spec.ts, test/browser/console-team.spec.ts (attention, shortcuts, canned replies,
// paging), test/browser/console-admin.spec.ts (the dashboard, the admin's fixes, axe-core, 375 px),
// then test/browser/docs.spec.ts. Everything stays on 127.0.0.1; every wait is bounded and the
// whole run is capped at 300 s; wrangler, the browser and the fake are always stopped. Ends
// with a plain "N passed, N failed" line and exits non-zero on any failure.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import { type BrowserContext, chromium } from "playwright-core";
import { type ConsoleTestContext, type RecordedRequest, runConsoleSpec, type StepResult } from "../test/browser/console.spec.ts";
import { runConsoleAdminSpec } from "../test/browser/console-admin.spec.ts";
import { runTeamSpec } from "../test/browser/console-team.spec.ts";
import { runDocsSpec } from "../test/browser/docs.spec.ts";
import { readCommandLine } from "./lib/cli.ts";

readCommandLine(
  `usage: npm run test:browser

Runs the agent console and the API docs in headless Chromium (/usr/bin/chromium) against a
wrangler dev it starts on 127.0.0.1:8799 (BROWSER_TEST_PORT=N for another port), with fresh
local state; at most 300 s. Ends with
"N passed, N failed"; exits 1 on any failure.

  --help   this text`,
  () => parseArgs({ options: { help: { type: "boolean", short: "h" } } }),
);

const ROOT = resolve(import.meta.dirname, "..");
/** Another port lets two checkouts on one machine run it at once. */
const PORT = readPort(process.env.BROWSER_TEST_PORT);
const HOST = "127.0.0.1";
const BASE_URL = `http://${HOST}:${PORT}`;
const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOTS = join(ROOT, "test-results/screenshots");
const ADMIN_TOKEN = "test-admin";
/** Generous for a loaded 2-core machine: a normal run takes about half of it. */
const RUN_LIMIT_MS = 300_000;
const HEALTH_TIMEOUT_MS = 45_000;
const MIGRATE_TIMEOUT_MS = 30_000;
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  // Belt and braces for "127.0.0.1 only": any other host name fails to resolve.
  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
];
/** Keeps wrangler quiet and local: no metrics, no cf fetch, no update check, no observability. */
const QUIET_ENV = {
  X_LOCAL_OBSERVABILITY: "false",
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};

function readPort(value: string | undefined): number {
  if (value === undefined || value === "") return 8799;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    console.error(`BROWSER_TEST_PORT must be a whole number from 1024 to 65535, not "${value}"`);
    process.exit(2);
  }
  return port;
}

const started = Date.now();
const sleep = (ms: number) => delay(ms);
/** A bound for a race: unref'd, so a timer that lost the race does not keep the run alive. */
const expire = (ms: number) => delay(ms, "expired" as const, { ref: false });

/* ---------------------------------------------------------------- processes */

interface Group {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** Spawns a wrangler command in its own process group (detached), keeping its output. */
function spawnWrangler(args: string[], env: Record<string, string>): Group {
  const child = spawn(process.execPath, [join(ROOT, "node_modules/wrangler/bin/wrangler.js"), ...args], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, ...QUIET_ENV, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString("utf8"));
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((done) => {
    child.once("exit", (code) => done(code));
    child.once("error", () => done(-1));
  });
  return { child, output, exited };
}

/** SIGINT to the whole group (wrangler, esbuild, workerd), SIGKILL if it lingers. */
async function stopGroup(group: Group, graceMs = 4000): Promise<void> {
  const pgid = group.child.pid;
  if (!pgid || group.child.exitCode !== null || group.child.signalCode !== null) {
    killGroup(pgid, "SIGKILL"); // leftover children of an exited leader
    return;
  }
  killGroup(pgid, "SIGINT");
  await Promise.race([group.exited, expire(graceMs)]);
  killGroup(pgid, "SIGKILL");
}

function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (!pgid) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is already gone
  }
}

function tail(group: Group, lines = 30): string {
  return group.output.join("").trim().split("\n").slice(-lines).join("\n");
}

/* ---------------------------------------------------------------- the fake TikTok Shop API */

/**
 * Answers TikTok Shop's send-message call like the platform does (HTTP 200, `code: 0`), or 429
 * when the text contains "[busy]", and takes the endpoint's deliveries at POST /hooks.
 */
function startFake(requests: RecordedRequest[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = new URL(req.url ?? "/", "http://fake").pathname;
      requests.push({ method: req.method ?? "", path, body });
      res.setHeader("content-type", "application/json");
      if (req.method === "POST" && /^\/customer_service\/202309\/conversations\/[^/]+\/messages$/.test(path)) {
        if (body.includes("[busy]")) {
          res.statusCode = 429;
          res.setHeader("retry-after", "3600");
          res.end(JSON.stringify({ code: 36009003, message: "too many requests" }));
          return;
        }
        res.end(JSON.stringify({ code: 0, message: "Success", data: { message_id: `fake-${requests.length}` } }));
        return;
      }
      if (req.method === "POST" && path === "/hooks") {
        res.end("{}");
        return;
      }
      res.statusCode = 404;
      res.end(JSON.stringify({ code: 404, message: "not faked" }));
    });
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      done({ server, origin: `http://${HOST}:${port}` });
    });
  });
}

/* ---------------------------------------------------------------- readiness */

function portInUse(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: HOST, port });
    socket.setTimeout(1000);
    socket.once("connect", () => {
      socket.destroy();
      done(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      done(false);
    });
    socket.once("error", () => done(false));
  });
}

async function waitForHealth(group: Group): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (group.child.exitCode !== null) throw new Error(`wrangler dev exited with ${group.child.exitCode}:\n${tail(group)}`);
    try {
      const response = await fetch(`${BASE_URL}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`GET /health did not answer within ${HEALTH_TIMEOUT_MS / 1000} s:\n${tail(group)}`);
}

async function migrate(persistDir: string): Promise<void> {
  const group = spawnWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir], { CI: "true" });
  const code = await Promise.race([group.exited, expire(MIGRATE_TIMEOUT_MS)]);
  await stopGroup(group, 500);
  if (code !== 0) throw new Error(`d1 migrations apply ${code === "expired" ? "timed out" : `exited with ${code}`}:\n${tail(group)}`);
}

/* ---------------------------------------------------------------- run */

function report(results: StepResult[], setupError: unknown): number {
  for (const r of results) {
    const mark = r.status === "passed" ? "✓" : r.status === "failed" ? "✗" : "-";
    console.log(`${mark} ${r.name}${r.status === "skipped" ? " (skipped)" : ` (${r.ms} ms)`}`);
    if (r.error) console.log(`    ${r.error}`);
  }
  if (setupError) console.log(`✗ set-up: ${setupError instanceof Error ? setupError.message : String(setupError)}`);
  const passed = results.filter((r) => r.status === "passed").length;
  const failed = results.filter((r) => r.status !== "passed").length + (setupError ? 1 : 0);
  const skipped = results.filter((r) => r.status === "skipped").length;
  if (skipped) console.log(`(${skipped} skipped after the first failure, counted as failed)`);
  console.log(`browser test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

/**
 * Without an [assets] section in wrangler.toml (the lead adds it), `--assets ./public` serves
 * the same directory: unmatched paths such as /v1/* still reach the worker.
 */
function assetsArgs(): string[] {
  const config = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  return /^\s*\[assets\]/m.test(config) ? [] : ["--assets", "./public"];
}

async function main(): Promise<number> {
  const temp = mkdtempSync(join(tmpdir(), "switchboard-browser-"));
  const requests: RecordedRequest[] = [];
  let fake: Server | null = null;
  let wrangler: Group | null = null;
  let browser: BrowserContext | null = null;
  let results: StepResult[] = [];
  let setupError: unknown = null;
  let finished = false;

  const cleanUp = async () => {
    await browser?.close().catch(() => undefined);
    browser = null;
    if (wrangler) await stopGroup(wrangler);
    wrangler = null;
    fake?.closeAllConnections();
    await new Promise((done) => (fake ? fake.close(() => done(null)) : done(null)));
    fake = null;
    rmSync(temp, { recursive: true, force: true });
  };
  // The hard cap: whatever is still running is stopped and the run fails.
  const watchdog = setTimeout(async () => {
    if (finished) return;
    console.log(`✗ the browser test ran over ${RUN_LIMIT_MS / 1000} s`);
    await cleanUp().catch(() => undefined);
    console.log(`${results.filter((r) => r.status === "passed").length} passed, 1 failed`);
    process.exit(1);
  }, RUN_LIMIT_MS);
  const onSignal = () => {
    void cleanUp().finally(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    if (await portInUse(PORT)) throw new Error(`port ${PORT} is already in use: stop what listens there first`);

    const fakeApi = await startFake(requests);
    fake = fakeApi.server;
    const persistDir = join(temp, "state");
    await migrate(persistDir);

    // Our own env file keeps the developer's .dev.vars out of the run; --var sets the values.
    const vars: Record<string, string> = {
      ADMIN_TOKEN,
      MASTER_KEY: randomBytes(32).toString("base64"),
      ALLOW_PRIVATE_ENDPOINTS: "true",
      TIKTOK_API_BASE: fakeApi.origin,
    };
    const envFile = join(temp, "vars.env");
    writeFileSync(
      envFile,
      Object.entries(vars)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(""),
    );
    const args = ["dev", "--ip", HOST, "--port", String(PORT), "--log-level", "warn", "--show-interactive-dev-session=false"];
    args.push("--persist-to", persistDir, "--env-file", envFile, ...assetsArgs());
    for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
    wrangler = spawnWrangler(args, {});
    await waitForHealth(wrangler);

    browser = await chromium.launchPersistentContext(join(temp, "profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 20_000,
    });
    rmSync(SCREENSHOTS, { recursive: true, force: true }); // no stale failure.png from an earlier run
    const context: ConsoleTestContext = {
      baseUrl: BASE_URL,
      adminToken: ADMIN_TOKEN,
      browser,
      fake: { origin: fakeApi.origin, requests },
      screenshotDir: SCREENSHOTS,
      repoRoot: ROOT,
    };
    results = [
      ...(await runConsoleSpec(context)),
      ...(await runTeamSpec(context)),
      ...(await runConsoleAdminSpec(context)),
      ...(await runDocsSpec(context)),
    ];
    if (results.some((r) => r.status === "failed") && wrangler) console.log(`wrangler output (last lines):\n${tail(wrangler)}`);
  } catch (error) {
    setupError = error;
  } finally {
    finished = true;
    clearTimeout(watchdog);
    await cleanUp().catch((error) => console.error(`clean-up: ${String(error)}`));
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  return report(results, setupError);
}

process.exitCode = await main();
