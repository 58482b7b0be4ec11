/**
 * Writes what a platform told us into D1: contact, conversation, message and the events
 * they produce, in one transactional batch. Every id is derived from the platform's ids,
 * so running this twice for the same platform message changes nothing the second time.
 */
import type { ContactChangeItem, InboundMessage, MessageStatusItem, OrderUpdate } from "../channels/types.ts";
import { buildEvent, type ChannelRef, isoTime } from "../events/build.ts";
import type { GatewayEvent } from "../events/schema.ts";
import { derivedId } from "../lib/ids.ts";
import type { Db } from "../storage/db.ts";
import { eventRow, insertEventIfNew } from "../storage/events.ts";
import {
  contactExists,
  findExisting,
  insertMessageIfNew,
  upsertContact,
  upsertContactStatus,
  upsertConversation,
} from "../storage/inbox.ts";

export interface MessageContext {
  workspaceId: string;
  channel: ChannelRef;
  /** Position in the conversation, from its Durable Object. */
  seq: number;
  now: number;
}

export interface RecordedMessage {
  messageId: string;
  contactId: string;
  conversationId: string;
  /** This message created the contact: its first message ever. */
  newContact: boolean;
  eventIds: string[];
}

export async function recordInboundMessage(db: Db, item: InboundMessage, ctx: MessageContext): Promise<RecordedMessage> {
  const { workspaceId, channel, now } = ctx;
  const [contactId, conversationId, messageId] = await Promise.all([
    derivedId("ct", channel.id, item.sender.platformUserId),
    derivedId("cv", channel.id, item.platformThreadId),
    derivedId("msg", channel.id, item.platformMessageId),
  ]);
  const contact = { id: contactId, platformUserId: item.sender.platformUserId, displayName: item.sender.displayName };
  const conversation = { id: conversationId, platformThreadId: item.platformThreadId };
  const existing = await findExisting(db, contactId, conversationId);

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

  await db.batch([
    upsertContact(db, {
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
    upsertConversation(db, {
      id: conversationId,
      workspaceId,
      channelId: channel.id,
      contactId,
      platformThreadId: item.platformThreadId,
      lastMessageAt: item.sentAt,
      lastInboundAt: item.sentAt,
      replyToken: item.replyToken?.token ?? null,
      replyTokenExpiresAt: item.replyToken?.expiresAt ?? null,
      createdAt: now,
      updatedAt: now,
    }),
    insertMessageIfNew(db, {
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
      seq: ctx.seq,
      createdAt: now,
    }),
    ...events.map((event) => insertEventIfNew(db, eventRow(workspaceId, event, now))),
  ]);
  return { messageId, contactId, conversationId, newContact: !existing.contact, eventIds: events.map((event) => event.id) };
}

export async function recordOrderUpdate(
  db: Db,
  item: OrderUpdate,
  ctx: { workspaceId: string; channel: ChannelRef; now: number },
): Promise<string[]> {
  const event = buildEvent("order.updated", await derivedId("evt", "order.updated", ctx.channel.id, item.platformEventId), ctx.now, {
    workspaceId: ctx.workspaceId,
    channel: ctx.channel,
    order: { orderId: item.orderId, status: item.status, platformStatus: item.platformStatus },
  });
  await insertEventIfNew(db, eventRow(ctx.workspaceId, event, ctx.now));
  return [event.id];
}

type Scope = { workspaceId: string; channel: ChannelRef; now: number };

/** A receipt becomes `message.status`; one event per (message, status), however often it is sent. */
export async function recordMessageStatus(db: Db, item: MessageStatusItem, ctx: Scope): Promise<string[]> {
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
  await insertEventIfNew(db, eventRow(workspaceId, event, now));
  return [event.id];
}

const CONTACT_STATUS = { followed: "active", unblocked: "active", unfollowed: "unfollowed", blocked: "blocked" } as const;

/** Follow, unfollow, block: the contact's status changes; a contact seen first this way is created. */
export async function recordContactChange(db: Db, item: ContactChangeItem, ctx: Scope): Promise<string[]> {
  const { workspaceId, channel, now } = ctx;
  const contactId = await derivedId("ct", channel.id, item.contact.platformUserId);
  const upsert = upsertContactStatus(db, {
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
    return [];
  }
  const event = buildEvent("contact.created", await derivedId("evt", "contact.created", contactId), now, {
    workspaceId,
    channel,
    contact: { id: contactId, ...item.contact },
  });
  await db.batch([upsert, insertEventIfNew(db, eventRow(workspaceId, event, now))]);
  return [event.id];
}
