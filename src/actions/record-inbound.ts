/**
 * What a platform told us, as D1 rows (contact, conversation) and the events they produce,
 * and the message as its conversation's object stores it (which also writes its search text,
 * with the conversation's summary). Every id is derived from the platform's ids, so writing them twice for the same
 * platform message changes nothing the second time.
 */
import type { ContactChangeItem, InboundMessage, MessageStatusItem, OrderUpdate } from "../channels/types.ts";
import { buildEvent, type ChannelRef, isoTime } from "../events/build.ts";
import type { GatewayEvent } from "../events/schema.ts";
import { derivedId } from "../lib/ids.ts";
import type { ConversationSummary } from "../objects/conversation-state.ts";
import type { MessageRow } from "../objects/message-log.ts";
import type { Db } from "../storage/db.ts";
import type { Statement } from "../storage/event-deliveries.ts";
import { contactExists, upsertContactStatement, upsertContactStatusStatement } from "../storage/inbox.ts";
import type { EventSink } from "./event-sink.ts";
import type { ReplyConversation } from "./reply.ts";

export interface MessageContext {
  workspaceId: string;
  channel: ChannelRef;
  /** Position in the conversation, from its Durable Object. */
  seq: number;
  /** The message's ids (`inboundIds`), which the caller needed before recording. */
  ids: InboundIds;
  now: number;
  /** What the caller read before (storage/inbox.ts readForIngest): the contact as stored, whether the conversation exists. */
  existing: { contact: { displayName: string | null } | null; conversation: boolean };
  /** The routing decision, stored with the message (JSON). */
  routing: string | null;
}

export interface RecordedMessage {
  messageId: string;
  contactId: string;
  conversationId: string;
  /** This message created the contact: its first message ever. */
  newContact: boolean;
}

export type InboundIds = Awaited<ReturnType<typeof inboundIds>>;

/** The ids a message's rows and events take: derived from the platform's, so a re-run writes the same rows. */
export async function inboundIds(channelId: string, item: InboundMessage) {
  const [contactId, conversationId, messageId] = await Promise.all([
    derivedId("ct", channelId, item.sender.platformUserId),
    derivedId("cv", channelId, item.platformThreadId),
    derivedId("msg", channelId, item.platformMessageId),
  ]);
  return { contactId, conversationId, messageId };
}

/** The statements and events that record an inbound message; the caller writes them (with its own) through a sink. */
export async function inboundRecord(
  db: Db,
  item: InboundMessage,
  ctx: MessageContext,
): Promise<{
  recorded: RecordedMessage;
  /** The conversation as this message writes it (a reply to the message needs no read). */
  conversation: ReplyConversation;
  /** The conversation's D1 summary as this message leaves it: the object writes it, coalesced (not in `statements`). */
  summary: ConversationSummary;
  /** The message as its conversation's object stores it. */
  message: MessageRow;
  statements: Statement[];
  events: GatewayEvent[];
}> {
  const { workspaceId, channel, now, existing } = ctx;
  const { contactId, conversationId, messageId } = ctx.ids;
  const contact = { id: contactId, platformUserId: item.sender.platformUserId, displayName: item.sender.displayName };
  const conversation = { id: conversationId, platformThreadId: item.platformThreadId };

  const events: GatewayEvent[] = [];
  if (!existing.contact) {
    // Keyed by the contact: two conversations racing to create it make one event.
    events.push(
      buildEvent("contact.created", await derivedId("evt", "contact.created", contactId), now, { workspaceId, channel, contact }),
    );
  }
  if (!existing.conversation) {
    events.push(
      buildEvent("conversation.created", await derivedId("evt", "conversation.created", conversationId), now, {
        workspaceId,
        channel,
        contact,
        conversation,
      }),
    );
  }
  events.push(
    buildEvent("message.received", await derivedId("evt", "message.received", messageId), now, {
      workspaceId,
      channel,
      contact,
      conversation,
      message: {
        id: messageId,
        platformMessageId: item.platformMessageId,
        direction: "inbound",
        sentAt: isoTime(item.sentAt),
        text: item.text,
        attachments: item.attachments,
      },
    }),
  );

  // A known contact whose name has not changed is left alone: one row write less per message.
  const contactChanged =
    !existing.contact || (item.sender.displayName !== null && item.sender.displayName !== existing.contact.displayName);
  const statements: Statement[] = [];
  if (contactChanged)
    statements.push(
      upsertContactStatement(db, {
        id: contactId,
        workspaceId,
        channelId: channel.id,
        platformUserId: item.sender.platformUserId,
        displayName: item.sender.displayName,
        status: "active",
        tags: "[]",
        createdAt: now,
        updatedAt: now,
      }),
    );
  const conversationRow: ConversationSummary = {
    id: conversationId,
    workspaceId,
    channelId: channel.id,
    contactId,
    platformThreadId: item.platformThreadId,
    lastMessageAt: item.sentAt,
    lastInboundAt: item.sentAt,
    replyToken: item.replyToken?.token ?? null,
    replyTokenExpiresAt: item.replyToken?.expiresAt ?? null,
    adReferralAt: item.adReferral ? item.sentAt : null,
    adId: item.adReferral?.adId ?? null,
    createdAt: now,
    updatedAt: now,
  };
  const message: MessageRow = {
    id: messageId,
    workspaceId,
    channelId: channel.id,
    conversationId,
    contactId,
    platformMessageId: item.platformMessageId,
    direction: "inbound",
    text: item.text,
    attachments: JSON.stringify(item.attachments),
    sentAt: item.sentAt,
    status: "received",
    error: null,
    author: null,
    template: null,
    authorAgentId: null,
    authorName: null,
    routing: ctx.routing,
    seq: ctx.seq,
    // The object places a message the platform numbers among those it came before.
    platformIndex: item.platformIndex ?? null,
    listedAt: null,
    createdAt: now,
    sendClaimedUntil: null,
    sendAttempts: 0,
  };
  return {
    conversation: conversationRow,
    summary: conversationRow,
    recorded: { messageId, contactId, conversationId, newContact: !existing.contact },
    message,
    statements,
    events,
  };
}

export async function recordOrderUpdate(
  item: OrderUpdate,
  ctx: { workspaceId: string; channel: ChannelRef; now: number },
  sink: EventSink,
): Promise<void> {
  const event = buildEvent("order.updated", await derivedId("evt", "order.updated", ctx.channel.id, item.platformEventId), ctx.now, {
    workspaceId: ctx.workspaceId,
    channel: ctx.channel,
    order: { orderId: item.orderId, status: item.status, platformStatus: item.platformStatus },
  });
  await sink.write([], [event], ctx.now);
}

type Scope = { workspaceId: string; channel: ChannelRef; now: number };

/** A receipt becomes `message.status`; one event per (message, status), however often it is sent. */
export async function recordMessageStatus(item: MessageStatusItem, ctx: Scope, sink: EventSink): Promise<void> {
  const { workspaceId, channel, now } = ctx;
  const [contactId, conversationId, eventId] = await Promise.all([
    derivedId("ct", channel.id, item.contact.platformUserId),
    derivedId("cv", channel.id, item.platformThreadId),
    derivedId("evt", "message.status", channel.id, item.platformMessageId, item.status),
  ]);
  const event = buildEvent("message.status", eventId, now, {
    workspaceId,
    channel,
    contact: { id: contactId, ...item.contact },
    conversation: { id: conversationId, platformThreadId: item.platformThreadId },
    platformMessageId: item.platformMessageId,
    status: item.status,
    at: isoTime(item.at),
  });
  await sink.write([], [event], now);
}

const CONTACT_STATUS = { followed: "active", unblocked: "active", unfollowed: "unfollowed", blocked: "blocked" } as const;

/** Follow, unfollow, block: the contact's status changes; a contact seen first this way is created. */
export async function recordContactChange(db: Db, item: ContactChangeItem, ctx: Scope, sink: EventSink): Promise<void> {
  const { workspaceId, channel, now } = ctx;
  const contactId = await derivedId("ct", channel.id, item.contact.platformUserId);
  const upsert = upsertContactStatusStatement(db, {
    id: contactId,
    workspaceId,
    channelId: channel.id,
    platformUserId: item.contact.platformUserId,
    displayName: item.contact.displayName,
    status: CONTACT_STATUS[item.change],
    tags: "[]",
    createdAt: now,
    updatedAt: now,
  });
  if (await contactExists(db, contactId)) {
    await upsert;
    return;
  }
  const event = buildEvent("contact.created", await derivedId("evt", "contact.created", contactId), now, {
    workspaceId,
    channel,
    contact: { id: contactId, ...item.contact },
  });
  await sink.write([upsert], [event], now);
}
