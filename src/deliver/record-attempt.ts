/**
 * The record of one attempt: its row in the endpoint's history (the endpoint's object keeps
 * it); in one D1 batch so it is all or nothing, the delivery's new state and the endpoint's
 * health (failing since, disabled); and the operational events they imply
 * (`delivery.exhausted`, `endpoint.disabled`), for the workspace's event log, stored first.
 */
import { randomId } from "../lib/ids.ts";
import type { Db } from "../storage/db.ts";
import { type EndpointRow, markEndpointFailingStatement, markEndpointHealthyStatement } from "../storage/endpoints.ts";
import {
  type DeliveryKey,
  type DeliveryRow,
  insertSettledDeliveryStatement,
  type Statement,
  settleAttemptStatement,
} from "../storage/event-deliveries.ts";
import { type EventRow, storedEventRow } from "../storage/events.ts";
import type { AttemptRow } from "./attempt-row.ts";
import { deliveryExhausted, endpointDisabled, isOperationalEventType } from "./operational-events.ts";
import { disablement, type NextStep } from "./policy.ts";
import type { PostResult } from "./send.ts";

export interface AttemptRecord {
  workspaceId: string;
  key: DeliveryKey;
  /**
   * The claim the attempt was made under; the delivery is updated only if it still holds it.
   * Null: the delivery has no row yet (an inline attempt), written only if it is not a success.
   */
  token: string | null;
  event: { id: string; type: string };
  /** As read before the attempt. */
  endpoint: EndpointRow;
  delivery: DeliveryRow;
  result: PostResult;
  step: NextStep;
  attemptNumber: number;
  finished: number;
  disableAfterFailingSeconds: number;
}

/**
 * The record of an attempt: the row for the endpoint's history (kept by its object) and the
 * D1 statements of everything the attempt implies, which the caller writes in one batch.
 */
export async function attemptStatements(
  db: Db,
  record: AttemptRecord,
): Promise<{ attempt: AttemptRow; statements: Statement[]; eventRows: EventRow[]; eventIds: string[] }> {
  const { key, token, endpoint, event, delivery, result, step, attemptNumber, finished, workspaceId } = record;
  const attempt: AttemptRow = {
    id: randomId("att"),
    workspaceId,
    endpointId: endpoint.id,
    eventId: event.id,
    attempt: attemptNumber,
    status: step.kind === "succeeded" ? "succeeded" : "failed",
    responseStatus: result.responseStatus,
    durationMs: result.durationMs,
    error: result.error,
    responseBody: result.responseBody,
    createdAt: finished,
  };
  const settlement = {
    status: step.kind === "succeeded" ? ("succeeded" as const) : step.kind === "retry" ? ("pending" as const) : ("failed" as const),
    reason: step.kind === "exhausted" ? ("exhausted" as const) : step.kind === "gone" ? ("gone" as const) : null,
    attempts: attemptNumber,
    nextAttemptAt: step.kind === "retry" ? finished + step.delaySeconds * 1000 : delivery.nextAttemptAt,
    lastAttemptAt: finished,
    lastResponseStatus: result.responseStatus,
    lastError: result.error,
    updatedAt: finished,
  };
  const statements: Statement[] = [];
  // No row yet (an inline attempt): a success needs none, the endpoint's history has it.
  if (token !== null) statements.push(settleAttemptStatement(db, key, token, settlement));
  else if (step.kind !== "succeeded")
    statements.push(
      insertSettledDeliveryStatement(db, {
        ...key,
        workspaceId,
        eventType: event.type,
        ...settlement,
        replays: delivery.replays,
        createdAt: delivery.createdAt,
      }),
    );
  const events: { id: string; type: string }[] = [];
  const endpointRef = { id: endpoint.id, url: endpoint.url };

  const disable = disablement(step, endpoint.failingSince, finished, record.disableAfterFailingSeconds);
  // A success clears a failing endpoint; a healthy one (as read before the attempt) is left alone.
  if (step.kind !== "succeeded") statements.push(markEndpointFailingStatement(db, endpoint.id, finished, disable));
  else if (endpoint.failingSince !== null) statements.push(markEndpointHealthyStatement(db, endpoint.id));
  if (disable) {
    const data = {
      workspaceId,
      endpoint: endpointRef,
      reason: disable.reason,
      failingSince: endpoint.failingSince === null ? null : new Date(endpoint.failingSince).toISOString(),
      disabledAt: new Date(finished).toISOString(),
    };
    // Named after the failure episode as read, so two consumers disabling at once make one event.
    events.push(await endpointDisabled(data, String(endpoint.failingSince ?? endpoint.updatedAt), finished));
    console.warn(JSON.stringify({ msg: "endpoint disabled", endpointId: endpoint.id, reason: disable.reason }));
  }
  // An operational event's own exhaustion reports nothing, or a failing subscriber would feed a loop.
  if (step.kind === "exhausted" && !isOperationalEventType(event.type)) {
    const data = {
      workspaceId,
      endpoint: endpointRef,
      event: { id: event.id, type: event.type },
      reason: "exhausted" as const,
      attempts: attemptNumber,
      lastAttempt: { at: new Date(finished).toISOString(), responseStatus: result.responseStatus, error: result.error },
    };
    events.push(await deliveryExhausted(data, delivery.replays, finished));
    console.warn(JSON.stringify({ msg: "delivery exhausted", ...key, attempt: attemptNumber }));
  }
  const eventRows = events.map((operational) => storedEventRow(workspaceId, operational, finished));
  return { attempt, statements, eventRows, eventIds: events.map((e) => e.id) };
}
