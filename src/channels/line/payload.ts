/**
 * LINE webhook bodies: the `{destination, events}` envelope and the event objects the adapter
 * reads. Tolerant (loose) schemas: LINE adds event types and fields without notice.
 * @see https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects
 */
import { z } from "zod";

/**
 * LINE sends ids as strings (message ids are digit strings above 2^53). One that arrives as a
 * number was parsed losslessly (src/lib/json.ts), so converting it to a string keeps it exact.
 */
const platformId = z.union([z.string().min(1), z.int()]).transform(String);

/** Milliseconds since the epoch: every LINE `timestamp` is in ms. */
const epochMs = z.int().nonnegative();

export const WebhookBodySchema = z.looseObject({
  /** The bot's own user id (`U` + 32 hex). */
  destination: z.string().optional(),
  /** Empty when the console's "Verify" button tests the URL. */
  events: z.array(z.unknown()),
});

/** `user` has `userId`; `group` has `groupId` and `room` has `roomId`, each with `userId` when LINE shares it. */
export const SourceSchema = z.looseObject({
  type: z.string(),
  userId: platformId.optional(),
  groupId: platformId.optional(),
  roomId: platformId.optional(),
});
export type Source = z.infer<typeof SourceSchema>;

/** What every event carries. */
export const EventBaseSchema = z.looseObject({
  type: z.string(),
  timestamp: epochMs,
  source: SourceSchema.optional(),
  /** A ULID, kept when LINE redelivers the event (`deliveryContext.isRedelivery`): the de-duplication key. */
  webhookEventId: z.string().min(1).optional(),
  /** `standby`: another module owns the chat and the reply token is not ours to use. */
  mode: z.string().optional(),
  replyToken: z.string().optional(),
});
export type EventBase = z.infer<typeof EventBaseSchema>;

export const ContentProviderSchema = z.looseObject({
  /** `line`: fetch the bytes from the content API; `external`: `originalContentUrl` has them. */
  type: z.string(),
  originalContentUrl: z.string().optional(),
});

/**
 * The `message` of message events, every type in one loose shape: text, image, video, audio,
 * file, sticker, location; fields of other types are simply absent.
 */
export const MessageContentSchema = z.looseObject({
  id: platformId,
  type: z.string(),
  /** Text messages; also the words a user typed on a "message sticker". */
  text: z.string().optional(),
  contentProvider: ContentProviderSchema.optional(),
  fileName: z.string().optional(),
  packageId: platformId.optional(),
  stickerId: platformId.optional(),
  title: z.string().optional(),
  address: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});
export type MessageContent = z.infer<typeof MessageContentSchema>;

export const MessageEventSchema = EventBaseSchema.extend({ message: MessageContentSchema });

export const PostbackEventSchema = EventBaseSchema.extend({
  /** `data` is the string the business set on the button; `params` holds date-picker values. */
  postback: z.looseObject({ data: z.string() }),
});

export const FollowEventSchema = EventBaseSchema.extend({
  /** Absent on payloads older than the `follow` detail object: a new friend. */
  follow: z.looseObject({ isUnblocked: z.boolean() }).optional(),
});
