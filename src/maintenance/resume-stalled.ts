/**
 * The stall sweep: the safety net under "retries never silently stop". A pending delivery
 * whose wake-up was lost (a crash between writing its row and enqueueing its message, a
 * message that reached the dead-letter queue) is woken again. An event whose fan-out never
 * completed is its workspace's event log's to fan out, on the log object's own alarm
 * (objects/event-log-object.ts), and an abandoned reply is its conversation's, on the
 * conversation object's alarm. Every wake-up is idempotent, so a false alarm costs one
 * queue message, never a second POST at once.
 */
import { type DeliveryProducer, enqueueWakeUps, wakeUp } from "../actions/fan-out.ts";
import { MAX_DEFERRAL_SECONDS } from "../deliver/limiter.ts";
import { STALL_GRACE_MS } from "../deliver/policy.ts";
import { openDb } from "../storage/db.ts";
import { takeStalledDeliveries } from "../storage/event-deliveries.ts";

export { STALL_GRACE_MS };

const SWEEP_LIMIT = 500;

export interface SweepCounts {
  deliveries: number;
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
  const counts = { deliveries: stalled.length };
  if (counts.deliveries > 0) console.warn(JSON.stringify({ msg: "stalled deliveries resumed", ...counts }));
  return counts;
}
