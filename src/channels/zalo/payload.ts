/**
 * Zalo Official Account webhook bodies: one event per request, named by `event_name`.
 * Tolerant (loose) schemas: Zalo adds fields freely and its docs are not readable as text, so
 * shapes follow Chatwoot's implementation and partner docs (see NOTES.md).
 * @see https://developers.zalo.me/docs/official-account/webhook/tong-quan
 */
import { z } from "zod";

/**
 * Ids are 19-digit numbers carried as strings, but some arrive as JSON numbers. The body is
 * parsed losslessly (`tryParseJson`), so a number here is either exact and small, or has
 * already become the string of its digits: both end up as strings.
 */
const idString = z.union([z.string().min(1), z.number().int().nonnegative().transform(String)]);

/** `timestamp` is epoch milliseconds written as a JSON string (a number is tolerated). */
const epochMs = z
  .union([z.string().regex(/^\d{1,16}$/), z.number().int().nonnegative()])
  .transform(Number)
  .pipe(z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER));

const PartySchema = z.looseObject({ id: idString });

/** What every event shares; `event_name` decides which of the schemas below applies. */
export const EnvelopeSchema = z.looseObject({
  event_name: z.string().min(1),
  timestamp: epochMs,
});

/** A coordinate as Zalo writes it: a decimal in a string, or a number. */
const coordinate = z.union([z.string().regex(/^-?\d+(\.\d+)?$/), z.number().finite().transform(String)]);

export const CoordinatesSchema = z.looseObject({ latitude: coordinate, longitude: coordinate });

export const AttachmentPayloadSchema = z.looseObject({
  url: z.string().min(1).optional(),
  thumbnail: z.string().min(1).optional(),
  /** Stickers carry their own id. */
  id: idString.optional(),
  /** Files: the name and (as a string) the size in bytes. */
  name: z.string().optional(),
  coordinates: CoordinatesSchema.optional(),
});

/** `type`: image, gif, sticker, audio, video, file, link, location, and others on business cards. */
export const ZaloAttachmentSchema = z.looseObject({
  type: z.string(),
  payload: AttachmentPayloadSchema.optional(),
});
export type ZaloAttachment = z.infer<typeof ZaloAttachmentSchema>;

/** `user_send_*` and `anonymous_send_*`: `sender` is the user, `recipient` the OA. */
export const UserMessageEventSchema = z.looseObject({
  sender: PartySchema,
  recipient: PartySchema.optional(),
  message: z.looseObject({
    msg_id: idString,
    text: z.string().optional(),
    attachments: z.array(ZaloAttachmentSchema).optional(),
    /** One partner doc puts a location here instead of in an attachment (UNCONFIRMED). */
    location: CoordinatesSchema.optional(),
    /** `anonymous_send_*` only: the conversation an anonymous user's reply must name (platforms/zalo.md §3, §5). */
    conversation_id: idString.optional(),
  }),
});
export type UserMessageEvent = z.infer<typeof UserMessageEventSchema>;

/** `user_received_message` / `user_seen_message`: `sender` is the OA, `recipient` the user. */
export const ReceiptEventSchema = z.looseObject({
  sender: PartySchema,
  recipient: PartySchema,
  message: z.looseObject({
    /** Delivery receipts name one message… */
    msg_id: idString.optional(),
    /** …read receipts may name several. */
    msg_ids: z.array(idString).optional(),
  }),
});
export type ReceiptEvent = z.infer<typeof ReceiptEventSchema>;

/** `follow` / `unfollow`. */
export const FollowEventSchema = z.looseObject({
  follower: PartySchema,
  oa_id: idString.optional(),
  /** Where the follow came from (`oa_profile`, …); values UNCONFIRMED. */
  source: z.string().optional(),
});
