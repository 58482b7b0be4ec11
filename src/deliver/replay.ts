/**
 * Replay: deliveries of an endpoint made pending again and woken, with their original
 * event ids (the subscriber de-duplicates on them). By id, any event of the workspace,
 * whatever its state (a success the subscriber lost, too); by time, every failed or held
 * one since then. Reported as a `delivery.replayed` operational event.
 */
import type { EventLogRpc } from "../actions/event-log.ts";
import { type DeliveryProducer, enqueueWakeUps, wakeUp } from "../actions/fan-out.ts";
import type { Db } from "../storage/db.ts";
import type { EndpointRow } from "../storage/endpoints.ts";
import { type NewDeliveryRow, restartDeliveriesStatements, restartFailedSince, runAtomically } from "../storage/event-deliveries.ts";
import { storedEventRow } from "../storage/events.ts";
import { oversizeReason } from "./limits.ts";
import { deliveryReplayed } from "./operational-events.ts";

/** Events one replay call restarts at most; a second call with the same `since` picks up the rest. */
export const REPLAY_LIMIT = 1000;
export const MAX_REPLAY_EVENT_IDS = 100;

export interface ReplayRequest {
  eventIds?: string[];
  /** Epoch ms: events created at or after it. */
  since?: number;
}

export type ReplayResult = { ok: true; replayed: number; operationalEventId: string | null } | { ok: false; unknownEventIds: string[] };

export async function replayDeliveries(
  db: Db,
  producer: DeliveryProducer,
  /** The endpoint's workspace's event log. */
  log: EventLogRpc,
  endpoint: EndpointRow,
  request: ReplayRequest,
  now: number,
): Promise<ReplayResult> {
  let eventIds: string[];
  if (request.eventIds) {
    const wanted = [...new Set(request.eventIds)];
    const found = await log.read(wanted);
    const unknownEventIds = wanted.filter((id) => !found.some((event) => event.id === id));
    if (unknownEventIds.length > 0) return { ok: false, unknownEventIds };
    const since = request.since;
    const rows: NewDeliveryRow[] = found
      .filter((event) => (since === undefined || event.createdAt >= since) && !oversizeReason(event.payload))
      .map((event) => ({
        endpointId: endpoint.id,
        eventId: event.id,
        workspaceId: endpoint.workspaceId,
        eventType: event.type,
        status: "pending",
        nextAttemptAt: now,
        wokenAt: now,
        replays: 1,
        createdAt: event.createdAt,
        updatedAt: now,
      }));
    await runAtomically(db, restartDeliveriesStatements(db, rows, now));
    eventIds = rows.map((row) => row.eventId);
  } else {
    const restarted = await restartFailedSince(db, endpoint.id, request.since ?? 0, REPLAY_LIMIT, now);
    eventIds = restarted.map((row) => row.eventId);
  }
  if (eventIds.length === 0) return { ok: true, replayed: 0, operationalEventId: null };

  // Rows first, then wake-ups: a crash in between leaves pending rows that the stall sweep wakes.
  await enqueueWakeUps(
    producer,
    eventIds.map((eventId) => ({ body: wakeUp(endpoint.workspaceId, eventId, endpoint.id) })),
  );
  const event = deliveryReplayed(
    {
      workspaceId: endpoint.workspaceId,
      endpoint: { id: endpoint.id, url: endpoint.url },
      eventIds,
      since: request.since === undefined ? null : new Date(request.since).toISOString(),
    },
    now,
  );
  await log.append([storedEventRow(endpoint.workspaceId, event, now)]);
  return { ok: true, replayed: eventIds.length, operationalEventId: event.id };
}
