/**
 * Sustained flood: N DMs over C conversations, sent as fast as intake takes them. Measures
 * the end-to-end drain rate, DM-to-delivery latency (subscriber arrival − send, matched by
 * the platform message id in the event body), loss and duplication, the workerd processes'
 * memory (VmRSS every 500 ms) and CPU (utime + stime, idle baseline subtracted), and the D1
 * rows written (trigger counters) — the inputs of the cost model.
 */

import { installWriteCounters, readWriteCounts, type TableInfo, type WriteCounts, writesBetween } from "./d1-writes.ts";
import { d1Execute } from "./dev-server.ts";
import { countEventLogRows, type EventLogRows } from "./event-log-rows.ts";
import { duplicateDeliveries } from "./fakes.ts";
import { countObjectRows, type ObjectRows } from "./object-rows.ts";
import { groupSampler, type RssSample } from "./procs.ts";
import { say } from "./progress.ts";
import { expectEffects, type Routing } from "./routing.ts";
import { acknowledged, sendDms, waitForReceived, waitQuiet } from "./send.ts";
import { type RunContext, startStage, type WorkerUnderTest } from "./stage.ts";
import { round, type Summary, sleep, summarize } from "./stats.ts";
import { traffic } from "./traffic.ts";

export interface FloodOptions {
  count: number;
  conversations: number;
  connections: number;
  idleSeconds: number;
  timeoutS: number;
  /** Give up waiting once nothing new has arrived for this long. */
  stallS: number;
  /** Default: Switchboard. */
  worker?: WorkerUnderTest;
}

export interface FloodResult {
  count: number;
  conversations: number;
  connections: number;
  /** DMs actually sent (fewer than `count` only if sending hit its time bound). */
  sent: number;
  acked: number;
  non2xx: number;
  ingestPerS: number;
  /** message.received delivered per second, first POST → last first-delivery. */
  drainPerS: number | null;
  /** Every subscriber delivery (all event types) per second over the same span. */
  deliveriesPerS: number | null;
  drainSeconds: number | null;
  dmToDeliveryMs: Summary;
  ackMs: Summary;
  lost: number;
  duplicated: { webhookIds: number; extraDeliveries: number; messages: number; replies: number };
  observed: {
    received: number;
    subscriberDeliveries: number;
    distinctWebhookIds: number;
    byType: Record<string, number>;
    replies: number;
    orderLookups: number;
    platformRequests: number;
    tickets: number;
  };
  expected: { replies: number | null; tickets: number | null; orderLookups: number | null };
  memory: {
    idleMb: number | null;
    peakMb: number | null;
    endMb: number | null;
    /** Growth of workerd RSS from idle to after the drain. */
    growthMb: number | null;
    /** Least-squares slope of workerd RSS over the busy period, MB per 1,000 DMs. */
    slopeMbPer1k: number | null;
    flat: boolean | null;
    workerdProcesses: number;
    /** workerd processes that exited during the run (a crash or reload). */
    workerdExits: number;
    samples: { t: number; mb: number }[];
  };
  cpu: {
    busySeconds: number;
    workerdMs: number;
    otherMs: number;
    idleWorkerdMsPerS: number;
    idleOtherMsPerS: number;
    /** workerd CPU per DM with the idle baseline subtracted. */
    workerdMsPerDm: number | null;
    otherMsPerDm: number | null;
    /** workerd CPU ÷ wall time while busy: 1.0 is one core. */
    workerdCores: number | null;
  };
  d1: { tables: TableInfo[]; writes: WriteCounts | null; error: string | null };
  /** What the event log objects wrote, read from their SQLite files after the run (null: unreadable, or the floor). */
  eventLog?: EventLogRows | null;
  /** What the conversation and endpoint objects wrote, read from their SQLite files (null: unreadable, or the floor). */
  objectRows?: ObjectRows | null;
  timedOut: boolean;
  notes: string[];
}

const mb = (kb: number | null | undefined) => (kb === null || kb === undefined ? null : round(kb / 1024, 1));

function slope(samples: RssSample[], from: number, to: number, dms: number): number | null {
  const points = samples.filter((s) => s.t >= from && s.t <= to);
  if (points.length < 4 || dms <= 0) return null;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.t, 0) / n;
  const my = points.reduce((a, p) => a + p.workerdKb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mx) * (p.workerdKb - my);
    den += (p.t - mx) ** 2;
  }
  if (den === 0) return null;
  const kbPerMs = num / den;
  const msPerDm = (to - from) / dms;
  return round((kbPerMs * msPerDm * 1000) / 1024, 2);
}

export async function benchFlood(ctx: RunContext, options: FloodOptions, routing: Routing | null): Promise<FloodResult> {
  let tables: TableInfo[] = [];
  const floor = options.worker === "floor";
  const name = floor ? "floor-flood" : "flood";
  const toolsConfig = floor ? ctx.snapshot.floor.toolsConfig : ctx.snapshot.toolsConfig;
  const stage = await startStage(ctx, name, {
    worker: options.worker,
    beforeStart: async (persistDir) => {
      say(`[${name}] installing D1 write counters (triggers) in the temporary database`);
      tables = await installWriteCounters(ctx.root, toolsConfig, persistDir);
    },
  });
  const notes = [...stage.workspace.notes];
  let disposed = false;
  try {
    const plan = traffic(options.conversations, 7);
    const messages = Array.from({ length: options.count }, (_, i) => plan.message(i));
    const expected = routing && !floor ? expectEffects(routing, messages) : null;

    // The set-up's writes (workspace, channel, endpoint, settings) are read now and left out.
    let writesBefore: WriteCounts | null = null;
    let d1Error: string | null = null;
    try {
      writesBefore = await readWriteCounts(ctx.root, toolsConfig, stage.persistDir, tables);
    } catch (error) {
      d1Error = `reading the counters before the flood: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}`;
    }
    const sampler = groupSampler(stage.dev.pgid, 500);
    const samplerStart = performance.now();
    // Idle baseline: what the dev server burns doing nothing.
    await sleep(500);
    const idleFrom = sampler.mark();
    await sleep(options.idleSeconds * 1000);
    const idleRss = sampler.sampleNow();
    const idle = sampler.cpuBetween(idleFrom, sampler.mark());

    say(`[${name}] ${options.count} DMs over ${options.conversations} conversations, ${options.connections} connections`);
    const busyStart = sampler.mark();
    const busyFrom = performance.now() - samplerStart;
    const { sends, load, firstSentAt, lastAckAt } = await sendDms({
      label: `${name} ${options.count} DMs ×${options.connections}`,
      baseUrl: stage.dev.url,
      channelId: stage.workspace.channelId,
      traffic: plan,
      messages,
      maxSeconds: options.timeoutS * 2,
      connections: options.connections,
    });
    const acked = acknowledged(sends);
    const allIn = await waitForReceived(
      `${name}: message.received`,
      stage.subscriber,
      acked.map((r) => r.message.messageId),
      options.timeoutS * 1000,
      options.stallS * 1000,
    );
    const subscriber = stage.subscriber;
    const platform = stage.platform;
    const drainedAt = subscriber.lastReceivedAt;
    // Replies, message.sent and tickets still in flight: wait until everything is quiet.
    await waitQuiet(() => `${subscriber.deliveries}/${platform.requests}/${stage.orderApi.requests}`, 2000, 60_000);
    const busyTo = performance.now() - samplerStart;
    const endRss = sampler.sampleNow();
    sampler.stop();
    const busy = sampler.cpuBetween(busyStart, sampler.mark());
    const workerdExits = sampler.workerdExits();
    if (workerdExits > 0) {
      notes.push(
        `${workerdExits} workerd process(es) exited during the flood (a crash or a reload of the dev server): the local queues' in-memory messages are lost then, so 'lost' counts them.`,
      );
    }
    const busySeconds = busy.wallMs / 1000;
    const idleWorkerdMsPerS = idle.wallMs > 0 ? (idle.workerdMs * 1000) / idle.wallMs : 0;
    const idleOtherMsPerS = idle.wallMs > 0 ? (idle.otherMs * 1000) / idle.wallMs : 0;
    const dms = acked.length;
    const workerdNet = busy.workerdMs - idleWorkerdMsPerS * busySeconds;
    const otherNet = busy.otherMs - idleOtherMsPerS * busySeconds;

    const received = acked.filter((r) => subscriber.received.has(r.message.messageId));
    const latencies = received.map((r) => (subscriber.received.get(r.message.messageId)?.firstAt ?? r.sentAt) - r.sentAt);
    const drainSpan = drainedAt !== null ? (drainedAt - firstSentAt) / 1000 : null;
    const deliverySpan = subscriber.lastAt !== null ? (subscriber.lastAt - firstSentAt) / 1000 : null;
    const duplicates = duplicateDeliveries(subscriber);
    let duplicatedMessages = 0;
    for (const entry of subscriber.received.values()) if (entry.eventIds.size > 1) duplicatedMessages += 1;
    let duplicatedReplies = 0;
    if (expected) {
      // Each expected reply is one send; more sends to a conversation than it has replies planned are duplicates.
      const planned = new Map<string, number>();
      messages.forEach((m, i) => {
        if (expected[i]?.reply) planned.set(m.conversationId, (planned.get(m.conversationId) ?? 0) + 1);
      });
      for (const [conversationId, times] of platform.replies)
        duplicatedReplies += Math.max(0, times.length - (planned.get(conversationId) ?? 0));
    }
    const peak = Math.max(...sampler.samples.map((s) => s.workerdKb));
    const growth = endRss.workerdKb - idleRss.workerdKb;
    const step = Math.max(1, Math.ceil(sampler.samples.length / 240));

    // Stop wrangler, then read the D1 counters from the file it leaves behind.
    await stage.stopDev();
    let writes: WriteCounts | null = null;
    try {
      if (writesBefore) writes = writesBetween(writesBefore, await readWriteCounts(ctx.root, toolsConfig, stage.persistDir, tables));
    } catch (error) {
      d1Error = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    }
    let eventLog: EventLogRows | null = null;
    let objectRows: ObjectRows | null = null;
    if (!floor) {
      try {
        eventLog = countEventLogRows(stage.persistDir);
      } catch (error) {
        notes.push(`event log objects' rows not counted: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}`);
      }
      try {
        objectRows = countObjectRows(stage.persistDir);
      } catch (error) {
        notes.push(
          `conversation and endpoint objects' rows not counted: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}`,
        );
      }
    }
    // Where the missing ones stopped: recorded but not delivered, or never recorded.
    let where: Record<string, unknown> | null = null;
    if (!floor && dms - acked.filter((r) => subscriber.received.has(r.message.messageId)).length > 0) {
      try {
        const [rows = []] = await d1Execute(ctx.root, ctx.snapshot.toolsConfig, stage.persistDir, {
          command:
            "SELECT (SELECT count(*) FROM conversations) AS conversationsStored, (SELECT count(*) FROM event_deliveries WHERE status = 'pending') AS deliveriesPending, (SELECT count(*) FROM event_deliveries WHERE status = 'pending' AND attempts = 0) AS deliveriesNeverAttempted;",
        });
        where = rows[0] ?? null;
      } catch (error) {
        where = { error: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error) };
      }
      notes.push(`after the run, D1 held: ${JSON.stringify(where)}`);
    }
    await stage.dispose();
    disposed = true;

    if (!allIn) notes.push("timed out before every acknowledged DM was delivered");
    return {
      count: options.count,
      conversations: options.conversations,
      connections: options.connections,
      sent: sends.size,
      acked: dms,
      non2xx: load.non2xx + load.errors,
      ingestPerS: round(dms / ((lastAckAt - firstSentAt) / 1000), 1) ?? 0,
      drainPerS: drainSpan ? round(received.length / drainSpan, 1) : null,
      deliveriesPerS: deliverySpan ? round(subscriber.byWebhookId.size / deliverySpan, 1) : null,
      drainSeconds: round(drainSpan, 2),
      dmToDeliveryMs: summarize(latencies),
      ackMs: summarize(acked.map((r) => (r.ackAt ?? r.sentAt) - r.sentAt)),
      lost: dms - received.length,
      duplicated: {
        webhookIds: duplicates.ids,
        extraDeliveries: duplicates.extra,
        messages: duplicatedMessages,
        replies: duplicatedReplies,
      },
      observed: {
        received: received.length,
        subscriberDeliveries: subscriber.deliveries,
        distinctWebhookIds: subscriber.byWebhookId.size,
        byType: Object.fromEntries(subscriber.byType),
        replies: platform.replyCount,
        orderLookups: stage.orderApi.requests + platform.orderLookups,
        platformRequests: platform.requests,
        tickets: subscriber.tickets.size,
      },
      expected: {
        replies: expected ? expected.filter((e) => e.reply).length : null,
        tickets: expected ? expected.filter((e) => e.ticket).length : null,
        orderLookups: expected ? expected.filter((e) => e.orderLookup).length : null,
      },
      memory: {
        idleMb: mb(idleRss.workerdKb),
        peakMb: mb(peak),
        endMb: mb(endRss.workerdKb),
        growthMb: mb(growth),
        slopeMbPer1k: slope(sampler.samples, busyFrom, busyTo, dms),
        flat: idleRss.workerdKb > 0 ? growth / idleRss.workerdKb <= 0.15 : null,
        workerdProcesses: idleRss.workerdProcesses,
        workerdExits,
        samples: sampler.samples.filter((_, i) => i % step === 0).map((s) => ({ t: s.t, mb: mb(s.workerdKb) ?? 0 })),
      },
      cpu: {
        busySeconds: round(busySeconds, 2) ?? 0,
        workerdMs: Math.round(busy.workerdMs),
        otherMs: Math.round(busy.otherMs),
        idleWorkerdMsPerS: round(idleWorkerdMsPerS, 1) ?? 0,
        idleOtherMsPerS: round(idleOtherMsPerS, 1) ?? 0,
        workerdMsPerDm: dms > 0 ? round(workerdNet / dms, 3) : null,
        otherMsPerDm: dms > 0 ? round(otherNet / dms, 3) : null,
        workerdCores: busy.wallMs > 0 ? round(busy.workerdMs / busy.wallMs, 2) : null,
      },
      d1: { tables, writes, error: d1Error },
      eventLog,
      objectRows,
      timedOut: !allIn,
      notes,
    };
  } finally {
    if (!disposed) await stage.dispose();
  }
}
