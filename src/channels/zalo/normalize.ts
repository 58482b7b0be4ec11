/**
 * Zalo OA event → inbound items. `user_send_*` and `anonymous_send_*` become messages,
 * `user_received_message` / `user_seen_message` become delivered / read statuses, `follow` /
 * `unfollow` become contact changes; the OA's own events (`oa_*`, echoes) and the rest are ignored.
 */
import type { Attachment } from "../../events/schema.ts";
import { tryParseJson } from "../../lib/json.ts";
import { summarizeIssues } from "../../lib/zod-issues.ts";
import type { InboundItem, MessageStatusItem, NormalizeResult } from "../types.ts";
import {
  EnvelopeSchema,
  FollowEventSchema,
  ReceiptEventSchema,
  type UserMessageEvent,
  UserMessageEventSchema,
  type ZaloAttachment,
} from "./payload.ts";

/** Every customer message kind, present and future: `user_send_text`, `anonymous_send_image`… */
const CUSTOMER_MESSAGE_EVENT = /^(user|anonymous)_send_[a-z_]+$/;

export function normalizeZalo(body: string): NormalizeResult {
  const parsed = tryParseJson(body);
  if (!parsed.ok) return { ok: false, reason: "body is not JSON" };
  const envelope = EnvelopeSchema.safeParse(parsed.value);
  if (!envelope.success) return { ok: false, reason: `not a Zalo OA event: ${summarizeIssues(envelope.error)}` };
  const { event_name: eventName, timestamp: at } = envelope.data;

  if (CUSTOMER_MESSAGE_EVENT.test(eventName)) return normalizeMessage(eventName, parsed.value, at);
  switch (eventName) {
    case "user_received_message":
      return normalizeReceipt(eventName, parsed.value, "delivered", at);
    case "user_seen_message":
      return normalizeReceipt(eventName, parsed.value, "read", at);
    case "follow":
    case "unfollow":
      return normalizeFollow(eventName, parsed.value, at);
  }
  // `oa_send_*` echo what the OA sent (through the API or the OA admin inbox): replying to
  // them would loop an auto-responder.
  if (eventName.startsWith("oa_")) return ignore(`${eventName} is the OA's own action (echo), not the customer's`);
  return ignore(`${eventName} carries no customer message, receipt or follow`);
}

function normalizeMessage(eventName: string, value: unknown, sentAt: number): NormalizeResult {
  const event = UserMessageEventSchema.safeParse(value);
  if (!event.success) return { ok: false, reason: `${eventName}: ${summarizeIssues(event.error)}` };
  const { sender, message } = event.data;
  // A follower's conversation is the user (replies go to `sender.id`). An anonymous user (not
  // following the OA) is answered by `anonymous_id` + `conversation_id`, so the thread is
  // Zalo's conversation id: a thread id unlike the user id is what tells send.ts to use it.
  const anonymousConversation = eventName.startsWith("anonymous_") ? message.conversation_id : undefined;
  return single({
    kind: "message",
    platformThreadId: anonymousConversation ?? sender.id,
    sender: { platformUserId: sender.id, displayName: null },
    // `msg_id` is unique per OA, not per chat, so it needs no qualifying.
    platformMessageId: message.msg_id,
    sentAt,
    // A media message's caption, a link's text, a location's address, a business card's name.
    text: message.text || null,
    attachments: readAttachments(event.data),
  });
}

function readAttachments({ message }: UserMessageEvent): Attachment[] {
  const attachments = (message.attachments ?? []).map(toAttachment);
  if (attachments.length === 0 && message.location) {
    attachments.push({ kind: "location", url: geoUri(message.location), mimeType: null, platformMediaId: null });
  }
  return attachments;
}

function toAttachment({ type, payload = {} }: ZaloAttachment): Attachment {
  const url = payload.url ?? payload.thumbnail ?? null;
  const media = (kind: Attachment["kind"], mimeType: string | null = null): Attachment => ({ kind, url, mimeType, platformMediaId: null });
  switch (type) {
    case "image":
      return media("image");
    case "gif":
      return media("image", "image/gif");
    case "sticker":
      return { kind: "sticker", url, mimeType: null, platformMediaId: payload.id ?? null };
    case "audio":
    case "voice":
      return media("audio");
    case "video":
      return media("video");
    case "file":
      return media("file");
    case "location":
      return { kind: "location", url: payload.coordinates ? geoUri(payload.coordinates) : null, mimeType: null, platformMediaId: null };
    default:
      // Links and business cards: kept with their URL (or thumbnail), as `other`.
      return media("other");
  }
}

/** A location as an RFC 5870 `geo:` URI, so the coordinates survive in `url`. */
function geoUri(coordinates: { latitude: string; longitude: string }): string {
  return `geo:${coordinates.latitude},${coordinates.longitude}`;
}

function normalizeReceipt(eventName: string, value: unknown, status: MessageStatusItem["status"], at: number): NormalizeResult {
  const event = ReceiptEventSchema.safeParse(value);
  if (!event.success) return { ok: false, reason: `${eventName}: ${summarizeIssues(event.error)}` };
  const { recipient, message } = event.data;
  const messageIds = [...new Set([...(message.msg_id === undefined ? [] : [message.msg_id]), ...(message.msg_ids ?? [])])];
  if (messageIds.length === 0) return { ok: false, reason: `${eventName} names no message (msg_id or msg_ids)` };
  // Receipts travel OA → user: the customer is the recipient.
  const items: InboundItem[] = messageIds.map((platformMessageId) => ({
    kind: "status",
    platformThreadId: recipient.id,
    contact: { platformUserId: recipient.id, displayName: null },
    platformMessageId,
    status,
    at,
  }));
  return { ok: true, items, ignored: [] };
}

function normalizeFollow(eventName: "follow" | "unfollow", value: unknown, at: number): NormalizeResult {
  const event = FollowEventSchema.safeParse(value);
  if (!event.success) return { ok: false, reason: `${eventName}: ${summarizeIssues(event.error)}` };
  const userId = event.data.follower.id;
  return single({
    kind: "contact",
    // Zalo gives follows no id of their own: name, user and signed time identify a redelivery.
    platformEventId: `${eventName}:${userId}:${at}`,
    platformThreadId: userId,
    contact: { platformUserId: userId, displayName: null },
    change: eventName === "follow" ? "followed" : "unfollowed",
    at,
  });
}

function single(item: InboundItem): NormalizeResult {
  return { ok: true, items: [item], ignored: [] };
}

function ignore(reason: string): NormalizeResult {
  return { ok: true, items: [], ignored: [reason] };
}
