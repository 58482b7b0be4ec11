/**
 * The caller's side of a workspace's event log (objects/event-log-object.ts): one object per
 * workspace, named by its id. Declared here, not next to the class, so the pipeline reaches
 * the log without importing the object (which fans out through this folder: no cycle).
 */
import type { ClockChange, ClockRecord } from "../objects/clock-log.ts";
import type { SlaByChannel } from "../route/sla-metrics.ts";
import type { EventRow, TrafficCountRow } from "../storage/events.ts";
import type { Listed, Page } from "../storage/pagination.ts";

/** What the event log object answers; every call is one round trip. */
export interface EventLogRpc {
  /**
   * Stores the rows (first-stored bytes win) and returns those still awaiting their fan-out,
   * as stored; applies `clocks` (the SLA clocks' facts the same write implies) in the same call.
   */
  append(rows: EventRow[], clocks?: ClockChange[]): Promise<EventRow[]>;
  /** SLA clocks' facts with no event to ride on (an agent's reply settled, a ticket resolved or opened). */
  recordClocks(changes: ClockChange[]): Promise<void>;
  /** The workspace's clocks among `ids`. */
  clocks(ids: string[]): Promise<ClockRecord[]>;
  /** GET /v1/metrics/sla's figures over the clocks started in [from, to), computed beside them. */
  slaMetrics(from: number, to: number): Promise<SlaByChannel>;
  awaiting(ids: string[]): Promise<EventRow[]>;
  markFannedOut(ids: string[], now: number): Promise<void>;
  read(ids: string[]): Promise<EventRow[]>;
  list(page: Page, type?: string): Promise<Listed<EventRow>>;
  countTraffic(from: number, to: number, bucketMs: number): Promise<TrafficCountRow[]>;
}

/** A workspace's log, by workspace id. */
export type EventLogs = (workspaceId: string) => EventLogRpc;

export function eventLogs(env: Pick<Env, "EVENT_LOG">): EventLogs {
  return (workspaceId) => env.EVENT_LOG.getByName(workspaceId) as unknown as EventLogRpc;
}
