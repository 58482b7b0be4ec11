/**
 * Fan-out: one delivery row per (event, subscribed endpoint), so each endpoint retries on
 * its own schedule. `planFanOut` decides the rows for both paths: the pipeline's inline sink
 * (actions/event-sink.ts) writes none for what it attempts at once, only for what fails;
 * `fanOutStored` below, for events already in their workspace's log, enqueues one DELIVERIES
 * wake-up per row. Rows are written first, then the wake-ups are enqueued, then the event
 * is marked fanned out in the log: a crash anywhere re-runs the step (rows are kept, so the
 * subscriber may see the same `webhook-id` twice, never a new one), and the log's stall
 * sweep (objects/event-log-object.ts) catches an event never marked. Disabled endpoints get
 * their events held for replay; an event over the size limit is recorded as failed, with
 * the reason, and never enqueued.
 */
import type { EventDelivery } from "../consumers/messages.ts";
import { oversizeReason } from "../deliver/limits.ts";
import { isOperationalEventType } from "../deliver/operational-events.ts";
import { errorMessage } from "../lib/errors.ts";
import type { Db } from "../storage/db.ts";
import { type EndpointRow, listWorkspaceEndpoints } from "../storage/endpoints.ts";
import { insertDeliveriesStatements, type NewDeliveryRow, runAtomically } from "../storage/event-deliveries.ts";
import type { EventRow } from "../storage/events.ts";
import type { EventLogRpc } from "./event-log.ts";

/** The part of a Cloudflare Queue producer fan-out needs. */
export interface DeliveryProducer {
  sendBatch(messages: Iterable<MessageSendRequest<EventDelivery>>): Promise<unknown>;
}

/** Cloudflare Queues takes at most 100 messages per sendBatch. */
const SEND_BATCH_LIMIT = 100;

/** The DELIVERIES message that wakes one (event, endpoint) delivery. */
export function wakeUp(workspaceId: string, eventId: string, endpointId: string): EventDelivery {
  return { v: 1, kind: "event", workspaceId, eventId, endpointId };
}

/** Enqueues wake-ups, each after its own delay if it has one, in batches the queue accepts. */
export async function enqueueWakeUps(queue: DeliveryProducer, wakeUps: { body: EventDelivery; delaySeconds?: number }[]): Promise<void> {
  for (let i = 0; i < wakeUps.length; i += SEND_BATCH_LIMIT) {
    const part = wakeUps.slice(i, i + SEND_BATCH_LIMIT);
    await queue.sendBatch(part.map(({ body, delaySeconds }) => ({ body, contentType: "json" as const, delaySeconds })));
  }
}

/**
 * `[]` means every business event type; operational events (delivery.exhausted…) go only
 * to endpoints that name them, so subscribing to "everything" never brings them unasked.
 */
export function endpointWants(endpoint: Pick<EndpointRow, "eventTypes">, type: string): boolean {
  const types = JSON.parse(endpoint.eventTypes) as string[];
  if (isOperationalEventType(type)) return types.includes(type);
  return types.length === 0 || types.includes(type);
}

export interface FanOutPlan {
  rows: NewDeliveryRow[];
  wakeUps: EventDelivery[];
  /** Inline only: deliveries to attempt at once, with no row until their attempt says they need one. */
  inline: { event: EventRow; endpoint: EndpointRow }[];
  refused: { eventId: string; reason: string }[];
}

/**
 * Pure: which endpoint gets which event, and in what state. `queued`: a pending row and a
 * wake-up each. `inline` (the pipeline's sink): pending deliveries get no row; their
 * creator attempts them at once (deliver/inline.ts) and writes a row only for one that
 * must be retried or failed, while the event's unset `fannedOutAt` keeps it in sight of the
 * stall sweep until then. Held and refused deliveries get their row either way.
 */
export function planFanOut(
  workspaceId: string,
  events: EventRow[],
  audience: EndpointRow[],
  now: number,
  mode: "queued" | "inline" = "queued",
): FanOutPlan {
  const plan: FanOutPlan = { rows: [], wakeUps: [], inline: [], refused: [] };
  for (const event of events) {
    const tooLarge = oversizeReason(event.payload);
    if (tooLarge) plan.refused.push({ eventId: event.id, reason: tooLarge });
    for (const endpoint of audience) {
      if (!endpointWants(endpoint, event.type)) continue;
      const base = {
        endpointId: endpoint.id,
        eventId: event.id,
        workspaceId,
        eventType: event.type,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      };
      if (tooLarge) plan.rows.push({ ...base, status: "failed", reason: "too_large", lastError: tooLarge });
      else if (!endpoint.enabled) plan.rows.push({ ...base, status: "held", reason: "endpoint_disabled" });
      else if (mode === "inline") plan.inline.push({ event, endpoint });
      else {
        plan.rows.push({ ...base, status: "pending" });
        plan.wakeUps.push(wakeUp(workspaceId, event.id, endpoint.id));
      }
    }
  }
  return plan;
}

/**
 * Fans out events already stored and not yet marked (`pending`, as stored): delivery rows,
 * then wake-ups, then the mark in the log (`markFannedOut`: an RPC to the workspace's log,
 * or a local call when the log object sweeps its own).
 */
export async function fanOutStored(
  db: Db,
  queue: DeliveryProducer,
  markFannedOut: (ids: string[], now: number) => unknown,
  workspaceId: string,
  pending: EventRow[],
  now: number,
): Promise<number> {
  if (pending.length === 0) return 0;
  const audience = await listWorkspaceEndpoints(db, workspaceId);
  const plan = planFanOut(workspaceId, pending, audience, now);
  for (const refused of plan.refused) {
    console.warn(JSON.stringify({ msg: "event not delivered: over the size limit", eventId: refused.eventId, reason: refused.reason }));
  }
  await runAtomically(db, insertDeliveriesStatements(db, plan.rows));
  await enqueueWakeUps(
    queue,
    plan.wakeUps.map((body) => ({ body })),
  );
  await markFannedOut(
    pending.map((event) => event.id),
    now,
  );
  return plan.wakeUps.length;
}

/** Fans out the events among `eventIds` that the workspace's log holds and has not seen fanned out. */
export async function fanOut(
  db: Db,
  queue: DeliveryProducer,
  log: EventLogRpc,
  workspaceId: string,
  eventIds: string[],
  now: number,
): Promise<number> {
  if (eventIds.length === 0) return 0;
  const pending = await log.awaiting(eventIds);
  return fanOutStored(db, queue, (ids, at) => log.markFannedOut(ids, at), workspaceId, pending, now);
}

/** For operational events, already stored: a failed fan-out is logged, and the log's stall sweep fans them out later. */
export async function fanOutQuietly(
  db: Db,
  queue: DeliveryProducer,
  log: EventLogRpc,
  workspaceId: string,
  eventIds: string[],
  now: number,
): Promise<void> {
  if (eventIds.length === 0) return;
  try {
    await fanOut(db, queue, log, workspaceId, eventIds, now);
  } catch (error) {
    console.error(JSON.stringify({ msg: "operational event fan-out failed", eventIds, error: errorMessage(error) }));
  }
}
