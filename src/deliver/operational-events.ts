/**
 * Operational events: what the delivery machinery itself reports to a workspace (a
 * delivery exhausted, a replay, an endpoint disabled). Their shapes are in
 * src/events/schema.ts; endpoints receive them only when they list their type explicitly.
 */
import { OPERATIONAL_EVENT_TYPES, type OperationalEvent, type OperationalEventType } from "../events/schema.ts";
import { derivedId, randomId } from "../lib/ids.ts";

export { OPERATIONAL_EVENT_TYPES, type OperationalEvent, type OperationalEventType };

export function isOperationalEventType(type: string): type is OperationalEventType {
  return (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(type);
}

type DataOf<T extends OperationalEventType> = Extract<OperationalEvent, { type: T }>["data"];

function build<T extends OperationalEventType>(type: T, id: string, at: number, data: DataOf<T>): Extract<OperationalEvent, { type: T }> {
  return { id, type, timestamp: new Date(at).toISOString(), data } as Extract<OperationalEvent, { type: T }>;
}

/** One per delivery run: a replayed delivery that is exhausted again reports again (`run` differs). */
export async function deliveryExhausted(data: DataOf<"delivery.exhausted">, run: number, at: number) {
  return build("delivery.exhausted", await derivedId("evt", "delivery.exhausted", data.endpoint.id, data.event.id, String(run)), at, data);
}

export function deliveryReplayed(data: DataOf<"delivery.replayed">, at: number) {
  return build("delivery.replayed", randomId("evt"), at, data);
}

/** `episode` names the failure that disabled it, so two consumers deciding at once make one event. */
export async function endpointDisabled(data: DataOf<"endpoint.disabled">, episode: string, at: number) {
  return build("endpoint.disabled", await derivedId("evt", "endpoint.disabled", data.endpoint.id, data.reason, episode), at, data);
}
