/**
 * Where the pipeline's writes go with the events they produce. Both sinks first store the
 * events in the workspace's log (one RPC to its object, idempotent by event id: a re-run
 * keeps the first-stored bytes), then write the statements in one D1 batch; stored first, an
 * event is never lost to a crash between the two (the log's stall sweep fans out what is
 * never marked). They differ in how the events then reach the endpoints:
 *
 * - `queuedSink` fans out through the DELIVERIES queue (fan-out.ts): one wake-up per
 *   delivery. For the API, the SLA alarm and everything off the hot path.
 * - `inlineSink` plans the fan-out against endpoints read beforehand and hands the
 *   deliveries back (`due`) for the caller to attempt at once (deliver/inline.ts), with no
 *   delivery row: a success is recorded in the endpoint's history only, and a row is
 *   written for what must be retried or failed. A DM then costs one log call, a D1 write
 *   round trip only when it has statements (none when its summary waits), and no queue
 *   message per delivery; only failures go through the queue.
 */
import type { ClockChange } from "../objects/clock-log.ts";
import type { Db } from "../storage/db.ts";
import type { EndpointRow } from "../storage/endpoints.ts";
import { insertDeliveriesStatements, runAtomically, type Statement } from "../storage/event-deliveries.ts";
import { type EventRow, storedEventRow } from "../storage/events.ts";
import type { EventLogRpc } from "./event-log.ts";
import { type DeliveryProducer, fanOutStored, planFanOut } from "./fan-out.ts";

/** An event envelope as built (events/build.ts, deliver/operational-events.ts). */
export interface StorableEvent {
  id: string;
  type: string;
}

export interface EventSink {
  /**
   * Writes `statements` and `events` in one D1 batch (all or nothing), then sees the events
   * delivered. `clocks`, the SLA clocks' facts the write implies, ride on the events' append
   * to the workspace's log (no call of their own). Resolves to the statements' results, in order.
   */
  write(statements: Statement[], events: StorableEvent[], now: number, clocks?: ClockChange[]): Promise<unknown[]>;
}

/** A delivery this sink left to its caller to attempt at once: no row until the attempt is recorded. */
export interface DueDelivery {
  workspaceId: string;
  event: EventRow;
  endpoint: EndpointRow;
}

export function queuedSink(db: Db, queue: DeliveryProducer, log: EventLogRpc, workspaceId: string): EventSink {
  return {
    async write(statements, events, now, clocks = []) {
      const rows = events.map((event) => storedEventRow(workspaceId, event, now));
      const pending = rows.length > 0 || clocks.length > 0 ? await log.append(rows, clocks) : [];
      const results = await runAtomically(db, statements);
      await fanOutStored(db, queue, (ids, at) => log.markFannedOut(ids, at), workspaceId, pending, now);
      return results;
    },
  };
}

export interface InlineSink extends EventSink {
  /** Every delivery this sink's writes left to be attempted at once. */
  readonly due: DueDelivery[];
}

/**
 * `audience`: the workspace's endpoints, read by the caller before the writes (disabled ones
 * too). An event with deliveries to attempt is stored not yet fanned out: if its attempts
 * are never recorded (the consumer died), the log's stall sweep fans it out. A re-run (the
 * events are stored already) hands back the deliveries of those still not fanned out, as
 * first stored: the subscriber may see a `webhook-id` twice, never lose one.
 */
export function inlineSink(db: Db, log: EventLogRpc, workspaceId: string, audience: EndpointRow[]): InlineSink {
  const due: DueDelivery[] = [];
  return {
    due,
    async write(statements, events, now, clocks = []) {
      const built = events.map((event) => storedEventRow(workspaceId, event, now));
      const plan = planFanOut(workspaceId, built, audience, now, "inline");
      for (const refused of plan.refused) {
        console.warn(JSON.stringify({ msg: "event not delivered: over the size limit", eventId: refused.eventId, reason: refused.reason }));
      }
      const attempting = new Set(plan.inline.map((d) => d.event.id));
      const rows = built.map((row) => (attempting.has(row.id) ? row : { ...row, fannedOutAt: now }));
      // As stored: this run's bytes, or an earlier run's that never saw them delivered.
      const awaiting = new Map((rows.length > 0 || clocks.length > 0 ? await log.append(rows, clocks) : []).map((row) => [row.id, row]));
      const results = await runAtomically(db, [...statements, ...insertDeliveriesStatements(db, plan.rows)]);
      for (const { event, endpoint } of plan.inline) {
        const sent = awaiting.get(event.id);
        if (sent) due.push({ workspaceId, event: sent, endpoint });
      }
      return results.slice(0, statements.length);
    },
  };
}
