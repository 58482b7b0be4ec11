/**
 * DELIVERIES consumer: decodes each message and applies what deliver/attempt.ts decides
 * (ack, or retry after a delay). Event deliveries are woken here; reply retries go to
 * actions/reply.ts. One bad message never fails the batch.
 */
import { eventLogs } from "../actions/event-log.ts";
import { type DeliveryProducer, fanOutQuietly } from "../actions/fan-out.ts";
import { retryReply } from "../actions/reply.ts";
import { type DeliveryDeps, type DeliveryIo, type QueueVerdict, wakeDelivery } from "../deliver/attempt.ts";
import { readConfig } from "../env.ts";
import { errorMessage, PermanentError } from "../lib/errors.ts";
import { summarizeIssues } from "../lib/zod-issues.ts";
import { createObjectLimiter } from "../objects/endpoint-limiter.ts";
import type { Settings } from "../settings.ts";
import { type Db, openDb } from "../storage/db.ts";
import { getSettings } from "../storage/settings.ts";
import { recordDeadLetter } from "./dead-letter-queues.ts";
import { DeliveryMessageSchema, type EventDelivery } from "./messages.ts";
import { isPermanent, retryDelayFor } from "./retry.ts";

export type { DeliveryIo } from "../deliver/attempt.ts";

/** What the consumer runs on; tests inject the clock, the subscriber and the queue. */
export interface ConsumerIo extends DeliveryIo {
  /** Where re-enqueued wake-ups and operational events go; the DELIVERIES queue by default. */
  queue?: DeliveryProducer;
}

const runtimeIo: ConsumerIo = { fetch: (input, init) => fetch(input, init), now: () => Date.now(), random: Math.random };

/**
 * Every `retry()` counts towards the queue's max_retries (12 in wrangler.toml), rate-limit
 * waits included; past it the message would go to the dead-letter queue. A message that
 * has been delivered this often is sent afresh instead, with a new count.
 */
const REENQUEUE_AFTER_DELIVERIES = 10;

/** What delivering needs, for one queue batch (workspace settings are read once per batch). */
export function deliveryDeps(env: Env, db: Db, io: DeliveryIo = runtimeIo): DeliveryDeps {
  const settingsCache = new Map<string, Promise<Settings>>();
  return {
    env,
    db,
    logs: eventLogs(env),
    io,
    limiter: createObjectLimiter(env),
    allowPrivate: readConfig(env).allowPrivateEndpoints,
    settings: (workspaceId: string) => {
      const cached = settingsCache.get(workspaceId) ?? getSettings(db, workspaceId);
      settingsCache.set(workspaceId, cached);
      return cached;
    },
  };
}

export async function consumeDeliveries(batch: MessageBatch<unknown>, env: Env, io: ConsumerIo = runtimeIo): Promise<void> {
  const db = openDb(env.DB);
  const producer = io.queue ?? env.DELIVERIES_QUEUE;
  const deps = deliveryDeps(env, db, io);
  const ordinals = endpointOrdinals(batch.messages);

  await Promise.all(
    batch.messages.map(async (message, index) => {
      try {
        const parsed = DeliveryMessageSchema.safeParse(message.body);
        if (!parsed.success) throw new PermanentError(`not a delivery queue message: ${summarizeIssues(parsed.error)}`);
        if (parsed.data.kind === "reply") {
          await retryReply(env, parsed.data, io);
          message.ack();
          return;
        }
        const job = parsed.data;
        const outcome = await wakeDelivery(deps, job, ordinals[index] ?? 0);
        await apply(message, job, outcome.verdict, producer);
        await fanOutQuietly(db, producer, deps.logs(job.workspaceId), job.workspaceId, outcome.operationalEventIds, io.now());
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

async function apply(message: Message<unknown>, job: EventDelivery, verdict: QueueVerdict, producer: DeliveryProducer): Promise<void> {
  if (verdict.kind === "ack") return message.ack();
  if (message.attempts < REENQUEUE_AFTER_DELIVERIES) return message.retry({ delaySeconds: verdict.delaySeconds });
  try {
    await producer.sendBatch([{ body: job, contentType: "json", delaySeconds: verdict.delaySeconds }]);
    message.ack();
  } catch {
    message.retry({ delaySeconds: verdict.delaySeconds });
  }
}

/** Each message's place among the batch's messages for the same endpoint (see deliver/limiter.ts). */
function endpointOrdinals(messages: readonly Message<unknown>[]): number[] {
  const seen = new Map<string, number>();
  return messages.map((message) => {
    const body = message.body as { endpointId?: unknown } | null;
    const endpointId = typeof body?.endpointId === "string" ? body.endpointId : "";
    const ordinal = seen.get(endpointId) ?? 0;
    seen.set(endpointId, ordinal + 1);
    return ordinal;
  });
}
