/**
 * Intake against the runtime's own limit, alternating on one dev server: GET /health, then
 * signed TikTok webhook POSTs (a fresh message id, timestamp and signature per request), at
 * 1 and 8 connections, with the whole pipeline consuming behind the POSTs. After each POST
 * run the pipeline is drained before the next measurement, so a backlog never steals CPU
 * from the following /health run.
 *
 * Optionally the same on a dev server whose queues have no consumers (a generated copy of
 * wrangler.toml): intake alone, which shows how much of the gap the pipeline's CPU explains.
 */
import { type LoadOptions, type LoadRun, runLoad } from "./load.ts";
import { cpuBetween, cpuSnapshot } from "./procs.ts";
import { say } from "./progress.ts";
import { waitForReceived } from "./send.ts";
import { type RunContext, type Stage, startStage } from "./stage.ts";
import { round } from "./stats.ts";
import { signedDelivery } from "./tiktok.ts";
import { traffic } from "./traffic.ts";

export interface IntakeOptions {
  durationS: number;
  connections: number[];
  conversations: number;
  drainTimeoutS: number;
  /** Also measure intake with no queue consumers running. */
  alone: boolean;
  /** Signed POSTs sent (and drained) before measuring. */
  warmUp: number;
}

export interface IntakeRow {
  connections: number;
  health: LoadRun;
  intake: LoadRun;
  /** intake req/s ÷ health req/s. */
  ratio: number | null;
  /** workerd CPU during each run, in cores (CPU time ÷ wall time): 1.0 is one core busy. */
  healthCores: number | null;
  intakeCores: number | null;
  /** Seconds after the POST run ended until every accepted DM reached the subscriber (null: not drained, or nothing consumes). */
  drainAfterS: number | null;
  delivered: number;
  accepted: number;
}

export interface IntakeResult {
  durationS: number;
  rows: IntakeRow[];
  /** The same measurements with no queue consumers: intake alone. */
  alone: IntakeRow[] | null;
  notes: string[];
}

async function measure(stage: Stage, options: IntakeOptions, drain: boolean, tag: string): Promise<{ rows: IntakeRow[]; notes: string[] }> {
  const notes: string[] = [];
  const plan = traffic(options.conversations, 11);
  const path = `/webhooks/tiktok/${stage.workspace.channelId}`;
  let index = 0;
  const accepted: string[] = [];
  const post = {
    method: "POST",
    path,
    setupRequest: (request: { method: string; path: string; headers: Record<string, string> }, context: Record<string, unknown>) => {
      const message = plan.message(index);
      index += 1;
      const { body, headers } = signedDelivery(message, plan.notificationId(), Date.now());
      context.messageId = message.messageId;
      return { ...request, method: "POST", path, headers: { ...request.headers, ...headers }, body };
    },
    onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
      if (status >= 200 && status < 300) accepted.push(String(context.messageId));
    },
  };
  const healthUrl = `${stage.dev.url}/health`;
  const lastDelivery = (ids: string[]) => Math.max(0, ...ids.map((id) => stage.subscriber.received.get(id)?.firstAt ?? 0));

  say(`[intake${tag}] warm-up`);
  await runLoad({ label: `warm-up GET /health${tag}`, url: healthUrl, connections: 2, duration: 1 });
  await runLoad({ label: `warm-up POST webhook${tag}`, url: stage.dev.url, connections: 2, amount: options.warmUp, ...post });
  if (drain) await waitForReceived("warm-up drain", stage.subscriber, [...accepted], options.drainTimeoutS * 1000);

  const measured = async (load: LoadOptions): Promise<{ run: LoadRun; cores: number | null }> => {
    const before = cpuSnapshot(stage.dev.pgid);
    const run = await runLoad(load);
    const cpu = cpuBetween(before, cpuSnapshot(stage.dev.pgid));
    return { run, cores: cpu.wallMs > 0 ? round(cpu.workerdMs / cpu.wallMs, 2) : null };
  };

  const rows: IntakeRow[] = [];
  for (const connections of options.connections) {
    const health = await measured({ label: `GET /health ×${connections}${tag}`, url: healthUrl, connections, duration: options.durationS });
    const before = accepted.length;
    const intake = await measured({
      label: `POST webhook ×${connections}${tag}`,
      url: stage.dev.url,
      connections,
      duration: options.durationS,
      ...post,
    });
    const ended = performance.now();
    const ids = accepted.slice(before);
    let drainAfterS: number | null = null;
    if (drain) {
      const drained = await waitForReceived(`drain after ×${connections}`, stage.subscriber, ids, options.drainTimeoutS * 1000, 90_000);
      if (drained) drainAfterS = round(Math.max(0, lastDelivery(ids) - ended) / 1000, 2);
      else
        notes.push(
          `×${connections}: ${ids.filter((id) => !stage.subscriber.received.has(id)).length} accepted DMs not delivered within ${options.drainTimeoutS} s`,
        );
    }
    rows.push({
      connections,
      health: health.run,
      intake: intake.run,
      ratio: health.run.rps > 0 ? round(intake.run.rps / health.run.rps, 2) : null,
      healthCores: health.cores,
      intakeCores: intake.cores,
      drainAfterS,
      delivered: ids.filter((id) => stage.subscriber.received.has(id)).length,
      accepted: ids.length,
    });
  }
  return { rows, notes };
}

export async function benchIntake(ctx: RunContext, options: IntakeOptions): Promise<IntakeResult> {
  const stage = await startStage(ctx, "intake");
  let measured: { rows: IntakeRow[]; notes: string[] };
  try {
    measured = await measure(stage, options, true, "");
    measured.notes.unshift(...stage.workspace.notes);
  } finally {
    await stage.dispose();
  }
  let alone: IntakeRow[] | null = null;
  if (options.alone) {
    const quiet = await startStage(ctx, "intake-alone", { noConsumers: true });
    try {
      alone = (await measure(quiet, options, false, " (no consumers)")).rows;
    } finally {
      await quiet.dispose();
    }
  }
  return { durationS: options.durationS, rows: measured.rows, alone, notes: measured.notes };
}
