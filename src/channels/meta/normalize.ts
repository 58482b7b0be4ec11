/**
 * Messenger Platform webhook → inbound items, for Messenger and Instagram alike: one item per
 * `entry[].messaging[]` event. Customer messages, postbacks and reactions become messages;
 * delivery and read receipts become statuses; echoes of the business's own messages, handover
 * (`standby`) events and every other event kind are ignored with a reason.
 * @see https://developers.facebook.com/docs/messenger-platform/webhooks
 */

import type { Attachment } from "../../events/schema.ts";
import { tryParseJson } from "../../lib/json.ts";
import { summarizeIssues } from "../../lib/zod-issues.ts";
import type { InboundItem, InboundMessage, MessageStatusItem, NormalizeResult } from "../types.ts";
import { toAttachment } from "./attachments.ts";
import {
  DeliveryEventSchema,
  EventBaseSchema,
  MessageEventSchema,
  PostbackEventSchema,
  ReactionEventSchema,
  ReadEventSchema,
  type Referral,
  ReferralEventSchema,
  WebhookBodySchema,
  type WebhookEntry,
} from "./payload.ts";
import type { MetaProduct } from "./product.ts";

type Outcome = { items: InboundItem[]; ignored: string[] } | { error: string };

/** Never throws: an unreadable body, or one from the other product, is `{ok: false}` (a dead letter). */
export function normalizeMetaWebhook(body: string, product: MetaProduct): NormalizeResult {
  const json = tryParseJson(body);
  if (!json.ok) return { ok: false, reason: "body is not JSON" };
  const webhook = WebhookBodySchema.safeParse(json.value);
  if (!webhook.success) return { ok: false, reason: `not a ${product.name} webhook: ${summarizeIssues(webhook.error)}` };
  if (webhook.data.object !== product.object) {
    return { ok: false, reason: `object "${webhook.data.object}" is not ${product.name}'s "${product.object}"` };
  }

  const items: InboundItem[] = [];
  const ignored: string[] = [];
  for (const [e, entry] of webhook.data.entry.entries()) {
    for (const [m, event] of (entry.messaging ?? []).entries()) {
      const outcome = normalizeEvent(event, entry);
      // One unreadable event dead-letters the whole delivery, so nothing is lost silently.
      if ("error" in outcome) return { ok: false, reason: `entry[${e}].messaging[${m}]: ${outcome.error}` };
      items.push(...outcome.items);
      ignored.push(...outcome.ignored);
    }
    if (entry.standby?.length) {
      ignored.push(`${entry.standby.length} standby event(s) for ${entry.id}: another app owns the conversation (handover protocol)`);
    }
    if (entry.changes?.length) ignored.push(`entry ${entry.id} carries changes (feed, comments), not messaging`);
  }
  return { ok: true, items, ignored };
}

// `referral` last: a message or postback that carries one is the message.
const EVENT_KINDS = ["message", "postback", "reaction", "delivery", "read", "referral"] as const;

/** What every event kind needs: who sent it, when, and whether that is the business itself. */
interface EventContext {
  senderId: string;
  /** Epoch ms: the event's `timestamp`, else its entry's `time`. */
  at: number;
  fromBusiness: boolean;
}

function normalizeEvent(event: unknown, entry: WebhookEntry): Outcome {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return { error: "event is not an object" };
  const kind = EVENT_KINDS.find((k) => k in event);
  if (!kind) {
    const fields = Object.keys(event).filter((k) => !["sender", "recipient", "timestamp"].includes(k));
    return ignore(`event [${fields.join(", ")}] is neither a customer message nor a receipt`);
  }
  const common = EventBaseSchema.safeParse(event);
  if (!common.success) return { error: `${kind}: ${summarizeIssues(common.error)}` };
  const at = common.data.timestamp ?? entry.time;
  if (at === undefined) return { error: `${kind}: no timestamp on the event or its entry` };
  // Echoes and other events of the Page/account's own come with it as the sender.
  const context: EventContext = { senderId: common.data.sender.id, at, fromBusiness: common.data.sender.id === entry.id };
  switch (kind) {
    case "message":
      return fromMessage(event, context);
    case "postback":
      return fromPostback(event, context);
    case "reaction":
      return fromReaction(event, context);
    case "delivery":
      return fromDelivery(event, context);
    case "read":
      return fromRead(event, context);
    case "referral":
      return fromReferral(event, context);
  }
}

function fromMessage(raw: object, context: EventContext): Outcome {
  const parsed = MessageEventSchema.safeParse(raw);
  if (!parsed.success) return { error: `message: ${summarizeIssues(parsed.error)}` };
  const { message } = parsed.data;
  // Echoes are the Page/account's own messages (this app, another app or a human in the inbox).
  if (message.is_echo) return ignore(`echo of ${message.mid}: sent by the business, not the customer`);
  if (message.is_deleted) return ignore(`${message.mid} was unsent by the customer`);
  const attachments = (message.attachments ?? []).map(toAttachment);
  if (message.is_unsupported && attachments.length === 0)
    attachments.push({ kind: "other", url: null, mimeType: null, platformMediaId: null });
  // A quick reply's `text` is the button's title, as the customer saw it; its payload is the fallback.
  return customerMessage(context, message.mid, message.text || message.quick_reply?.payload || null, attachments, message.referral);
}

function fromPostback(raw: object, context: EventContext): Outcome {
  const parsed = PostbackEventSchema.safeParse(raw);
  if (!parsed.success) return { error: `postback: ${summarizeIssues(parsed.error)}` };
  const { postback } = parsed.data;
  // Older postbacks carry no mid: the (sender, time) pair is stable across Meta's retries.
  const id = postback.mid ?? `postback:${context.senderId}:${context.at}`;
  return customerMessage(context, id, postback.title || postback.payload || null, [], postback.referral);
}

function fromReaction(raw: object, context: EventContext): Outcome {
  const parsed = ReactionEventSchema.safeParse(raw);
  if (!parsed.success) return { error: `reaction: ${summarizeIssues(parsed.error)}` };
  const { reaction } = parsed.data;
  if (reaction.action !== "react") return ignore(`reaction ${reaction.action} on ${reaction.mid}`);
  // A reaction has no id of its own: the reacted-to message and the time identify it.
  return customerMessage(context, `reaction:${reaction.mid}:${context.at}`, reaction.emoji || reaction.reaction || null, []);
}

function fromDelivery(raw: object, context: EventContext): Outcome {
  const parsed = DeliveryEventSchema.safeParse(raw);
  if (!parsed.success) return { error: `delivery: ${summarizeIssues(parsed.error)}` };
  const { mids, watermark } = parsed.data.delivery;
  return receipts(context, "delivered", mids?.length ? mids : watermarkId(watermark));
}

function fromRead(raw: object, context: EventContext): Outcome {
  const parsed = ReadEventSchema.safeParse(raw);
  if (!parsed.success) return { error: `read: ${summarizeIssues(parsed.error)}` };
  const { mid, watermark } = parsed.data.read;
  return receipts(context, "read", mid ? [mid] : watermarkId(watermark));
}

/** A customer re-entering an existing thread from a click-to-Messenger ad; other referrals (m.me links) change nothing. */
function fromReferral(raw: object, context: EventContext): Outcome {
  const parsed = ReferralEventSchema.safeParse(raw);
  if (!parsed.success) return { error: `referral: ${summarizeIssues(parsed.error)}` };
  const { referral } = parsed.data;
  if (context.fromBusiness) return ignore("referral event from the business itself");
  if (referral.source !== "ADS") return ignore(`referral from ${referral.source ?? "an unnamed source"}, not an ad`);
  const { senderId, at } = context;
  return {
    items: [
      {
        kind: "referral",
        platformThreadId: senderId,
        contact: { platformUserId: senderId, displayName: null },
        adId: referral.ad_id ?? null,
        at,
      },
    ],
    ignored: [],
  };
}

/** Watermark receipts cover every message sent before it: `watermark:<epoch ms>` (types.ts). */
function watermarkId(watermark: number | undefined): string[] {
  return watermark === undefined ? [] : [`watermark:${watermark}`];
}

function customerMessage(
  context: EventContext,
  platformMessageId: string,
  text: string | null,
  attachments: Attachment[],
  referral?: Referral,
): Outcome {
  if (context.fromBusiness) return ignore(`${platformMessageId} was sent by the business itself`);
  const { senderId, at } = context;
  // The sender's PSID/IGSID is the conversation: replies go to it.
  const message: InboundMessage = {
    kind: "message",
    platformThreadId: senderId,
    sender: { platformUserId: senderId, displayName: null },
    platformMessageId,
    sentAt: at,
    text,
    attachments,
  };
  // A click-to-Messenger ad lengthens the reply window (window.ts); other referrals (m.me links) do not.
  if (referral?.source === "ADS") message.adReferral = { adId: referral.ad_id ?? null };
  return { items: [message], ignored: [] };
}

function receipts(context: EventContext, status: MessageStatusItem["status"], messageIds: string[]): Outcome {
  if (context.fromBusiness) return ignore(`${status} receipt from the business itself`);
  if (messageIds.length === 0) return ignore(`${status} receipt names no message and no watermark`);
  const { senderId, at } = context;
  const contact = { platformUserId: senderId, displayName: null };
  return {
    items: messageIds.map((platformMessageId) => ({ kind: "status", platformThreadId: senderId, contact, platformMessageId, status, at })),
    ignored: [],
  };
}

function ignore(reason: string): Outcome {
  return { items: [], ignored: [reason] };
}
