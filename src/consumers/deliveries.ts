/**
 * DELIVERIES consumer: one signed POST per message, every attempt recorded, failures
 * retried on the schedule in deliver/policy.ts through queue delays.
 */
import { retryReply } from "../actions/reply.ts";
import { classifyResponse, nextDelaySeconds } from "../deliver/policy.ts";
import { postEvent } from "../deliver/send.ts";
import { signWebhook } from "../deliver/sign.ts";
import { errorMessage, PermanentError } from "../lib/errors.ts";
import { randomId } from "../lib/ids.ts";
import { summarizeIssues } from "../lib/zod-issues.ts";
import { secretBox } from "../secrets.ts";
import { insertAttempt } from "../storage/attempts.ts";
import { type Db, openDb } from "../storage/db.ts";
import { getEndpoint, updateEndpoint } from "../storage/endpoints.ts";
import { getEventRow } from "../storage/events.ts";
import { recordDeadLetter } from "./dead-letter-queues.ts";
import { DeliveryMessageSchema, type EventDelivery } from "./messages.ts";
import { isPermanent, retryDelayFor } from "./retry.ts";

export interface DeliveryIo {
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
}

const runtimeIo: DeliveryIo = { fetch: (input, init) => fetch(input, init), now: () => Date.now(), random: Math.random };

export async function consumeDeliveries(batch: MessageBatch<unknown>, env: Env, io: DeliveryIo = runtimeIo): Promise<void> {
  const db = openDb(env.DB);
  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const parsed = DeliveryMessageSchema.safeParse(message.body);
        if (!parsed.success) throw new PermanentError(`not a delivery queue message: ${summarizeIssues(parsed.error)}`);
        if (parsed.data.kind === "reply") {
          await retryReply(env, parsed.data, io);
          message.ack();
          return;
        }
        const delay = await deliverOnce(env, db, io, parsed.data, message.attempts);
        if (delay === null) message.ack();
        else message.retry({ delaySeconds: delay });
      } catch (error) {
        if (isPermanent(error)) {
          await recordDeadLetter(db, "deliveries", message, error.message, io.now());
          message.ack();
          return;
        }
        console.error(JSON.stringify({ msg: "delivery processing failed", queueMessageId: message.id, error: errorMessage(error) }));
        message.retry({ delaySeconds: retryDelayFor(error, message.attempts) });
      }
    }),
  );
}

/** Makes one attempt; returns the delay before the next one, or null when done. */
async function deliverOnce(env: Env, db: Db, io: DeliveryIo, job: EventDelivery, attempt: number): Promise<number | null> {
  const [event, endpoint] = await Promise.all([getEventRow(db, job.eventId), getEndpoint(db, job.workspaceId, job.endpointId)]);
  if (!event || !endpoint) {
    console.warn(JSON.stringify({ msg: "delivery dropped: endpoint or event deleted", eventId: job.eventId, endpointId: job.endpointId }));
    return null;
  }
  if (!endpoint.enabled) {
    console.warn(JSON.stringify({ msg: "delivery skipped: endpoint disabled", eventId: job.eventId, endpointId: job.endpointId }));
    return null;
  }
  const secret = await (await secretBox(env)).open(endpoint.secretSealed);
  const headers = await signWebhook([secret], event.id, Math.floor(io.now() / 1000), event.payload);
  const result = await postEvent(io, endpoint.url, headers, event.payload);
  const outcome = result.responseStatus === null ? { kind: "retry" as const } : classifyResponse(result.responseStatus, result.retryAfter);

  await insertAttempt(db, {
    id: randomId("att"),
    workspaceId: job.workspaceId,
    endpointId: endpoint.id,
    eventId: event.id,
    attempt,
    status: outcome.kind === "delivered" ? "succeeded" : "failed",
    responseStatus: result.responseStatus,
    durationMs: result.durationMs,
    error: result.error,
    createdAt: io.now(),
  });
  const log = { eventId: event.id, endpointId: endpoint.id, attempt, responseStatus: result.responseStatus };

  switch (outcome.kind) {
    case "delivered":
      return null;
    case "gone":
      await updateEndpoint(db, job.workspaceId, endpoint.id, { enabled: false, updatedAt: io.now() });
      console.warn(JSON.stringify({ msg: "endpoint answered 410 Gone: disabled", ...log }));
      return null;
    case "retry": {
      const delay = nextDelaySeconds(attempt, io.random, outcome.retryAfterSeconds);
      if (delay === null) console.warn(JSON.stringify({ msg: "delivery exhausted", ...log }));
      return delay;
    }
  }
}
