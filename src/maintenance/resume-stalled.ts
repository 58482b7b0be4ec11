/**
 * The stall sweep: the safety net under "retries never silently stop". A pending delivery
 * whose wake-up was lost (a crash between writing its row and enqueueing its message, a
 * message that reached the dead-letter queue) is woken again, and an event whose fan-out
 * never completed is fanned out. Every wake-up is idempotent, so a false alarm costs one
 * queue message, never a second POST at once.
 */
import { type DeliveryProducer, enqueueWakeUps, fanOut, wakeUp } from "../actions/fan-out.ts";
import { resumptionOf, SEND_CLAIM_MS } from "../actions/reply.ts";
import type { ReplyJob } from "../consumers/messages.ts";
import { MAX_DEFERRAL_SECONDS } from "../deliver/limiter.ts";
import { chunk } from "../storage/chunk.ts";
import { type Db, openDb } from "../storage/db.ts";
import { takeStalledDeliveries } from "../storage/event-deliveries.ts";
import { eventsNeverFannedOut } from "../storage/events.ts";
import { takeAbandonedReplies, updateMessageStatement } from "../storage/inbox.ts";

/** Overdue by this much with no sign of a wake-up: lost. Well above the longest limiter deferral and a claim. */
export const STALL_GRACE_MS = 15 * 60_000;
/** Orphaned events are looked for this far back: a crash is caught within minutes; older ones predate the sweep. */
const ORPHAN_LOOKBACK_MS = 24 * 3600_000;
const SWEEP_LIMIT = 500;
/** Queues take at most 100 messages a sendBatch (https://developers.cloudflare.com/queues/platform/limits/). */
const QUEUE_BATCH_MESSAGES = 100;
/** fanOut binds one parameter per event id (D1: 100 at most per statement). */
const FAN_OUT_CHUNK = 50;

export interface SweepCounts {
  deliveries: number;
  events: number;
  replies: number;
}

export async function resumeStalledDeliveries(
  env: Pick<Env, "DB" | "DELIVERIES_QUEUE">,
  now: number,
  producer: DeliveryProducer = env.DELIVERIES_QUEUE,
): Promise<SweepCounts> {
  if (STALL_GRACE_MS <= MAX_DEFERRAL_SECONDS * 1000) throw new Error("the stall grace must exceed the longest deferral");
  const db = openDb(env.DB);

  const orphans = await eventsNeverFannedOut(db, { after: now - ORPHAN_LOOKBACK_MS, before: now - STALL_GRACE_MS }, SWEEP_LIMIT);
  const byWorkspace = Map.groupBy(orphans, (event) => event.workspaceId);
  for (const [workspaceId, events] of byWorkspace) {
    for (let i = 0; i < events.length; i += FAN_OUT_CHUNK) {
      const ids = events.slice(i, i + FAN_OUT_CHUNK).map((event) => event.id);
      await fanOut(db, producer, workspaceId, ids, now);
    }
  }

  const stalled = await takeStalledDeliveries(db, now, STALL_GRACE_MS, SWEEP_LIMIT);
  await enqueueWakeUps(
    producer,
    stalled.map((row) => ({ body: wakeUp(row.workspaceId, row.eventId, row.endpointId) })),
  );
  const replies = await resumeAbandonedReplies(db, env.DELIVERIES_QUEUE, now);
  const counts = { deliveries: stalled.length, events: orphans.length, replies };
  if (counts.deliveries + counts.events + counts.replies > 0)
    console.warn(JSON.stringify({ msg: "stalled deliveries resumed", ...counts }));
  return counts;
}

/**
 * Pending replies whose sender vanished (a crash mid-send, a lost retry message) get their
 * next attempt enqueued; those whose attempts are spent are recorded as failed.
 */
async function resumeAbandonedReplies(db: Db, queue: Pick<Queue<ReplyJob>, "sendBatch">, now: number): Promise<number> {
  const abandoned = await takeAbandonedReplies(db, now, SEND_CLAIM_MS, SWEEP_LIMIT);
  const jobs: ReplyJob[] = [];
  const spent: string[] = [];
  for (const message of abandoned) {
    const job = resumptionOf(message);
    if (job) jobs.push(job);
    else spent.push(message.id);
  }
  for (const id of spent)
    await updateMessageStatement(db, id, {
      status: "failed",
      error: "the reply's sender stopped before it was sent",
      sendClaimedUntil: null,
    });
  for (const part of chunk(jobs, QUEUE_BATCH_MESSAGES)) await queue.sendBatch(part.map((body) => ({ body, contentType: "json" })));
  return abandoned.length;
}
