/**
 * Fan-out: one DELIVERIES message per (event, subscribed endpoint), so each endpoint
 * retries on its own schedule. An event is marked fanned out only after its messages are
 * enqueued; a crash in between re-enqueues them (the subscriber may see the same
 * `webhook-id` twice, never a new one), so nothing is lost.
 */
import type { EventDelivery } from "../consumers/messages.ts";
import type { Db } from "../storage/db.ts";
import { type EndpointRow, listEnabledEndpoints } from "../storage/endpoints.ts";
import { eventsAwaitingFanOut, markFannedOut } from "../storage/events.ts";

/** The part of a Cloudflare Queue producer fan-out needs. */
export interface DeliveryProducer {
  sendBatch(messages: Iterable<MessageSendRequest<EventDelivery>>): Promise<unknown>;
}

const SEND_BATCH_LIMIT = 100;

export function endpointWants(endpoint: Pick<EndpointRow, "eventTypes">, type: string): boolean {
  const types = JSON.parse(endpoint.eventTypes) as string[];
  return types.length === 0 || types.includes(type);
}

export async function fanOut(db: Db, queue: DeliveryProducer, workspaceId: string, eventIds: string[], now: number): Promise<number> {
  const [pending, audience] = await Promise.all([eventsAwaitingFanOut(db, eventIds), listEnabledEndpoints(db, workspaceId)]);
  if (pending.length === 0) return 0;
  const messages: MessageSendRequest<EventDelivery>[] = [];
  for (const event of pending) {
    for (const endpoint of audience) {
      if (endpointWants(endpoint, event.type)) {
        messages.push({ body: { v: 1, kind: "event", workspaceId, eventId: event.id, endpointId: endpoint.id }, contentType: "json" });
      }
    }
  }
  for (let i = 0; i < messages.length; i += SEND_BATCH_LIMIT) {
    await queue.sendBatch(messages.slice(i, i + SEND_BATCH_LIMIT));
  }
  await markFannedOut(
    db,
    pending.map((event) => event.id),
    now,
  );
  return messages.length;
}
