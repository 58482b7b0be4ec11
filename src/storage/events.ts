/**
 * A stored event: the exact body subscribers receive, as its workspace's event log keeps it
 * (objects/event-log.ts, in the workspace's EventLogObject; D1 keeps no events). Runtime-free,
 * so pure code (the fan-out plan) and the object share the shape.
 */

export interface EventRow {
  id: string;
  workspaceId: string;
  type: string;
  /** The exact JSON body every endpoint receives. */
  payload: string;
  createdAt: number;
  /** Set once every delivery the event needs is recorded or enqueued; null until then (its log's stall sweep's). */
  fannedOutAt: number | null;
}

/** The row of any event envelope, business or operational (deliver/operational-events.ts). */
export function storedEventRow(workspaceId: string, event: { id: string; type: string }, now: number): EventRow {
  return { id: event.id, workspaceId, type: event.type, payload: JSON.stringify(event), createdAt: now, fannedOutAt: null };
}

/** One row of the traffic count: a bucket, an event type and, for `message.sent`, its author's type. */
export interface TrafficCountRow {
  bucket: number;
  type: string;
  author: string | null;
  n: number;
}
