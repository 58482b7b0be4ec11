/**
 * TikTok Shop webhook bodies. Tolerant (loose) schemas: the platform adds fields freely.
 * All TikTok ids are 18–19 digit strings above 2^53; they stay strings.
 * @see https://partner.tiktokshop.com/docv2/page/tts-webhooks-overview
 */
import { z } from "zod";

/** Ids arrive as strings; a number here has already lost precision, so it is refused. */
const idString = z.string().min(1);

export const NotificationSchema = z.looseObject({
  type: z.number().int(),
  tts_notification_id: idString,
  shop_id: idString,
  /** Unix seconds; inside the signed bytes, so intake checks its freshness. */
  timestamp: z.number().int(),
  data: z.looseObject({}),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const SenderRoleSchema = z.string();

export const CustomerServiceMessageSchema = z.looseObject({
  conversation_id: idString,
  message_id: idString,
  /** TEXT, IMAGE, VIDEO, PRODUCT_CARD, ORDER_CARD, RETURN_REFUND_CARD, COUPON_CARD, LOGISTICS_CARD… */
  type: z.string(),
  /** A JSON document serialised into a string: `{"content":"hi"}`, `{"url","width","height"}`. */
  content: z.string(),
  create_time: z.number().int(),
  /**
   * "(14) New message": a string that sorts the conversation's messages, newer = larger. Read
   * leniently (normalize.ts `orderedBy`): an unexpected shape orders by arrival, never a dead letter.
   */
  index: z.unknown().optional(),
  /** `false`: "not to be displayed to customer service" ("(14) New message"); absent counts as visible. */
  is_visible: z.boolean().optional(),
  sender: z.looseObject({
    im_user_id: idString,
    /** BUYER, CUSTOMER_SERVICE, SHOP, SYSTEM, ROBOT: only BUYER is an inbound customer message. */
    role: z.string(),
    nickname: z.string().optional(),
  }),
});

export const OrderStatusChangeSchema = z.looseObject({
  order_id: idString,
  order_status: z.string(),
  update_time: z.number().int(),
});

/**
 * Type 11 as the "(11) Cancellation status change" page defines it: `create_time` (when the
 * cancellation was asked for), no `update_time` (platforms/tiktok-shop.md §3).
 */
export const CancellationStatusChangeSchema = z.looseObject({
  order_id: idString,
  /** CANCELLATION_REQUEST_PENDING, _SUCCESS, _CANCELLED (the request closed, the order stands), _COMPLETE. */
  cancel_status: z.string(),
  create_time: z.number().int(),
  /** BUYER, SELLER or SYSTEM. */
  cancellations_role: z.string().optional(),
  cancel_id: idString.optional(),
});

/** Type 7: `expiration_time` in Unix seconds (platforms/tiktok-shop.md §3, `upcoming-authorization-expiration.json`). */
export const UpcomingAuthorizationExpirationSchema = z.looseObject({
  message: z.string().optional(),
  expiration_time: z.number().int().nonnegative().optional(),
});

/** Numeric `type` codes; the body never names the event. */
export const NotificationType = {
  orderStatusChange: 1,
  recipientAddressUpdate: 3,
  packageUpdate: 4,
  sellerDeauthorization: 6,
  upcomingAuthorizationExpiration: 7,
  cancellationStatusChange: 11,
  returnStatusChange: 12,
  newConversation: 13,
  newMessage: 14,
  /** Affiliate creator ↔ seller chat: not customer service, never routed. */
  affiliateMessage: 33,
} as const;
