/**
 * WhatsApp Cloud API webhook bodies. Tolerant (loose) schemas: Meta adds fields and message
 * types freely. Ids are strings; one that arrives as a JSON number is turned into its digits
 * (the lossless parser has already kept those above 2^53 exact).
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components
 */
import { z } from "zod";

/** A platform id: a non-empty string, or an integer the lossless parser kept exact. */
const platformId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

/** Meta's `timestamp`: Unix seconds written as a JSON string ("1717401600"); a number is tolerated. */
const secondsAsEpochMs = z
  .union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative().max(999_999_999_999)])
  .transform((seconds) => Number(seconds) * 1000);

/** `{ object, entry[].changes[] }`: every level is an array and a delivery may batch many changes. */
export const WebhookSchema = z.looseObject({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.looseObject({
      /** The WhatsApp Business Account id. */
      id: platformId,
      changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })),
    }),
  ),
});
export type Webhook = z.infer<typeof WebhookSchema>;
export type Change = Webhook["entry"][number]["changes"][number];

const MetadataSchema = z.looseObject({
  /** The business number the customer wrote to; replies are sent from it. */
  phone_number_id: platformId,
  display_phone_number: z.string().optional(),
});

const ContactSchema = z.looseObject({
  /** The customer's phone number, digits without `+`; withheld for some users with a username. */
  wa_id: platformId.optional(),
  /** Business-scoped user id (`US.1349…`), sent since 2026. */
  user_id: z.string().min(1).optional(),
  profile: z.looseObject({ name: z.string().optional() }).optional(),
});
export type Contact = z.infer<typeof ContactSchema>;

/** `image`, `video`, `audio`, `document`, `sticker`: the bytes are fetched separately by media id. */
const MediaSchema = z.looseObject({
  id: platformId.optional(),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
  /** Present in some newer payloads (UNCONFIRMED); needs the access token to download. */
  url: z.string().optional(),
  /** `true` on audio recorded as a voice note. */
  voice: z.boolean().optional(),
});
export type Media = z.infer<typeof MediaSchema>;

const ReplySchema = z.looseObject({ id: z.string(), title: z.string() });

export const MessageSchema = z.looseObject({
  /** The sender's phone number; may be absent for a user who hides it behind a username. */
  from: platformId.optional(),
  /** The sender's business-scoped user id (UNCONFIRMED name; used when `from` is absent). */
  from_user_id: z.string().min(1).optional(),
  /** `wamid.…`, unique across WhatsApp. */
  id: z.string().min(1),
  timestamp: secondsAsEpochMs,
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: MediaSchema.optional(),
  video: MediaSchema.optional(),
  audio: MediaSchema.optional(),
  document: MediaSchema.optional(),
  sticker: MediaSchema.optional(),
  location: z
    .looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
    .optional(),
  /** Reply buttons and list rows of an interactive message the business sent. */
  interactive: z.looseObject({ type: z.string(), button_reply: ReplySchema.optional(), list_reply: ReplySchema.optional() }).optional(),
  /** A quick-reply button of a template message: `text` is its label, `payload` the developer's value. */
  button: z.looseObject({ text: z.string(), payload: z.string().optional() }).optional(),
  /** An emoji on an earlier message; `emoji` is absent when the customer removes it. */
  reaction: z.looseObject({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  /** Contact cards the customer shared. */
  contacts: z
    .array(
      z.looseObject({
        name: z.looseObject({ formatted_name: z.string().optional() }).optional(),
        phones: z.array(z.looseObject({ phone: z.string().optional() })).optional(),
      }),
    )
    .optional(),
  /** A cart sent from the business's catalogue. */
  order: z.looseObject({ text: z.string().optional() }).optional(),
  /** Notices such as `user_changed_number`: not written by the customer. */
  system: z.looseObject({ type: z.string().optional(), body: z.string().optional() }).optional(),
});
export type Message = z.infer<typeof MessageSchema>;

/** A receipt for a message the business sent (`sent`, `delivered`, `read`, `failed`, …). */
export const StatusSchema = z.looseObject({
  /** The wamid of the business's message. */
  id: z.string().min(1),
  status: z.string(),
  timestamp: secondsAsEpochMs,
  recipient_id: platformId.optional(),
  /** The recipient's business-scoped user id (UNCONFIRMED name; used when `recipient_id` is absent). */
  recipient_user_id: z.string().min(1).optional(),
});
export type Status = z.infer<typeof StatusSchema>;

/** `value` of a `messages` change: inbound `contacts` + `messages`, or `statuses`, or `errors`. */
export const MessagesValueSchema = z.looseObject({
  metadata: MetadataSchema,
  contacts: z.array(ContactSchema).optional(),
  messages: z.array(MessageSchema).optional(),
  statuses: z.array(StatusSchema).optional(),
  errors: z.array(z.looseObject({ code: z.unknown().optional(), title: z.string().optional() })).optional(),
});
export type MessagesValue = z.infer<typeof MessagesValueSchema>;

/** The `changes[].field` names this adapter knows; every other field is acknowledged and ignored. */
export const ChangeField = {
  messages: "messages",
  /** Messages the business itself sent from the WhatsApp Business app (coexistence numbers). */
  messageEchoes: "smb_message_echoes",
} as const;
