// `npm run dev`: scripts/dev-setup.ts first (.dev.vars, local migrations, the admin token),
// then `wrangler dev` with the <PLATFORM>_API_BASE (and token host) lines of .dev.vars passed as --var.
// wrangler.toml declares [secrets], and then wrangler loads from .dev.vars only the declared
// secrets and [vars] names, silently dropping the rest; these are neither. Other arguments go
// to wrangler unchanged (`npm run dev -- --port 8788`). The setup runs from here, not as an
// npm "predev" script, so that `npm run dev -- --help` changes nothing.
// It runs wrangler the way the bench does, quick per request (local tracing off, warnings
// and errors only: each roughly halves the requests a second on 2 cores); --trace and
// --verbose turn each back on. It prints its own "ready" line, as wrangler's is info-level.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { BASE_VARS, parseDevVars } from "./demo/dev-vars.ts";
import { devLaunch } from "./lib/dev-launch.ts";

const USAGE = `usage: npm run dev -- [wrangler dev options]

Runs the gateway on http://127.0.0.1:8787 with local D1, Queues and Durable Objects. First
creates .dev.vars (a fresh ADMIN_TOKEN and MASTER_KEY) when it is missing, applies the D1
migrations locally and prints the admin token (scripts/dev-setup.ts); then starts wrangler
dev with .dev.vars' <PLATFORM>_API_BASE, TIKTOK_AUTH_BASE and ZALO_OAUTH_BASE lines as --var. Every other argument goes to
wrangler dev as is, e.g. --port 8788 (\`npx wrangler dev --help\` lists them).

Quick per request by default: local tracing off and wrangler's log level at warn (warnings,
errors and the worker's console.warn/error still show).

  --trace     local tracing on (wrangler's X_LOCAL_OBSERVABILITY)
  --verbose   wrangler's own log level (info: one line per request, the worker's console.log)
  --help      this text`;

const launch = devLaunch(process.argv.slice(2), process.env);
const args = launch.args;
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}

// The migrations go where wrangler dev will look: its --persist-to, when one is given.
const persistTo = launch.persistTo ? ["--persist-to", launch.persistTo] : [];
const setup = spawnSync(process.execPath, [join(import.meta.dirname, "dev-setup.ts"), ...persistTo], { stdio: "inherit" });
if (setup.status !== 0) process.exit(setup.status ?? 1);

const vars = existsSync(".dev.vars") ? parseDevVars(readFileSync(".dev.vars", "utf8")) : new Map<string, string>();
const forwarded = BASE_VARS.filter((name) => vars.has(name));
if (forwarded.length > 0) console.log(`from .dev.vars: ${forwarded.map((name) => `${name}=${vars.get(name)}`).join(" ")}`);

const wrangler = spawn("wrangler", ["dev", ...forwarded.flatMap((name) => ["--var", `${name}:${vars.get(name)}`]), ...args], {
  stdio: "inherit",
  env: launch.env as NodeJS.ProcessEnv,
});
void announceReady(launch.url, launch.note, () => wrangler.exitCode !== null || wrangler.signalCode !== null);
// Ctrl-C reaches wrangler from the terminal itself; a signal sent to this process alone is passed on.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on("error", (error) => {
  console.error(`could not start wrangler: ${error.message}`);
  process.exit(1);
});
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/**
 * Waits (bounded) for the server to answer, then says where it is and how it was started;
 * says nothing once wrangler has exited (another server on the port would answer instead).
 */
async function announceReady(url: string, note: string, exited: () => boolean): Promise<void> {
  for (let i = 0; i < 240; i++) {
    await delay(500);
    if (exited()) return;
    const answered = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      () => true,
      () => false,
    );
    if (answered && !exited()) {
      console.log(`Switchboard ready on ${url} (${note})`);
      return;
    }
  }
}
