/**
 * Queue message bodies. Validated when read (a trust boundary: a message may predate a
 * deploy), so a malformed one is dead-lettered, not retried forever.
 */
import { z } from "zod";
import { PlatformSchema } from "../events/schema.ts";
import { utf8 } from "../lib/encoding.ts";

/** A verified platform delivery; the body inline, or in D1 when over the queue's size limit. */
export const InboundMessageSchema = z.object({
  v: z.literal(1),
  workspaceId: z.string(),
  channelId: z.string(),
  platform: PlatformSchema,
  receivedAt: z.number(),
  body: z.string().optional(),
  blobId: z.string().optional(),
});
export type InboundQueueMessage = z.infer<typeof InboundMessageSchema>;

/** One event for one endpoint. */
export const EventDeliverySchema = z.object({
  v: z.literal(1),
  kind: z.literal("event"),
  workspaceId: z.string(),
  eventId: z.string(),
  endpointId: z.string(),
});
export type EventDelivery = z.infer<typeof EventDeliverySchema>;

/** Another try at a reply the platform could not take (rate limit, outage). */
export const ReplyJobSchema = z.object({
  v: z.literal(1),
  kind: z.literal("reply"),
  workspaceId: z.string(),
  /** The conversation's object, which keeps the reply (objects/conversation-name.ts). */
  channelId: z.string(),
  platformThreadId: z.string(),
  messageId: z.string(),
  attempt: z.number().int().positive(),
});
export type ReplyJob = z.infer<typeof ReplyJobSchema>;

/** The DELIVERIES queue carries everything that leaves the gateway: events and replies. */
export const DeliveryMessageSchema = z.discriminatedUnion("kind", [EventDeliverySchema, ReplyJobSchema]);
export type DeliveryQueueMessage = z.infer<typeof DeliveryMessageSchema>;

/**
 * Cloudflare Queues refuses a message over 128 KB (128,000 bytes), counted on the message
 * as serialized (JSON for `contentType: "json"`) plus up to ~100 bytes of its own metadata;
 * this leaves that and some slack. A body escapes to more bytes than it has (`"` → `\"`,
 * control characters → `\u00XX`), so it is the serialized message that must fit.
 */
export const MAX_QUEUE_MESSAGE_BYTES = 127_000;

/** The bytes the queue counts for a JSON message: its JSON.stringify, as UTF-8. */
export function queuedBytes(message: unknown): number {
  return utf8(JSON.stringify(message)).byteLength;
}
