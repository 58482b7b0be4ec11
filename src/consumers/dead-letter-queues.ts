/**
 * Dead letters: a queue message that cannot be processed is recorded where
 * `GET /v1/dead-letters` shows it and `POST /v1/dead-letters/:id/retry` sends it back.
 * Also the consumer of the two dead-letter queues, which receive messages whose
 * processing threw on every retry.
 */
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

export async function consumeDeadLetterQueue(batch: MessageBatch<unknown>, env: Env, queue: DeadLetterQueue): Promise<void> {
  const db = openDb(env.DB);
  for (const message of batch.messages) {
    await recordDeadLetter(db, queue, message, `processing failed on every retry of the ${queue} queue`, Date.now());
    message.ack();
  }
}
