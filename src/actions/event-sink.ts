/**
 * Where the pipeline's writes go with the events they produce. Both sinks write the
 * statements and the events in one D1 batch; they differ in how the events then reach
 * the endpoints:
 *
 * - `queuedSink` fans out through the DELIVERIES queue (fan-out.ts): one wake-up per
 *   delivery. For the API, the SLA alarm and everything off the hot path.
 * - `inlineSink` plans the fan-out against endpoints read beforehand and creates the
 *   deliveries in the same batch, already claimed, and hands them back (`due`) for the
 *   caller to attempt at once (deliver/inline.ts). A DM then costs one write round trip
 *   and no queue message per delivery; only failures go through the queue.
 */
import { CLAIM_MS } from "../deliver/policy.ts";
import type { Db } from "../storage/db.ts";
import type { EndpointRow } from "../storage/endpoints.ts";
import { insertClaimedDeliveriesStatements, runAtomically, type Statement } from "../storage/event-deliveries.ts";
import { type EventRow, getWorkspaceEvents, insertEventsIfNewStatements, storedEventRow } from "../storage/events.ts";
import { type DeliveryProducer, fanOut, planFanOut } from "./fan-out.ts";

/** An event envelope as built (events/build.ts, deliver/operational-events.ts). */
export interface StorableEvent {
  id: string;
  type: string;
}

export interface EventSink {
  /**
   * Writes `statements` and `events` in one D1 batch (all or nothing), then sees the events
   * delivered. Resolves to the statements' results, in order.
   */
  write(statements: Statement[], events: StorableEvent[], now: number): Promise<unknown[]>;
}

/** A delivery created claimed by this sink, to be attempted by its holder. */
export interface DueDelivery {
  workspaceId: string;
  event: EventRow;
  endpoint: EndpointRow;
  token: string;
}

export function queuedSink(db: Db, queue: DeliveryProducer, workspaceId: string): EventSink {
  return {
    async write(statements, events, now) {
      const rows = events.map((event) => storedEventRow(workspaceId, event, now));
      const results = await runAtomically(db, [...statements, ...insertEventsIfNewStatements(db, rows)]);
      if (rows.length > 0)
        await fanOut(
          db,
          queue,
          workspaceId,
          rows.map((row) => row.id),
          now,
        );
      return results.slice(0, statements.length);
    },
  };
}

export interface InlineSink extends EventSink {
  /** Every delivery this sink's writes claimed so far. */
  readonly due: DueDelivery[];
}

/** `audience`: the workspace's endpoints, read by the caller before the writes (disabled ones too). */
export function inlineSink(db: Db, workspaceId: string, audience: EndpointRow[]): InlineSink {
  const token = crypto.randomUUID();
  const due: DueDelivery[] = [];
  const endpointsById = new Map(audience.map((endpoint) => [endpoint.id, endpoint]));
  return {
    due,
    async write(statements, events, now) {
      // Fanned out in the same batch that stores them: the stall sweep never sees them orphaned.
      const rows: EventRow[] = events.map((event) => ({ ...storedEventRow(workspaceId, event, now), fannedOutAt: now }));
      const plan = planFanOut(workspaceId, rows, audience, now, { token, until: now + CLAIM_MS });
      for (const refused of plan.refused) {
        console.warn(JSON.stringify({ msg: "event not delivered: over the size limit", eventId: refused.eventId, reason: refused.reason }));
      }
      const claims = insertClaimedDeliveriesStatements(db, plan.rows);
      const results = await runAtomically(db, [...statements, ...insertEventsIfNewStatements(db, rows), ...claims]);
      const claimed = (
        results.slice(results.length - claims.length).flat() as {
          endpointId: string;
          eventId: string;
          claimToken: string | null;
          createdAt: number;
        }[]
      ).filter((row) => row.claimToken === token);
      const eventsById = new Map(rows.map((row) => [row.id, row]));
      // A delivery taken over from an earlier run (created before now) belongs to the event
      // that run stored: send its bytes, not this run's rebuild (whose timestamp differs).
      const earlier = [...new Set(claimed.filter((row) => row.createdAt !== now).map((row) => row.eventId))];
      if (earlier.length > 0) for (const stored of await getWorkspaceEvents(db, workspaceId, earlier)) eventsById.set(stored.id, stored);
      for (const row of claimed) {
        const event = eventsById.get(row.eventId);
        const endpoint = endpointsById.get(row.endpointId);
        if (event && endpoint) due.push({ workspaceId, event, endpoint, token });
      }
      return results.slice(0, statements.length);
    },
  };
}
