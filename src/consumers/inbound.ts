/**
 * INBOUND consumer: raw verified delivery → adapter.normalize → one item at a time to the
 * conversation's Durable Object (messages) or straight to storage (order updates). Each
 * queue message is acked or retried on its own; a body the adapter cannot read becomes a
 * dead letter, never an endless retry. The deliveries the objects hand back are
 * attempted as the objects return them, in shared rounds (deliver/inline.ts).
 */
import { acknowledgeInteraction } from "../actions/acknowledge.ts";
import { recordAdReferral } from "../actions/ad-referral.ts";
import { eventLogs } from "../actions/event-log.ts";
import { queuedSink } from "../actions/event-sink.ts";
import { recordContactChange, recordMessageStatus, recordOrderUpdate } from "../actions/record-inbound.ts";
import { getAdapter } from "../channels/registry.ts";
import type { InboundItem } from "../channels/types.ts";
import { InlineDeliveries } from "../deliver/inline.ts";
import type { ChannelRef } from "../events/build.ts";
import { errorMessage, PermanentError } from "../lib/errors.ts";
import { summarizeIssues } from "../lib/zod-issues.ts";
import { channelHealthStub } from "../objects/channel-health.ts";
import { conversationStub } from "../objects/conversation.ts";
import { conversationObjectName } from "../objects/conversation-name.ts";
import type { Db } from "../storage/db.ts";
import { openDb } from "../storage/db.ts";
import { getBlob } from "../storage/dead-letters.ts";
import { recordDeadLetter } from "./dead-letter-queues.ts";
import { deliveryDeps } from "./deliveries.ts";
import { InboundMessageSchema, type InboundQueueMessage } from "./messages.ts";
import { isPermanent, retryDelayFor } from "./retry.ts";

export async function consumeInbound(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = openDb(env.DB);
  const deliveries = new InlineDeliveries(deliveryDeps(env, db), env.DELIVERIES_QUEUE);
  // Items of one conversation run one after another, in queue order; conversations in parallel.
  const chains = new Map<string, Promise<unknown>>();
  const inConversationOrder = (key: string, work: () => Promise<unknown>): Promise<unknown> => {
    const run = (chains.get(key) ?? Promise.resolve()).catch(() => undefined).then(work);
    chains.set(key, run);
    return run;
  };

  await Promise.all(
    batch.messages.map(async (message) => {
      try {
        const delivery = InboundMessageSchema.safeParse(message.body);
        if (!delivery.success) throw new PermanentError(`not an inbound queue message: ${summarizeIssues(delivery.error)}`);
        const items = await readItems(db, delivery.data);
        const channel: ChannelRef = { id: delivery.data.channelId, platform: delivery.data.platform };
        await Promise.all(
          items.map((item) =>
            item.kind === "message"
              ? inConversationOrder(conversationObjectName(channel.id, item.platformThreadId), async () => {
                  const conversation = conversationStub(env, channel.id, item.platformThreadId);
                  const input = { workspaceId: delivery.data.workspaceId, channel, item };
                  // Recorded first, so message.received leaves while a reply's look-ups are still running.
                  const recorded = await conversation.ingestMessage(input);
                  const interactionId = recorded.duplicate ? undefined : item.acknowledge;
                  const answered = interactionId
                    ? acknowledgeInteraction(env, db, { workspaceId: input.workspaceId, channel, interactionId }, Date.now())
                    : undefined;
                  deliveries.add(recorded.due);
                  if (!recorded.duplicate && recorded.act) deliveries.add((await conversation.actOnMessage(input)).due);
                  await answered;
                })
              : recordAndFanOut(env, db, delivery.data.workspaceId, channel, item),
          ),
        );
        message.ack();
      } catch (error) {
        if (isPermanent(error)) {
          await recordDeadLetter(db, "inbound", message, error.message, Date.now());
          message.ack();
          return;
        }
        console.error(
          JSON.stringify({
            msg: "inbound processing failed",
            queueMessageId: message.id,
            attempt: message.attempts,
            error: errorMessage(error),
          }),
        );
        message.retry({ delaySeconds: retryDelayFor(error, message.attempts) });
      }
    }),
  );
  await deliveries.settled();
}

async function readItems(db: Db, delivery: InboundQueueMessage): Promise<InboundItem[]> {
  const adapter = getAdapter(delivery.platform);
  if (!adapter) throw new PermanentError(`no adapter for platform ${delivery.platform}`);
  const body = delivery.body ?? (delivery.blobId ? await getBlob(db, delivery.blobId) : undefined);
  if (body === undefined) throw new PermanentError("the delivery's body is missing");
  const result = adapter.normalize(body);
  if (!result.ok) throw new PermanentError(result.reason);
  for (const reason of result.ignored) {
    console.log(JSON.stringify({ msg: "ignored", channelId: delivery.channelId, platform: delivery.platform, reason }));
  }
  return result.items;
}

/** Items outside a conversation's order: stored idempotently, then announced. */
async function recordAndFanOut(
  env: Env,
  db: Db,
  workspaceId: string,
  channel: ChannelRef,
  item: Exclude<InboundItem, { kind: "message" }>,
): Promise<void> {
  if (item.kind === "authorization") {
    // Serialized with the channel's token refreshes; the object announces the change itself.
    await channelHealthStub(env, channel.id).authorizationNotice(channel.id, item);
    return;
  }
  const now = Date.now();
  const scope = { workspaceId, channel, now };
  const sink = queuedSink(db, env.DELIVERIES_QUEUE, eventLogs(env)(workspaceId), workspaceId);
  switch (item.kind) {
    case "order":
      return recordOrderUpdate(item, scope, sink);
    case "status":
      return recordMessageStatus(item, scope, sink);
    case "contact":
      return recordContactChange(db, item, scope, sink);
    case "referral":
      return recordAdReferral(env, db, item, channel);
    case "entered_from":
      // Context for the thread's next messages, kept by its object; it announces nothing.
      await conversationStub(env, channel.id, item.platformThreadId).onEnteredFrom({
        source: item.source,
        refId: item.refId,
        at: item.at,
      });
      return;
  }
}
