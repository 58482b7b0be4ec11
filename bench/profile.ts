/**
 * The worker's own CPU profile: the flood's kind of traffic (signed TikTok DMs over many
 * conversations, the pipeline consuming, a subscriber) while the workerd inspector's V8
 * sampling profiler runs on the worker's isolate (intake, queue consumers and the
 * Conversation Durable Object all live in it). Writes the `.cpuprofile` for Chrome
 * DevTools and summarizes it (profile-summary.ts). The local D1, queues and Durable Object
 * storage run in other isolates of the same workerd: they are not in the profile, only in
 * the workerd CPU measured beside it.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { onCleanup } from "./cleanup.ts";
import { connectInspector, type Inspector } from "./inspector.ts";
import { groupSampler } from "./procs.ts";
import { type CpuProfile, type ProfileSummary, summarizeProfile } from "./profile-summary.ts";
import { say } from "./progress.ts";
import { acknowledged, sendDms, waitForReceived, waitQuiet } from "./send.ts";
import { type ParsedScript, sourceResolver } from "./source-maps.ts";
import { type RunContext, startStage } from "./stage.ts";
import { round } from "./stats.ts";
import { traffic } from "./traffic.ts";

export interface ProfileOptions {
  count: number;
  conversations: number;
  connections: number;
  /** The sampling interval asked of V8, µs. */
  intervalUs: number;
  /** DMs sent (and delivered) before profiling starts, so the profile is not mostly first-call compilation. */
  warmUp: number;
  timeoutS: number;
  stallS: number;
}

export interface ProfileResult {
  count: number;
  conversations: number;
  warmUp: number;
  intervalUs: number;
  profiledDms: number;
  delivered: number;
  /** Where the .cpuprofile was written (open it in Chrome DevTools: Performance, or the JavaScript Profiler panel). */
  file: string;
  /** Wall time from Profiler.start to Profiler.stop. */
  wallS: number;
  /** CPU of every workerd process of the dev server over the same window (D1, queues, DO storage, I/O included). */
  workerdCpuMs: number;
  /** The worker isolate's V8 heap after a forced GC, before and after the profiled DMs (MB). */
  heapMb: { before: number; after: number } | null;
  summary: ProfileSummary;
  sourceMaps: "mapped" | "partly mapped" | "not mapped";
  timedOut: boolean;
  notes: string[];
}

/** Enables the debugger long enough to hear every script the isolate has parsed, then disables it again. */
async function parsedScripts(inspector: Inspector): Promise<ParsedScript[]> {
  await inspector.send("Debugger.enable");
  await new Promise((resolve) => setTimeout(resolve, 500));
  await inspector.send("Debugger.disable");
  return inspector.events
    .filter((e) => e.method === "Debugger.scriptParsed")
    .map((e) => ({
      scriptId: String(e.params.scriptId),
      url: String(e.params.url ?? ""),
      sourceMapURL: typeof e.params.sourceMapURL === "string" && e.params.sourceMapURL ? e.params.sourceMapURL : undefined,
    }));
}

/** The isolate's used V8 heap (MB) after a full collection: what it keeps, not what it has not collected yet. */
async function heapAfterGc(inspector: Inspector): Promise<number | null> {
  try {
    await inspector.send("HeapProfiler.collectGarbage", {}, 30_000);
    const usage = await inspector.send<{ usedSize: number }>("Runtime.getHeapUsage");
    return round(usage.usedSize / 1_048_576, 1) ?? null;
  } catch {
    return null;
  }
}

export async function benchProfile(ctx: RunContext, options: ProfileOptions): Promise<ProfileResult> {
  const stage = await startStage(ctx, "profile");
  const notes = [...stage.workspace.notes];
  let inspector: Inspector | null = null;
  const unregister = onCleanup(() => inspector?.close());
  try {
    say(`[profile] connecting to the workerd inspector on 127.0.0.1:${stage.dev.inspectorPort}`);
    inspector = await connectInspector(stage.dev.inspectorPort, { keepEvents: ["Debugger.scriptParsed"] });
    const scripts = await parsedScripts(inspector);

    const plan = traffic(options.conversations, 11);
    const warmUp = Math.min(options.warmUp, Math.max(0, options.count - 1));
    const messages = Array.from({ length: options.count }, (_, i) => plan.message(i));
    const send = (label: string, batch: typeof messages) =>
      sendDms({
        label,
        baseUrl: stage.dev.url,
        channelId: stage.workspace.channelId,
        traffic: plan,
        messages: batch,
        maxSeconds: options.timeoutS * 2,
        connections: options.connections,
      });
    if (warmUp > 0) {
      const { sends } = await send(`profile warm-up ${warmUp} DMs`, messages.slice(0, warmUp));
      const ids = acknowledged(sends).map((r) => r.message.messageId);
      await waitForReceived("profile warm-up: delivered", stage.subscriber, ids, options.timeoutS * 1000, options.stallS * 1000);
      await waitQuiet(() => `${stage.subscriber.deliveries}/${stage.platform.requests}`, 1000, 30_000);
    }

    const profiled = messages.slice(warmUp);
    const heapBefore = await heapAfterGc(inspector);
    await inspector.send("Profiler.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: options.intervalUs });
    const sampler = groupSampler(stage.dev.pgid, 500);
    const cpuFrom = sampler.mark();
    const started = performance.now();
    await inspector.send("Profiler.start");
    say(`[profile] profiling ${profiled.length} DMs over ${options.conversations} conversations (sampling every ${options.intervalUs} µs)`);
    const { sends } = await send(`profile ${profiled.length} DMs ×${options.connections}`, profiled);
    const acked = acknowledged(sends);
    const allIn = await waitForReceived(
      "profile: message.received",
      stage.subscriber,
      acked.map((r) => r.message.messageId),
      options.timeoutS * 1000,
      options.stallS * 1000,
    );
    // Replies, message.sent and tickets still in flight: profile until everything is quiet.
    await waitQuiet(() => `${stage.subscriber.deliveries}/${stage.platform.requests}/${stage.orderApi.requests}`, 1500, 60_000);
    const { profile } = await inspector.send<{ profile: CpuProfile }>("Profiler.stop", {}, 120_000);
    const wallS = (performance.now() - started) / 1000;
    sampler.sampleNow();
    sampler.stop();
    const workerdCpuMs = Math.round(sampler.cpuBetween(cpuFrom, sampler.mark()).workerdMs);
    await inspector.send("Profiler.disable").catch(() => undefined);
    const heapAfter = await heapAfterGc(inspector);

    const file = join(ctx.outDir, `worker-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    say(`[profile] wrote ${file} (${profile.samples?.length ?? 0} samples)`);

    // The bundle and its map live in the snapshot's .wrangler/tmp while the dev server runs.
    const { resolve, problems } = sourceResolver(scripts, ctx.snapshot.dir);
    const summary = summarizeProfile(profile, { resolve, top: 20 });
    notes.push(...problems);
    const { bundleFrames, mapped } = summary.mapping;
    const sourceMaps = mapped === 0 ? "not mapped" : mapped < bundleFrames ? "partly mapped" : "mapped";
    if (!allIn) notes.push("timed out before every acknowledged DM was delivered");
    return {
      count: options.count,
      conversations: options.conversations,
      warmUp,
      intervalUs: options.intervalUs,
      profiledDms: acked.length,
      delivered: acked.filter((r) => stage.subscriber.received.has(r.message.messageId)).length,
      file,
      wallS: round(wallS, 2) ?? 0,
      workerdCpuMs,
      heapMb: heapBefore !== null && heapAfter !== null ? { before: heapBefore, after: heapAfter } : null,
      summary,
      sourceMaps,
      timedOut: !allIn,
      notes,
    };
  } finally {
    inspector?.close();
    unregister();
    await stage.dispose();
  }
}
