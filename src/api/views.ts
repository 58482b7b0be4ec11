/**
 * Rows → the JSON the API answers with, and the schema of each answer (what /openapi.json
 * shows; the view functions are typed by them). Sealed secrets never leave through here.
 */
import { z } from "zod";
import { type MessageTemplate, MessageTemplateSchema, type ReplyWindow } from "../channels/types.ts";
import type { AttemptRow } from "../deliver/attempt-row.ts";
import { AttachmentSchema, AuthorSchema, ChannelStatusSchema, PlatformSchema } from "../events/schema.ts";
import { authorOf } from "../lib/author.ts";
import type { MessageRow } from "../objects/message-log.ts";
import type { ChannelRow } from "../storage/channels.ts";
import type { DeadLetterRow } from "../storage/dead-letters.ts";
import type { EndpointRow } from "../storage/endpoints.ts";
import type { DeliveryRow } from "../storage/event-deliveries.ts";
import type { ContactRow, ConversationRow, NoteRow } from "../storage/inbox.ts";
import { iso, TimestampSchema } from "./schemas.ts";

const nullableTime = TimestampSchema.nullable();

export const ChannelSchema = z
  .strictObject({
    id: z.string(),
    platform: PlatformSchema,
    name: z.string(),
    webhookUrl: z.string().meta({ description: "Paste it into the platform; absolute when the request had a host" }),
    credentials: z
      .record(z.string(), z.string())
      .meta({ description: "The identifying credentials only (appKey, phoneNumberId…); never a secret" }),
    status: ChannelStatusSchema.meta({
      description:
        "`active`; `needs_attention` (a token expires within 72 h and cannot be renewed by the gateway, or the platform refused a call as unauthorized); `disconnected` (the shop revoked the app, or a token could not be refreshed)",
    }),
    statusReason: z.string().nullable().meta({ description: "Why the channel is not `active`; null when it is" }),
    tokenExpiresAt: nullableTime.meta({ description: "When the access token expires, once known (the gateway learns it at each refresh)" }),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "Channel" });

export function webhookUrl(origin: string | null, platform: string, channelId: string): string {
  return `${origin ?? ""}/webhooks/${platform}/${channelId}`;
}

export function channelView(row: ChannelRow, origin: string | null): z.infer<typeof ChannelSchema> {
  return {
    id: row.id,
    platform: row.platform as z.infer<typeof PlatformSchema>,
    name: row.name,
    webhookUrl: webhookUrl(origin, row.platform, row.id),
    credentials: JSON.parse(row.publicCredentials) as Record<string, string>,
    status: row.status as z.infer<typeof ChannelStatusSchema>,
    statusReason: row.statusReason,
    tokenExpiresAt: row.tokenExpiresAt === null ? null : iso(row.tokenExpiresAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export const EndpointSchema = z
  .strictObject({
    id: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()).meta({ description: "`[]`: every business event" }),
    description: z.string().nullable(),
    enabled: z.boolean(),
    rateLimitPerSecond: z.number().int(),
    maxConcurrency: z.number().int(),
    disabledReason: z
      .enum(["manual", "gone", "failing"])
      .nullable()
      .meta({ description: "`manual`, `gone` (it answered 410) or `failing` (no success for too long); null while enabled" }),
    disabledAt: nullableTime,
    failingSince: nullableTime,
    previousSecretExpiresAt: nullableTime.meta({
      description: "While set and in the future, the previous secret still signs next to the current one",
    }),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "Endpoint" });

export function endpointView(row: EndpointRow): z.infer<typeof EndpointSchema> {
  return {
    id: row.id,
    url: row.url,
    eventTypes: JSON.parse(row.eventTypes) as string[],
    description: row.description,
    enabled: row.enabled,
    rateLimitPerSecond: row.rateLimitPerSecond,
    maxConcurrency: row.maxConcurrency,
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    previousSecretExpiresAt: iso(row.previousSecretExpiresAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export const AttemptSchema = z
  .strictObject({
    id: z.string(),
    eventId: z.string(),
    attempt: z.number().int(),
    status: z.enum(["succeeded", "failed"]),
    responseStatus: z.number().int().nullable(),
    responseBody: z.string().nullable().meta({ description: "The first KiB of the subscriber's answer" }),
    durationMs: z.number().int(),
    error: z.string().nullable(),
    createdAt: TimestampSchema,
  })
  .meta({ id: "Attempt" });

export function attemptView(row: AttemptRow): z.infer<typeof AttemptSchema> {
  return {
    id: row.id,
    eventId: row.eventId,
    attempt: row.attempt,
    status: row.status,
    responseStatus: row.responseStatus,
    responseBody: row.responseBody,
    durationMs: row.durationMs,
    error: row.error,
    createdAt: iso(row.createdAt),
  };
}

export const FailedEventSchema = z
  .strictObject({
    eventId: z.string(),
    eventType: z.string(),
    status: z
      .enum(["pending", "succeeded", "failed", "held"])
      .meta({ description: "`failed` (see `reason`), or `held` while the endpoint was disabled" }),
    reason: z.enum(["exhausted", "gone", "endpoint_disabled", "too_large", "gateway_error"]).nullable(),
    attempts: z.number().int(),
    lastAttemptAt: nullableTime,
    lastResponseStatus: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "FailedEvent" });

export function failedEventView(row: DeliveryRow): z.infer<typeof FailedEventSchema> {
  return {
    eventId: row.eventId,
    eventType: row.eventType,
    status: row.status,
    reason: row.reason,
    attempts: row.attempts,
    lastAttemptAt: iso(row.lastAttemptAt),
    lastResponseStatus: row.lastResponseStatus,
    lastError: row.lastError,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export const DeadLetterSchema = z
  .strictObject({
    id: z.string(),
    queue: z.enum(["inbound", "deliveries"]),
    channelId: z.string().nullable(),
    reason: z.string(),
    body: z.unknown().meta({ description: "The queue message, as it would be sent again" }),
    createdAt: TimestampSchema,
    retriedAt: nullableTime,
  })
  .meta({ id: "DeadLetter" });

export function deadLetterView(row: DeadLetterRow): z.infer<typeof DeadLetterSchema> {
  return {
    id: row.id,
    queue: row.queue,
    channelId: row.channelId,
    reason: row.reason,
    body: JSON.parse(row.body) as unknown,
    createdAt: iso(row.createdAt),
    retriedAt: iso(row.retriedAt),
  };
}

export const ContactSchema = z
  .strictObject({
    id: z.string(),
    channelId: z.string(),
    platformUserId: z.string(),
    displayName: z.string().nullable(),
    status: z.enum(["active", "unfollowed", "blocked"]),
    tags: z.array(z.string()),
    queue: z.string().nullable().meta({ description: "The team queue it is assigned to (`sales`…)" }),
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "Contact" });

export function contactView(row: ContactRow): z.infer<typeof ContactSchema> {
  return {
    id: row.id,
    channelId: row.channelId,
    platformUserId: row.platformUserId,
    displayName: row.displayName,
    status: row.status,
    tags: JSON.parse(row.tags) as string[],
    queue: row.queue,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export const ReplyWindowSchema = z
  .strictObject({
    closesAt: nullableTime.meta({
      description: "When the platform stops accepting a normal reply to this buyer; null where the platform has no window",
    }),
    rule: z.string().meta({
      description:
        "Which rule: `whatsapp_customer_service_24h`, `messenger_standard_24h`, `messenger_ad_referral_7d`, `instagram_standard_24h`, `zalo_consultation_48h`, or `none`",
    }),
  })
  .meta({ id: "ReplyWindow" });

export const ConversationSchema = z
  .strictObject({
    id: z.string(),
    channelId: z.string(),
    contactId: z.string(),
    platformThreadId: z.string(),
    state: z.enum(["bot", "awaiting_human"]).meta({ description: "`awaiting_human` while a ticket is open" }),
    queue: z.string().nullable(),
    tags: z.array(z.string()),
    lastMessageAt: TimestampSchema,
    lastInboundAt: nullableTime,
    replyWindow: ReplyWindowSchema,
    createdAt: TimestampSchema,
    updatedAt: TimestampSchema,
  })
  .meta({ id: "Conversation" });

/** `window`: the channel's platform's reply window for the conversation (channels/registry.ts replyWindowOf). */
export function conversationView(row: ConversationRow, window: ReplyWindow): z.infer<typeof ConversationSchema> {
  return {
    id: row.id,
    channelId: row.channelId,
    contactId: row.contactId,
    platformThreadId: row.platformThreadId,
    state: row.state,
    queue: row.queue,
    tags: JSON.parse(row.tags) as string[],
    lastMessageAt: iso(row.lastMessageAt),
    lastInboundAt: iso(row.lastInboundAt),
    replyWindow: { closesAt: window.closesAt === null ? null : iso(window.closesAt), rule: window.rule },
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export const MessageSchema = z
  .strictObject({
    id: z.string(),
    conversationId: z.string(),
    contactId: z.string(),
    channelId: z.string(),
    platformMessageId: z.string(),
    direction: z.enum(["inbound", "outbound"]),
    author: AuthorSchema.nullable().meta({ description: "Outbound: who wrote it; null for an inbound message" }),
    status: z
      .enum(["received", "pending", "sent", "failed"])
      .meta({ description: "Inbound: `received`. Outbound: `pending` (retrying), `sent` or `failed`" }),
    error: z.string().nullable().meta({ description: "Why an outbound message failed or is retried: the platform's words" }),
    sentAt: TimestampSchema,
    text: z.string().nullable(),
    template: MessageTemplateSchema.nullable().meta({ description: "Outbound: the WhatsApp message template sent instead of text" }),
    attachments: z.array(AttachmentSchema),
    routing: z.record(z.string(), z.unknown()).nullable().meta({
      description:
        "Inbound: the classification and the routing decision, for the agent. An AI reply: `author` ({type: ai, model}) and `ai` (model, tool calls with their results, tokens, time taken)",
    }),
    createdAt: TimestampSchema,
  })
  .meta({ id: "Message" });

export function messageView(row: MessageRow): z.infer<typeof MessageSchema> {
  return {
    id: row.id,
    conversationId: row.conversationId,
    contactId: row.contactId,
    channelId: row.channelId,
    platformMessageId: row.platformMessageId,
    direction: row.direction,
    author: authorOf(row),
    status: row.status,
    error: row.error,
    sentAt: iso(row.sentAt),
    text: row.text,
    template: row.template ? (JSON.parse(row.template) as MessageTemplate) : null,
    attachments: JSON.parse(row.attachments) as z.infer<typeof AttachmentSchema>[],
    routing: row.routing ? (JSON.parse(row.routing) as Record<string, unknown>) : null,
    createdAt: iso(row.createdAt),
  };
}

export const NoteSchema = z
  .strictObject({
    id: z.string(),
    conversationId: z.string().nullable(),
    contactId: z.string().nullable(),
    text: z.string(),
    author: z.string().meta({
      description:
        "Who wrote it: `rule:<rule id>` for a routing rule's `note` action, `ai:<model>` for what the AI tried before a hand-off",
    }),
    createdAt: TimestampSchema,
  })
  .meta({ id: "Note" });

export function noteView(row: NoteRow): z.infer<typeof NoteSchema> {
  return {
    id: row.id,
    conversationId: row.conversationId,
    contactId: row.contactId,
    text: row.text,
    author: row.author,
    createdAt: iso(row.createdAt),
  };
}
