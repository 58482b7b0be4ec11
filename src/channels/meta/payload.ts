/**
 * Messenger Platform webhook bodies, shared by Messenger (`object: "page"`) and Instagram
 * (`object: "instagram"`). Tolerant (loose) schemas: Meta adds fields and event kinds freely.
 * @see https://developers.facebook.com/docs/messenger-platform/webhooks
 * @see https://developers.facebook.com/docs/instagram-platform/webhooks/examples
 */
import { z } from "zod";

/**
 * Ids are documented as strings; one that arrives as a number is kept exact: the lossless
 * parser has already turned any integer beyond 2^53 into its digits.
 */
const platformId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

/** Messenger and Instagram times are epoch milliseconds (unlike WhatsApp's seconds). */
const epochTime = z.number().int().nonnegative();

const Party = z.looseObject({ id: platformId });

/** The envelope. `messaging` holds the events; `standby` and `changes` are read only to be ignored. */
export const WebhookBodySchema = z.looseObject({
  object: z.string(),
  entry: z.array(
    z.looseObject({
      /** The Page id (Messenger) or the Instagram professional account id. */
      id: platformId,
      time: epochTime.optional(),
      messaging: z.array(z.unknown()).optional(),
      standby: z.array(z.unknown()).optional(),
      changes: z.array(z.unknown()).optional(),
    }),
  ),
});
export type WebhookBody = z.infer<typeof WebhookBodySchema>;
export type WebhookEntry = WebhookBody["entry"][number];

/** What every `messaging[]` event carries, whatever its kind; each kind adds one field. */
export const EventBaseSchema = z.looseObject({ sender: Party, recipient: Party, timestamp: epochTime.optional() });

export const AttachmentPayloadSchema = z.looseObject({
  /** image, video, audio, file, location, fallback, template; Instagram adds share, story_mention, ig_reel… */
  type: z.string(),
  payload: z
    .looseObject({
      url: z.string().optional(),
      sticker_id: platformId.optional(),
      coordinates: z.looseObject({ lat: z.number(), long: z.number() }).optional(),
    })
    .nullish(),
  /** Fallback (shared link) and location attachments carry their link beside `payload`. */
  url: z.string().optional(),
});
export type AttachmentPayload = z.infer<typeof AttachmentPayloadSchema>;

/**
 * How the customer entered the conversation: `source: "ADS"` (with `ad_id`) for a
 * click-to-Messenger ad. Documented on postbacks (a new thread's Get Started) and as its own
 * `referral` event (an existing thread); on `message` only in integrators' SDKs (UNCONFIRMED).
 * @see https://developers.facebook.com/documentation/business-messaging/messenger-platform/webhooks/webhook-events/messaging_referrals
 */
export const ReferralSchema = z.looseObject({
  source: z.string().optional(),
  type: z.string().optional(),
  ad_id: platformId.optional(),
});
export type Referral = z.infer<typeof ReferralSchema>;

/** An existing thread re-entered from an m.me link or an ad (field `messaging_referrals`). */
export const ReferralEventSchema = z.looseObject({ referral: ReferralSchema });

export const MessageEventSchema = z.looseObject({
  message: z.looseObject({
    mid: z.string().min(1),
    text: z.string().optional(),
    /** A message the Page/account sent itself (from this app, another app or the inbox). */
    is_echo: z.boolean().optional(),
    /** Instagram: the customer unsent this message. */
    is_deleted: z.boolean().optional(),
    /** Instagram: a message kind the API cannot show. */
    is_unsupported: z.boolean().optional(),
    quick_reply: z.looseObject({ payload: z.string() }).optional(),
    attachments: z.array(AttachmentPayloadSchema).optional(),
    referral: ReferralSchema.optional(),
  }),
});

/** A tapped button: Get Started, a persistent-menu item, a template button, an Instagram ice breaker. */
export const PostbackEventSchema = z.looseObject({
  postback: z.looseObject({
    /** Instagram documents it from Graph v11; older or Get Started postbacks may lack it. */
    mid: z.string().min(1).optional(),
    title: z.string().optional(),
    payload: z.string().optional(),
    referral: ReferralSchema.optional(),
  }),
});

export const ReactionEventSchema = z.looseObject({
  reaction: z.looseObject({
    /** The message reacted to. */
    mid: z.string().min(1),
    action: z.string(),
    /** smile, angry, sad, wow, love, like, dislike, laugh, other; absent on `unreact`. */
    reaction: z.string().optional(),
    emoji: z.string().optional(),
  }),
});

/** Messenger only: `mids` delivered, or everything sent before `watermark` (ms). */
export const DeliveryEventSchema = z.looseObject({
  delivery: z.looseObject({ mids: z.array(z.string().min(1)).optional(), watermark: epochTime.optional() }),
});

/** Messenger: `{watermark}` (everything before it is read); Instagram: `{mid}`. */
export const ReadEventSchema = z.looseObject({
  read: z.looseObject({ mid: z.string().min(1).optional(), watermark: epochTime.optional() }),
});
