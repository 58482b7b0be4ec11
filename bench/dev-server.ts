/**
 * `wrangler dev` on a fresh --persist-to directory, run the way STACK.md §5/§11 says it is
 * fastest and quietest: --log-level warn, X_LOCAL_OBSERVABILITY=false,
 * CLOUDFLARE_CF_FETCH_ENABLED=false, in its own process group (stopped with SIGINT to the
 * group, then SIGKILL after a grace period). Wrangler runs on this process's Node (24).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { onCleanup } from "./cleanup.ts";
import { groupProcesses } from "./procs.ts";
import { sleep } from "./stats.ts";

/**
 * "bench": the settings above, quick per request. "plain": as `npm run dev` runs it (info
 * logs, one line per request; local tracing on), to measure what a new user sees. Both keep
 * CLOUDFLARE_CF_FETCH_ENABLED=false: it only fetches the `cf` object once, from the internet.
 */
export type DevSettings = "bench" | "plain";

const QUIET_ENV = {
  X_LOCAL_OBSERVABILITY: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
};

/** The flags and environment `wrangler dev` gets for these settings, on top of `base`. */
export function devSettingsLaunch<E extends Record<string, string | undefined>>(
  settings: DevSettings,
  base: E,
): { flags: string[]; env: E } {
  const env: Record<string, string | undefined> = { ...base, ...QUIET_ENV };
  if (settings === "bench") return { flags: ["--log-level", "warn"], env: env as E };
  // As `npm run dev`: wrangler's defaults, even if the caller's shell turned tracing off.
  delete env.X_LOCAL_OBSERVABILITY;
  return { flags: [], env: env as E };
}

export function wranglerCli(root: string): string {
  return join(root, "node_modules", "wrangler", "bin", "wrangler.js");
}

export function packageVersion(root: string, name: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function stopGroup(pgid: number, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (groupProcesses(pgid).length === 0) return;
  killGroup(pgid, "SIGINT");
  await Promise.race([exited, sleep(graceMs)]);
  // workerd can outlive wrangler's Node for a moment: give the group a little longer.
  const deadline = Date.now() + 2000;
  while (groupProcesses(pgid).length > 0 && Date.now() < deadline) await sleep(100);
  if (groupProcesses(pgid).length > 0) {
    killGroup(pgid, "SIGKILL");
    await sleep(300);
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

/** Runs a wrangler command to completion (bounded), in its own process group. */
export async function runWrangler(
  root: string,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [wranglerCli(root), ...args], {
    cwd: root,
    detached: true,
    env: { ...process.env, ...QUIET_ENV, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pgid = child.pid ?? 0;
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = exitOf(child);
  const unregister = onCleanup(() => stopGroup(pgid, exited, 2000));
  const timer = setTimeout(() => killGroup(pgid, "SIGKILL"), options.timeoutMs ?? 120_000);
  try {
    const code = await exited;
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
    await stopGroup(pgid, exited, 500);
    unregister();
  }
}

export async function applyMigrations(root: string, config: string, persistDir: string): Promise<void> {
  const result = await runWrangler(root, ["d1", "migrations", "apply", "DB", "--local", "--config", config, "--persist-to", persistDir], {
    env: { CI: "true" },
  });
  if (result.code !== 0) throw new Error(`d1 migrations apply failed (exit ${result.code}):\n${tail(result.stderr || result.stdout)}`);
}

/** `wrangler d1 execute --local --json`: one result set per statement. */
export async function d1Execute(
  root: string,
  config: string,
  persistDir: string,
  what: { command: string } | { file: string },
): Promise<Record<string, unknown>[][]> {
  const source = "command" in what ? ["--command", what.command] : ["--file", what.file];
  const result = await runWrangler(
    root,
    ["d1", "execute", "DB", "--local", "--config", config, "--persist-to", persistDir, ...source, "--json"],
    {
      env: { CI: "true" },
    },
  );
  if (result.code !== 0) throw new Error(`d1 execute failed (exit ${result.code}):\n${tail(result.stderr || result.stdout)}`);
  const start = result.stdout.indexOf("[");
  const parsed = JSON.parse(result.stdout.slice(start)) as { results?: Record<string, unknown>[] }[];
  return parsed.map((statement) => statement.results ?? []);
}

/**
 * A copy of `dir`/wrangler.toml without any [[queues.consumers]], written beside it (so its
 * relative paths still hold): the same worker, bindings and queues, but nothing consumes.
 */
export function consumerlessConfig(dir: string): string {
  const source = readFileSync(join(dir, "wrangler.toml"), "utf8");
  const kept: string[] = [];
  let skipping = false;
  for (const line of source.split("\n")) {
    if (/^\s*\[/.test(line)) skipping = /^\s*\[\[queues\.consumers\]\]/.test(line);
    if (!skipping) kept.push(line);
  }
  const file = join(dir, "wrangler.no-consumers.toml");
  writeFileSync(file, `# Generated by bench/dev-server.ts from wrangler.toml: no queue consumers.\n${kept.join("\n")}`);
  return file;
}

/** The last lines of a log, each cut to a readable length (a bundle's error can be one 60 KB line). */
export function tail(text: string, lines = 25, width = 400): string {
  return text
    .trim()
    .split("\n")
    .slice(-lines)
    .map((line) => (line.length > width ? `${line.slice(0, width)}… (${line.length} characters)` : line))
    .join("\n");
}

export interface DevServer {
  url: string;
  port: number;
  /** wrangler's inspector proxy (Chrome DevTools Protocol to the worker's isolate), on 127.0.0.1. */
  inspectorPort: number;
  /** The process group: wrangler's Node, esbuild and the workerd processes. */
  pgid: number;
  logPath: string;
  startupMs: number;
  stop(): Promise<void>;
}

export async function startDevServer(options: {
  root: string;
  persistDir: string;
  vars: Record<string, string>;
  logPath: string;
  readyTimeoutMs?: number;
  /** The wrangler config to run (the snapshot's). */
  config: string;
  settings?: DevSettings;
}): Promise<DevServer> {
  const launch = devSettingsLaunch(options.settings ?? "bench", process.env);
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const args = [
    wranglerCli(options.root),
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspectorPort),
    "--inspector-ip",
    "127.0.0.1",
    "--persist-to",
    options.persistDir,
    ...launch.flags,
    "--show-interactive-dev-session=false",
  ];
  args.push("--config", options.config);
  for (const [key, value] of Object.entries(options.vars)) args.push("--var", `${key}:${value}`);
  const log = openSync(options.logPath, "a");
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: options.root,
    detached: true,
    env: launch.env,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const pgid = child.pid ?? 0;
  const exited = exitOf(child);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await stopGroup(pgid, exited, 8000);
  };
  const unregister = onCleanup(stop);
  const url = `http://127.0.0.1:${port}`;
  let dead = false;
  exited.then(() => {
    dead = true;
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  for (;;) {
    if (dead) {
      unregister();
      throw new Error(
        `wrangler dev exited before it was ready; its log (${options.logPath}):\n${tail(readFileSync(options.logPath, "utf8"))}`,
      );
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    // wrangler dev stays up after a failed build, waiting for an edit: do not wait for it.
    const log = readFileSync(options.logPath, "utf8");
    if (/Build failed|Could not resolve|The Workers runtime failed to start|Uncaught \w*Error/.test(log)) {
      await stop();
      unregister();
      throw new Error(`wrangler dev could not start the worker; its log (${options.logPath}):\n${tail(log)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      unregister();
      throw new Error(
        `wrangler dev was not ready within ${(options.readyTimeoutMs ?? 90_000) / 1000} s; log:\n${tail(readFileSync(options.logPath, "utf8"))}`,
      );
    }
    await sleep(150);
  }
  const startupMs = performance.now() - started;
  return {
    url,
    port,
    inspectorPort,
    pgid,
    logPath: options.logPath,
    startupMs,
    stop: async () => {
      await stop();
      unregister();
    },
  };
}
