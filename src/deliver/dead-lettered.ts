/**
 * A delivery whose processing threw on every queue retry (a gateway fault, not the
 * subscriber's) ends in the deliveries dead-letter queue. It is marked failed with reason
 * `gateway_error`, so it is listed with the endpoint's failed events and replayable, and
 * the stall sweep does not wake it again in a loop.
 */
import type { EventLogs } from "../actions/event-log.ts";
import { EventDeliverySchema } from "../consumers/messages.ts";
import type { Db } from "../storage/db.ts";
import { getEndpoint } from "../storage/endpoints.ts";
import { getDelivery, runAtomically, type Statement, stopPendingDeliveryStatement } from "../storage/event-deliveries.ts";
import { storedEventRow } from "../storage/events.ts";
import { deliveryExhausted, isOperationalEventType } from "./operational-events.ts";

const REASON = "processing failed on every retry of the deliveries queue";

/** Null when the body is not an event delivery (a reply job: the caller dead-letters it as before). */
export async function failDeadLetteredDelivery(
  db: Db,
  logs: EventLogs,
  body: unknown,
  now: number,
): Promise<{ workspaceId: string; operationalEventIds: string[] } | null> {
  const parsed = EventDeliverySchema.safeParse(body);
  if (!parsed.success) return null;
  const { workspaceId, endpointId, eventId } = parsed.data;
  const key = { endpointId, eventId };
  const [delivery, endpoint] = await Promise.all([getDelivery(db, key), getEndpoint(db, workspaceId, endpointId)]);
  if (delivery?.status !== "pending" || !endpoint) return { workspaceId, operationalEventIds: [] };
  const statements: Statement[] = [stopPendingDeliveryStatement(db, key, "failed", "gateway_error", REASON, now)];
  const ids: string[] = [];
  if (!isOperationalEventType(delivery.eventType)) {
    const event = await deliveryExhausted(
      {
        workspaceId,
        endpoint: { id: endpoint.id, url: endpoint.url },
        event: { id: eventId, type: delivery.eventType },
        reason: "gateway_error",
        attempts: delivery.attempts,
        lastAttempt:
          delivery.lastAttemptAt === null
            ? null
            : {
                at: new Date(delivery.lastAttemptAt).toISOString(),
                responseStatus: delivery.lastResponseStatus,
                error: delivery.lastError,
              },
      },
      delivery.replays,
      now,
    );
    // Stored before the delivery is marked failed: the event is never lost to a crash in between.
    await logs(workspaceId).append([storedEventRow(workspaceId, event, now)]);
    ids.push(event.id);
  }
  await runAtomically(db, statements);
  console.warn(JSON.stringify({ msg: "delivery failed in the gateway", endpointId, eventId }));
  return { workspaceId, operationalEventIds: ids };
}
