/**
 * Dead letters: a queue message that cannot be processed is recorded where
 * `GET /v1/dead-letters` shows it and `POST /v1/dead-letters/:id/retry` sends it back.
 * Also the consumer of the two dead-letter queues, which receive messages whose
 * processing threw on every retry (an event delivery among them becomes a failed delivery).
 *
 * A dead-letter queue's message was already given up on by its first queue: this consumer
 * is its last chance to be recorded. So a message is acked only once it is recorded; one
 * that fails is retried on its own with a growing delay (up to 100 times, about two days,
 * wrangler.toml), and then lands in the dead-letter queue's own parked queue, which has no
 * consumer and keeps it for an operator (README, Deploying).
 */
import { eventLogs } from "../actions/event-log.ts";
import { fanOutQuietly } from "../actions/fan-out.ts";
import { failDeadLetteredDelivery } from "../deliver/dead-lettered.ts";
import { errorMessage } from "../lib/errors.ts";
import { derivedId } from "../lib/ids.ts";
import { type Db, openDb } from "../storage/db.ts";
import { insertDeadLetter } from "../storage/dead-letters.ts";

export type DeadLetterQueue = "inbound" | "deliveries";

export async function recordDeadLetter(
  db: Db,
  queue: DeadLetterQueue,
  message: Message<unknown>,
  reason: string,
  now: number,
): Promise<void> {
  const body = message.body as { workspaceId?: unknown; channelId?: unknown } | null;
  await insertDeadLetter(db, {
    // Derived from the queue message: recording the same message twice keeps one row.
    id: await derivedId("dl", queue, message.id),
    workspaceId: typeof body?.workspaceId === "string" ? body.workspaceId : null,
    channelId: typeof body?.channelId === "string" ? body.channelId : null,
    queue,
    reason,
    body: JSON.stringify(message.body),
    createdAt: now,
    retriedAt: null,
  });
  console.warn(JSON.stringify({ msg: "dead-lettered", queue, queueMessageId: message.id, reason }));
}

/** Seconds before recording a dead letter is tried again: 1, 2, 4… minutes, at most 30. */
export function deadLetterRetryDelay(attempts: number): number {
  return Math.min(60 * 2 ** Math.max(attempts - 1, 0), 1800);
}

export async function consumeDeadLetterQueue(batch: MessageBatch<unknown>, env: Env, queue: DeadLetterQueue): Promise<void> {
  const db = openDb(env.DB);
  for (const message of batch.messages) {
    try {
      const now = Date.now();
      // An event delivery is kept as a failed delivery of its endpoint (listed, replayable) instead.
      const failed = queue === "deliveries" ? await failDeadLetteredDelivery(db, eventLogs(env), message.body, now) : null;
      if (failed)
        await fanOutQuietly(
          db,
          env.DELIVERIES_QUEUE,
          eventLogs(env)(failed.workspaceId),
          failed.workspaceId,
          failed.operationalEventIds,
          now,
        );
      else await recordDeadLetter(db, queue, message, `processing failed on every retry of the ${queue} queue`, now);
      message.ack();
    } catch (error) {
      // Never acked unrecorded: the queue delivers it again, and after the last retry parks it.
      console.error(
        JSON.stringify({
          msg: "recording a dead letter failed",
          queue,
          queueMessageId: message.id,
          attempt: message.attempts,
          error: errorMessage(error),
        }),
      );
      message.retry({ delaySeconds: deadLetterRetryDelay(message.attempts) });
    }
  }
}
