/**
 * X Account Activity API delivery bodies. Tolerant (loose) schemas: X adds fields freely.
 * Parse the body with `tryParseJson`, which keeps integers above 2^53 as exact digit strings.
 * @see https://developer.x.com/en/docs/x-api/enterprise/account-activity-api/guides/account-activity-data-objects
 * @see https://developer.x.com/en/docs/direct-messages/sending-and-receiving/guides/message-create-object
 */
import { z } from "zod";

/**
 * X ids are 64-bit. They arrive as strings; a bare number is accepted when the lossless
 * parser kept it exact (a digit string above 2^53, or a safe integer below) and becomes a string.
 */
export const idString = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

/** `created_timestamp`: epoch milliseconds, sent as a string of digits. */
const epochMsString = z.union([
  z
    .string()
    .regex(/^\d{1,15}$/)
    .transform(Number),
  z.number().int().nonnegative(),
]);

export const MediaSchema = z.looseObject({
  id_str: z.string().min(1).optional(),
  id: idString.optional(),
  /** photo, video, animated_gif. */
  type: z.string(),
  /** The photo itself, or a video's poster frame; downloading needs the user's OAuth credentials. */
  media_url_https: z.string().optional(),
  /** The t.co link X appends to the message text for this media. */
  url: z.string().optional(),
  video_info: z
    .looseObject({
      variants: z.array(z.looseObject({ url: z.string(), content_type: z.string().optional(), bitrate: z.number().optional() })),
    })
    .optional(),
});
export type Media = z.infer<typeof MediaSchema>;

/** A shared location: `coordinates` is GeoJSON order, [longitude, latitude]. */
export const LocationSchema = z.looseObject({
  type: z.string(),
  shared_coordinate: z.looseObject({ coordinates: z.looseObject({ coordinates: z.tuple([z.number(), z.number()]) }) }).optional(),
  shared_place: z.looseObject({ place: z.looseObject({ id: z.string().optional(), full_name: z.string().optional() }) }).optional(),
});
export type Location = z.infer<typeof LocationSchema>;

export const MessageDataSchema = z.looseObject({
  text: z.string().optional(),
  /** A tapped quick-reply option: `text` is its label, `metadata` the developer's payload. */
  quick_reply_response: z.looseObject({ type: z.string(), metadata: z.string().optional() }).optional(),
  /** `type` media or location. */
  attachment: z.looseObject({ type: z.string(), media: MediaSchema.optional(), location: LocationSchema.optional() }).optional(),
});
export type MessageData = z.infer<typeof MessageDataSchema>;

export const DirectMessageEventSchema = z
  .looseObject({
    /** message_create is the only documented type; others are acknowledged and ignored. */
    type: z.string(),
    id: idString,
    created_timestamp: epochMsString,
    message_create: z
      .looseObject({
        target: z.looseObject({ recipient_id: idString }),
        sender_id: idString,
        message_data: MessageDataSchema,
      })
      .optional(),
  })
  .refine((event) => event.type !== "message_create" || event.message_create !== undefined, {
    message: "a message_create event without message_create",
    path: ["message_create"],
  });
export type DirectMessageEvent = z.infer<typeof DirectMessageEventSchema>;

/** A read receipt: `sender_id` read everything up to `last_read_event_id`. */
export const MarkReadEventSchema = z.looseObject({
  created_timestamp: epochMsString,
  sender_id: idString,
  target: z.looseObject({ recipient_id: idString }),
  last_read_event_id: idString,
});
export type MarkReadEvent = z.infer<typeof MarkReadEventSchema>;

const EventUserSchema = z.looseObject({ id: idString, name: z.string().optional(), screen_name: z.string().optional() });
export type EventUser = z.infer<typeof EventUserSchema>;

/** follow / unfollow, block / unblock: `source` acted on `target`. */
export const RelationEventSchema = z.looseObject({
  type: z.string(),
  created_timestamp: epochMsString,
  source: EventUserSchema,
  target: EventUserSchema,
});
export type RelationEvent = z.infer<typeof RelationEventSchema>;

const UserProfileSchema = z.looseObject({ name: z.string().optional(), screen_name: z.string().optional() });

export const DeliverySchema = z.looseObject({
  /** The subscribed account, i.e. the business: every event in the body belongs to it. */
  for_user_id: idString,
  direct_message_events: z.array(DirectMessageEventSchema).optional(),
  direct_message_mark_read_events: z.array(MarkReadEventSchema).optional(),
  follow_events: z.array(RelationEventSchema).optional(),
  /** Listed by some sources next to follow_events (whose `type` may also be "unfollow"). */
  unfollow_events: z.array(RelationEventSchema).optional(),
  block_events: z.array(RelationEventSchema).optional(),
  /** Profiles keyed by user id. Only display names come from here, so a malformed map is dropped. */
  users: z.record(z.string(), UserProfileSchema.catch({})).optional().catch(undefined),
});
export type Delivery = z.infer<typeof DeliverySchema>;
