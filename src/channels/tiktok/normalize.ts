/**
 * TikTok Shop notification → inbound items. Buyer customer-service messages become
 * messages; order and cancellation status changes become order updates; `BUYER_ENTER_FROM_*`
 * becomes the conversation's context; the shop's own messages (every sender role but BUYER),
 * messages hidden from customer service and other notification types are ignored (logged).
 */
import type { Attachment, OrderStatus } from "../../events/schema.ts";
import { summarizeIssues } from "../../lib/zod-issues.ts";
import { type EnteredFromItem, type InboundItem, type NormalizeResult, PLATFORM_INDEX_DIGITS } from "../types.ts";
import {
  CancellationStatusChangeSchema,
  CustomerServiceMessageSchema,
  type Notification,
  NotificationSchema,
  NotificationType,
  OrderStatusChangeSchema,
  UpcomingAuthorizationExpirationSchema,
} from "./payload.ts";

export function normalizeTikTok(body: string): NormalizeResult {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  const notification = NotificationSchema.safeParse(json);
  if (!notification.success) return { ok: false, reason: `not a TikTok Shop notification: ${summarizeIssues(notification.error)}` };
  return normalizeNotification(notification.data);
}

function normalizeNotification(notification: Notification): NormalizeResult {
  switch (notification.type) {
    case NotificationType.newMessage:
      return normalizeMessage(notification);
    case NotificationType.orderStatusChange: {
      const data = OrderStatusChangeSchema.safeParse(notification.data);
      if (!data.success) return { ok: false, reason: `order status change: ${summarizeIssues(data.error)}` };
      return single({
        kind: "order",
        platformEventId: notification.tts_notification_id,
        orderId: data.data.order_id,
        status: ORDER_STATUS[data.data.order_status] ?? "other",
        platformStatus: data.data.order_status,
        at: data.data.update_time * 1000,
      });
    }
    case NotificationType.cancellationStatusChange: {
      const data = CancellationStatusChangeSchema.safeParse(notification.data);
      if (!data.success) return { ok: false, reason: `cancellation status change: ${summarizeIssues(data.error)}` };
      return single({
        kind: "order",
        platformEventId: notification.tts_notification_id,
        orderId: data.data.order_id,
        status: CANCELLATION_STATUS[data.data.cancel_status] ?? "other",
        platformStatus: data.data.cancel_status,
        at: data.data.create_time * 1000,
      });
    }
    case NotificationType.sellerDeauthorization:
      return single({ kind: "authorization", platformEventId: notification.tts_notification_id, change: "deauthorized", expiresAt: null });
    case NotificationType.upcomingAuthorizationExpiration: {
      const data = UpcomingAuthorizationExpirationSchema.safeParse(notification.data);
      if (!data.success) return { ok: false, reason: `upcoming authorization expiration: ${summarizeIssues(data.error)}` };
      const expiresAt = data.data.expiration_time === undefined ? null : data.data.expiration_time * 1000;
      return single({ kind: "authorization", platformEventId: notification.tts_notification_id, change: "expiring", expiresAt });
    }
    case NotificationType.affiliateMessage:
      return ignore("type 33 is an affiliate creator chat, not customer service");
    default:
      // Codes are sparse and new ones appear: acknowledge, never reject.
      return ignore(`notification type ${notification.type} carries no message or order status`);
  }
}

function normalizeMessage(notification: Notification): NormalizeResult {
  const parsed = CustomerServiceMessageSchema.safeParse(notification.data);
  if (!parsed.success) return { ok: false, reason: `customer-service message: ${summarizeIssues(parsed.error)}` };
  const message = parsed.data;
  const content = parseContent(message.content);
  const entered = ENTERED_FROM[message.type];
  if (entered) {
    // Where the buyer opened the chat from: context for the conversation, not a question (no reply, no SLA clock).
    const id = entered.field ? stringField(content, entered.field) : null;
    return single({
      kind: "entered_from",
      platformThreadId: message.conversation_id,
      source: entered.source,
      refId: id && id.length <= 64 ? id : null,
      at: message.create_time * 1000,
    });
  }
  if (message.sender.role !== "BUYER") {
    return ignore(`message ${message.message_id} was sent by the ${message.sender.role.toLowerCase()} side`);
  }
  // The page: not to be displayed to customer service, so neither routed, answered nor announced.
  if (message.is_visible === false) return ignore(`message ${message.message_id} is not visible to customer service`);
  const { text, attachments } = readContent(message.type, content);
  return single({
    kind: "message",
    platformThreadId: message.conversation_id,
    sender: { platformUserId: message.sender.im_user_id, displayName: message.sender.nickname ?? null },
    platformMessageId: message.message_id,
    sentAt: message.create_time * 1000,
    text,
    attachments,
    ...orderedBy(message.index),
  });
}

/**
 * `index` as a comparable key: decimal digits (a string, or a safe integer should TikTok send
 * one) zero-padded, so "9" sorts before "10". Anything else is left out: the message is then
 * listed in arrival order, like every platform's.
 */
function orderedBy(index: unknown): { platformIndex?: string } {
  const digits = typeof index === "number" && Number.isSafeInteger(index) && index >= 0 ? String(index) : index;
  if (typeof digits !== "string" || !/^\d+$/.test(digits)) return {};
  const significant = digits.replace(/^0+(?=\d)/, "");
  if (significant.length > PLATFORM_INDEX_DIGITS) return {};
  return { platformIndex: significant.padStart(PLATFORM_INDEX_DIGITS, "0") };
}

type Content = Record<string, unknown>;

/** `content` is JSON inside a string; a plain string is tolerated as text. */
function parseContent(raw: string): Content {
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Content;
  } catch {
    // fall through
  }
  return { content: raw };
}

function stringField(content: Content, key: string): string | null {
  const value = content[key];
  return typeof value === "string" && value.length > 0 ? value : null;
}

function readContent(type: string, content: Content): { text: string | null; attachments: Attachment[] } {
  const url = stringField(content, "url");
  const media = (kind: Attachment["kind"]): Attachment => ({ kind, url, mimeType: null, platformMediaId: null });
  switch (type) {
    case "TEXT":
      return { text: stringField(content, "content"), attachments: [] };
    case "IMAGE":
      return { text: null, attachments: [media("image")] };
    case "VIDEO":
      return { text: null, attachments: [media("video")] };
    case "EMOTICONS":
    case "STICKER":
      return { text: null, attachments: [media("sticker")] };
    default:
      // Product, order, coupon, logistics and return cards: kept, as `other`.
      return { text: stringField(content, "content"), attachments: [media("other")] };
  }
}

/** `BUYER_ENTER_FROM_*` kinds ("(14) New message"), with the id their `content` carries. */
const ENTERED_FROM: Record<string, { source: EnteredFromItem["source"]; field: string | null }> = {
  BUYER_ENTER_FROM_PRODUCT: { source: "product", field: "product_id" },
  BUYER_ENTER_FROM_ORDER: { source: "order", field: "order_id" },
  BUYER_ENTER_FROM_TRANSFER: { source: "transfer", field: null },
};

/**
 * Type 1 `order_status` as the "(1) Order status change" page lists it (`CANCEL`), plus the
 * Order API 202309 spellings (`CANCELLED`, `PARTIALLY_SHIPPING`). @see platforms/tiktok-shop.md §3
 */
export const ORDER_STATUS: Record<string, OrderStatus> = {
  UNPAID: "pending",
  ON_HOLD: "pending",
  AWAITING_SHIPMENT: "processing",
  PARTIALLY_SHIPPING: "processing",
  AWAITING_COLLECTION: "processing",
  IN_TRANSIT: "shipped",
  DELIVERED: "delivered",
  COMPLETED: "completed",
  CANCEL: "cancelled",
  CANCELLED: "cancelled",
};

/**
 * Type 11 `cancel_status` ("(11) Cancellation status change"). `_CANCELLED` means the buyer
 * or the system closed the *request*: the order stands, in a status this push does not
 * give, hence `other` (platformStatus says which). Unknown values are `other` too.
 */
export const CANCELLATION_STATUS: Record<string, OrderStatus> = {
  CANCELLATION_REQUEST_PENDING: "cancellation_requested",
  CANCELLATION_REQUEST_SUCCESS: "cancelled",
  CANCELLATION_REQUEST_COMPLETE: "cancelled",
  CANCELLATION_REQUEST_CANCELLED: "other",
};

function single(item: InboundItem): NormalizeResult {
  return { ok: true, items: [item], ignored: [] };
}

function ignore(reason: string): NormalizeResult {
  return { ok: true, items: [], ignored: [reason] };
}
