/**
 * The stall sweep: the safety net under "retries never silently stop". A pending delivery
 * whose wake-up was lost (a crash between writing its row and enqueueing its message, a
 * message that reached the dead-letter queue) is woken again, and an event whose fan-out
 * never completed is fanned out. Every wake-up is idempotent, so a false alarm costs one
 * queue message, never a second POST at once.
 */
import { type DeliveryProducer, enqueueWakeUps, fanOut, wakeUp } from "../actions/fan-out.ts";
import { MAX_DEFERRAL_SECONDS } from "../deliver/limiter.ts";
import { openDb } from "../storage/db.ts";
import { takeStalledDeliveries } from "../storage/event-deliveries.ts";
import { eventsNeverFannedOut } from "../storage/events.ts";

/** Overdue by this much with no sign of a wake-up: lost. Well above the longest limiter deferral and a claim. */
export const STALL_GRACE_MS = 15 * 60_000;
/** Orphaned events are looked for this far back: a crash is caught within minutes; older ones predate the sweep. */
const ORPHAN_LOOKBACK_MS = 24 * 3600_000;
const SWEEP_LIMIT = 500;
/** fanOut binds one parameter per event id (D1: 100 at most per statement). */
const FAN_OUT_CHUNK = 50;

export interface SweepCounts {
  deliveries: number;
  events: number;
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
  // Abandoned replies are each conversation's own: its object's alarm resumes them.
  const counts = { deliveries: stalled.length, events: orphans.length };
  if (counts.deliveries + counts.events > 0) console.warn(JSON.stringify({ msg: "stalled deliveries resumed", ...counts }));
  return counts;
}
