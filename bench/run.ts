/**
 * `npm run bench`: Switchboard's performance harness against a local `wrangler dev` that it
 * starts and stops itself (bench/README.md). Every measurement targets 127.0.0.1, is bounded
 * in time and count, and stops by itself; everything started is stopped in finally blocks
 * and on SIGINT.
 *
 *   node bench/run.ts                    full run: pure, intake, burst, flood + cost, floor
 *   node bench/run.ts --quick            smoke run (short, small) in about a minute
 *   node bench/run.ts --only flood --flood 2000
 *   node bench/run.ts --only burst,flood,floor --flood 2000   Switchboard ÷ floor
 *   node bench/run.ts --only profile     the worker's CPU profile (not part of a full run)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { failUsage, readCommandLine } from "../scripts/lib/cli.ts";
import { benchBurst } from "./burst.ts";
import { installSignalHandlers, runCleanup } from "./cleanup.ts";
import { costModel } from "./cost.ts";
import { benchFlood } from "./flood.ts";
import { floorRatios } from "./floor.ts";
import { benchIntake } from "./intake.ts";
import { describeMachine } from "./machine.ts";
import { benchProfile } from "./profile.ts";
import { say } from "./progress.ts";
import { benchPure } from "./pure.ts";
import { buildTables, evaluateTargets, machineTable, type Results, toConsole, toMarkdown } from "./report.ts";
import { loadRouting } from "./routing.ts";
import { removeSnapshot, takeSnapshot } from "./snapshot.ts";
import type { RunContext } from "./stage.ts";

/** A full run's sections; `profile` runs only when named in --only. */
const SECTIONS = ["pure", "intake", "burst", "flood", "floor"] as const;
const ALL_SECTIONS = [...SECTIONS, "profile"] as const;
type Section = (typeof ALL_SECTIONS)[number];

const HELP = `usage: npm run bench -- [options]
  --quick                 smoke run: short durations, small counts (about a minute)
  --only LIST             comma-separated sections: ${ALL_SECTIONS.join(",")} (flood includes the cost model;
                          floor: the burst and the flood against bench/floor, the minimal worker, and
                          Switchboard ÷ floor when burst and flood ran too;
                          profile, the worker's CPU profile through the workerd inspector, runs only when named)
  --duration S            intake: seconds per measurement (default 10; quick 2)
  --burst N               burst (and the floor's): DMs, one buyer each (default 300; quick 20)
  --concurrency N         burst: concurrent senders (default 32)
  --flood N               flood (and the floor's): DMs (default 10000; quick 150)
  --conversations N       flood: conversations (default flood ÷ 10, at most 1000)
  --flood-connections N   flood: sender connections (default 16)
  --pure-ms MS            pure: timing per piece (default 500; quick 80)
  --profile-dms N         profile: DMs sent while the profiler runs (default 1500; quick 150)
  --profile-interval US   profile: V8 sampling interval in µs (default 100)
  --timeout S             longest wait for a pipeline to drain (default 300; quick 90)
  --[no-]intake-alone     also measure intake with no queue consumers (default on; off with --quick)
  --dev-settings S        bench (default: --log-level warn, local tracing off) or plain (as npm run dev:
                          info logs, tracing on); a plain run writes bench/out/results-<tag>-plain
  --keep-state            keep the temporary --persist-to directories
  --root DIR              the checkout to benchmark (default: the one holding this bench/)
  --out PATH              results file prefix (default bench/results for a full run, else bench/out/results-<tag>)
  --help                  this text`;

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) failUsage(HELP, `--${name} must be a positive number, not '${value}'`);
  return n;
}

async function main(): Promise<number> {
  const { values } = readCommandLine(HELP, () =>
    parseArgs({
      allowNegative: true,
      options: {
        quick: { type: "boolean", default: false },
        only: { type: "string" },
        duration: { type: "string" },
        burst: { type: "string" },
        concurrency: { type: "string" },
        flood: { type: "string" },
        conversations: { type: "string" },
        "flood-connections": { type: "string" },
        "pure-ms": { type: "string" },
        "profile-dms": { type: "string" },
        "profile-interval": { type: "string" },
        timeout: { type: "string" },
        "keep-state": { type: "boolean", default: false },
        "dev-settings": { type: "string", default: "bench" },
        "intake-alone": { type: "boolean" },
        out: { type: "string" },
        root: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }),
  );
  const quick = values.quick === true;
  const only = values.only ? values.only.split(",").map((s) => s.trim()) : [...SECTIONS];
  for (const section of only)
    if (!ALL_SECTIONS.includes(section as Section)) failUsage(HELP, `--only: unknown section '${section}' (${ALL_SECTIONS.join(", ")})`);
  const run = (section: Section) => only.includes(section);
  const flood = Math.round(positive(values.flood, quick ? 150 : 10_000, "flood"));
  const profileDms = Math.round(positive(values["profile-dms"], quick ? 150 : 1500, "profile-dms"));
  const devSettings = values["dev-settings"];
  if (devSettings !== "bench" && devSettings !== "plain") failUsage(HELP, `--dev-settings must be bench or plain, not '${devSettings}'`);
  const options = {
    quick,
    devSettings,
    only,
    durationS: positive(values.duration, quick ? 2 : 10, "duration"),
    burst: Math.round(positive(values.burst, quick ? 20 : 300, "burst")),
    concurrency: Math.round(positive(values.concurrency, 32, "concurrency")),
    flood,
    conversations: Math.round(positive(values.conversations, Math.max(1, Math.min(1000, Math.round(flood / 10))), "conversations")),
    floodConnections: Math.round(positive(values["flood-connections"], 16, "flood-connections")),
    pureMs: positive(values["pure-ms"], quick ? 80 : 500, "pure-ms"),
    ...(run("profile")
      ? {
          profileDms,
          profileConversations: Math.max(1, Math.min(1000, Math.round(profileDms / 10))),
          profileIntervalUs: Math.round(positive(values["profile-interval"], 100, "profile-interval")),
        }
      : {}),
    timeoutS: positive(values.timeout, quick ? 90 : 300, "timeout"),
    intakeAlone: values["intake-alone"] ?? !quick,
  };

  const root = values.root ? resolve(values.root) : resolve(import.meta.dirname, "..");
  const benchDir = import.meta.dirname;
  const outDir = join(benchDir, "out");
  const snapshot = takeSnapshot(root, outDir);
  const ctx: RunContext = { root, snapshot, outDir, keepState: values["keep-state"] === true, devSettings };
  // Only a full run of this checkout writes bench/results.{json,md}; other runs go to bench/out.
  const full = !quick && !values.only && !values.root && devSettings === "bench";
  const outPrefix = values.out
    ? resolve(values.out)
    : full
      ? join(benchDir, "results")
      : join(ctx.outDir, `results-${quick ? "quick" : only.join("-")}${devSettings === "plain" ? "-plain" : ""}`);

  const machine = { ...describeMachine(root), codeSnapshotAt: snapshot.takenAt };
  console.log(toConsole([machineTable(machine)]));
  console.log(`\noptions: ${JSON.stringify(options)}`);
  console.log("Local wrangler dev figures on a shared 2-core machine: noisy, and not production capacity.\n");

  const results: Results = { machine, options, targets: [] };
  const started = performance.now();
  const routing = await loadRouting(snapshot.dir);
  if (!routing.routing) say(`routing code not loadable (${routing.error}); replies and tickets are observed without expectations`);

  const attempt = async <T>(section: string, work: () => Promise<T>): Promise<T | { error: string }> => {
    try {
      return await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      say(`[${section}] FAILED: ${message}`);
      return { error: message.split("\n").slice(0, 12).join("\n") };
    }
  };

  try {
    if (run("pure")) {
      say("[pure] timing normalize, classify, route, sign");
      results.pure = await attempt("pure", () => benchPure(snapshot.dir, options.pureMs));
    }
    if (run("intake")) {
      results.intake = await attempt("intake", () =>
        benchIntake(ctx, {
          durationS: options.durationS,
          connections: [1, 8],
          conversations: 1000,
          drainTimeoutS: options.timeoutS,
          alone: options.intakeAlone,
          warmUp: quick ? 20 : 50,
        }),
      );
    }
    if (run("burst")) {
      results.burst = await attempt("burst", () =>
        benchBurst(
          ctx,
          { count: options.burst, concurrency: options.concurrency, timeoutS: Math.min(options.timeoutS, 120) },
          routing.routing,
          routing.error,
        ),
      );
    }
    // The flood's load, the same for Switchboard and the floor.
    const floodOptions = {
      count: options.flood,
      conversations: options.conversations,
      connections: options.floodConnections,
      idleSeconds: quick ? 1.5 : 4,
      timeoutS: options.timeoutS,
      stallS: quick ? 20 : 90,
    };
    if (run("flood")) {
      const floodResult = await attempt("flood", () => benchFlood(ctx, floodOptions, routing.routing));
      results.flood = floodResult;
      if (!("error" in floodResult)) results.cost = costModel(floodResult);
    }
    if (run("floor")) {
      // The same load, sizes and dev-server settings as the two sections above.
      const floorBurst = await attempt("floor-burst", () =>
        benchBurst(
          ctx,
          { count: options.burst, concurrency: options.concurrency, timeoutS: Math.min(options.timeoutS, 120), worker: "floor" },
          null,
          null,
        ),
      );
      const floorFlood = await attempt("floor-flood", () => benchFlood(ctx, { ...floodOptions, worker: "floor" }, null));
      const figures = (burst: Results["burst"], flood: Results["flood"]) => ({
        burstAllReceivedS: burst && !("error" in burst) ? burst.allReceivedS : null,
        drainPerS: flood && !("error" in flood) ? flood.drainPerS : null,
        cpuMsPerDm: flood && !("error" in flood) ? flood.cpu.workerdMsPerDm : null,
      });
      results.floor = {
        burst: floorBurst,
        flood: floorFlood,
        ratios: floorRatios(figures(results.burst, results.flood), figures(floorBurst, floorFlood)),
      };
    }
    if (run("profile")) {
      results.profile = await attempt("profile", () =>
        benchProfile(ctx, {
          count: profileDms,
          conversations: options.profileConversations ?? 1,
          connections: options.floodConnections,
          intervalUs: options.profileIntervalUs ?? 100,
          warmUp: quick ? 10 : 30,
          timeoutS: options.timeoutS,
          stallS: quick ? 20 : 90,
        }),
      );
    }
  } finally {
    await runCleanup();
    if (!ctx.keepState) removeSnapshot(snapshot);
  }

  results.targets = evaluateTargets(results);
  results.finishedAt = new Date().toISOString();
  const tables = buildTables(results);
  console.log(toConsole(tables.slice(1)));
  const elapsed = ((performance.now() - started) / 1000).toFixed(0);
  mkdirSync(join(outPrefix, ".."), { recursive: true });
  writeFileSync(`${outPrefix}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    `${outPrefix}.md`,
    toMarkdown(tables, [
      "## Performance (local `wrangler dev`)",
      "",
      `Measured by \`npm run bench\` on ${machine.startedAt.slice(0, 10)} (${elapsed} s run${quick ? ", --quick" : ""}). Local emulator figures on a shared`,
      "2-core machine while other work was running: noisy, and not production capacity. Options:",
      `\`${JSON.stringify(options)}\`.`,
      "",
    ]),
  );
  console.log(`\nwrote ${outPrefix}.json and ${outPrefix}.md (${elapsed} s)`);
  const errored = [
    results.pure,
    results.intake,
    results.burst,
    results.flood,
    results.floor?.burst,
    results.floor?.flood,
    results.profile,
  ].some((r) => r && "error" in r);
  return errored ? 1 : 0;
}

installSignalHandlers();
main()
  .then((code) => process.exit(code))
  .catch(async (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    await runCleanup();
    process.exit(1);
  });
