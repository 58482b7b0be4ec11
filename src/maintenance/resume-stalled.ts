/**
 * The stall sweep: the safety net under "retries never silently stop". A pending delivery
 * whose wake-up was lost (a crash between writing its row and enqueueing its message, a
 * message that reached the dead-letter queue) is woken again. An event whose fan-out never
 * completed is its workspace's event log's to fan out, on the log object's own alarm
 * (objects/event-log-object.ts). Every wake-up is idempotent, so a false alarm costs one
 * queue message, never a second POST at once.
 */
import { type DeliveryProducer, enqueueWakeUps, wakeUp } from "../actions/fan-out.ts";
import { resumptionOf, SEND_CLAIM_MS } from "../actions/reply.ts";
import type { ReplyJob } from "../consumers/messages.ts";
import { MAX_DEFERRAL_SECONDS } from "../deliver/limiter.ts";
import { STALL_GRACE_MS } from "../deliver/policy.ts";
import { chunk } from "../storage/chunk.ts";
import { type Db, openDb } from "../storage/db.ts";
import { takeStalledDeliveries } from "../storage/event-deliveries.ts";
import { takeAbandonedReplies, updateMessageStatement } from "../storage/inbox.ts";

export { STALL_GRACE_MS };

const SWEEP_LIMIT = 500;
/** Queues take at most 100 messages a sendBatch (https://developers.cloudflare.com/queues/platform/limits/). */
const QUEUE_BATCH_MESSAGES = 100;

export interface SweepCounts {
  deliveries: number;
  replies: number;
}

export async function resumeStalledDeliveries(
  env: Pick<Env, "DB" | "DELIVERIES_QUEUE">,
  now: number,
  producer: DeliveryProducer = env.DELIVERIES_QUEUE,
): Promise<SweepCounts> {
  if (STALL_GRACE_MS <= MAX_DEFERRAL_SECONDS * 1000) throw new Error("the stall grace must exceed the longest deferral");
  const db = openDb(env.DB);

  const stalled = await takeStalledDeliveries(db, now, STALL_GRACE_MS, SWEEP_LIMIT);
  await enqueueWakeUps(
    producer,
    stalled.map((row) => ({ body: wakeUp(row.workspaceId, row.eventId, row.endpointId) })),
  );
  const replies = await resumeAbandonedReplies(db, env.DELIVERIES_QUEUE, now);
  const counts = { deliveries: stalled.length, replies };
  if (counts.deliveries + counts.replies > 0) console.warn(JSON.stringify({ msg: "stalled deliveries resumed", ...counts }));
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
