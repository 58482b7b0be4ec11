/**
 * The single source of truth for what subscribers receive: the event envelope and the
 * `data` of every event type in CONTRACT.md. Types are inferred from these schemas; our
 * outgoing shapes are strict so a stray field is a bug caught in tests, not a leak.
 */
import { z } from "zod";

// `.meta({ id })` names a schema in /openapi.json (components.schemas), so subscribers' generated types share it.
export const PlatformSchema = z
  .enum(["tiktok", "whatsapp", "telegram", "line", "zalo", "x", "messenger", "instagram"])
  .meta({ id: "Platform" });
export type Platform = z.infer<typeof PlatformSchema>;

const isoTimestamp = z.iso.datetime({ offset: true });

export const ChannelRefSchema = z.strictObject({ id: z.string(), platform: PlatformSchema }).meta({ id: "ChannelRef" });

export const ContactRefSchema = z
  .strictObject({
    id: z.string(),
    platformUserId: z.string(),
    displayName: z.string().nullable(),
  })
  .meta({ id: "ContactRef" });

export const ConversationRefSchema = z.strictObject({ id: z.string(), platformThreadId: z.string() }).meta({ id: "ConversationRef" });

export const AttachmentKindSchema = z
  .enum(["image", "video", "audio", "file", "sticker", "location", "other"])
  .meta({ id: "AttachmentKind" });

export const AttachmentSchema = z
  .strictObject({
    kind: AttachmentKindSchema,
    url: z.string().nullable(),
    mimeType: z.string().nullable(),
    platformMediaId: z.string().nullable(),
  })
  .meta({ id: "Attachment" });
export type Attachment = z.infer<typeof AttachmentSchema>;

export const MessageSchema = z
  .strictObject({
    id: z.string(),
    platformMessageId: z.string(),
    direction: z.enum(["inbound", "outbound"]),
    sentAt: isoTimestamp,
    text: z.string().nullable(),
    attachments: z.array(AttachmentSchema),
  })
  .meta({ id: "EventMessage" });

/** Who wrote an outbound message. */
export const AuthorSchema = z
  .discriminatedUnion("type", [
    z.strictObject({ type: z.literal("agent"), agentId: z.string(), name: z.string() }).meta({ description: "An agent's reply" }),
    z.strictObject({ type: z.literal("bot") }).meta({ description: "A routing rule's automatic reply" }),
    z.strictObject({ type: z.literal("ai"), model: z.string().optional() }).meta({ description: "The AI tier's reply" }),
  ])
  .meta({ id: "Author" });
export type Author = z.infer<typeof AuthorSchema>;

export const SentMessageSchema = MessageSchema.extend({ author: AuthorSchema }).meta({ id: "EventSentMessage" });

const base = { workspaceId: z.string() };

export const MessageEventDataSchema = z
  .strictObject({
    ...base,
    channel: ChannelRefSchema,
    contact: ContactRefSchema,
    conversation: ConversationRefSchema,
    message: MessageSchema,
  })
  .meta({ id: "MessageEventData" });

export const MessageSentDataSchema = MessageEventDataSchema.extend({ message: SentMessageSchema }).meta({ id: "MessageSentData" });

export const MessageStatusDataSchema = z
  .strictObject({
    ...base,
    channel: ChannelRefSchema,
    contact: ContactRefSchema,
    conversation: ConversationRefSchema,
    platformMessageId: z.string(),
    status: z.enum(["delivered", "read", "failed"]),
    at: isoTimestamp,
  })
  .meta({ id: "MessageStatusData" });

export const ContactCreatedDataSchema = z
  .strictObject({
    ...base,
    channel: ChannelRefSchema,
    contact: ContactRefSchema,
  })
  .meta({ id: "ContactCreatedData" });

export const ConversationCreatedDataSchema = z
  .strictObject({
    ...base,
    channel: ChannelRefSchema,
    contact: ContactRefSchema,
    conversation: ConversationRefSchema,
  })
  .meta({ id: "ConversationCreatedData" });

export const TicketSchema = z
  .strictObject({
    id: z.string(),
    conversationId: z.string(),
    contactId: z.string(),
    channelId: z.string(),
    status: z.enum(["open", "pending", "resolved"]),
    assignee: z.string().nullable(),
    reason: z.string(),
    context: z.strictObject({
      intent: z.string().nullable(),
      sentiment: z.string().nullable(),
      orderId: z.string().nullable(),
      orderStatus: z.string().nullable(),
      enteredFrom: z
        .strictObject({ source: z.enum(["product", "order", "transfer"]), refId: z.string().nullable() })
        .nullable()
        .optional()
        .meta({ description: "Where the buyer opened the chat from (TikTok Shop), when the platform said" }),
      lastMessages: z.array(
        z.strictObject({ direction: z.enum(["inbound", "outbound"]), text: z.string().nullable(), sentAt: isoTimestamp }),
      ),
    }),
    createdAt: isoTimestamp,
    updatedAt: isoTimestamp,
  })
  .meta({ id: "Ticket" });

/** `channel` is absent when the ticket's channel has since been deleted. */
export const TicketEventDataSchema = z
  .strictObject({ ...base, channel: ChannelRefSchema.optional(), ticket: TicketSchema })
  .meta({ id: "TicketEventData" });

/** Our coarse order status; `platformStatus` keeps the platform's own word. */
export const OrderStatusSchema = z
  .enum(["pending", "processing", "shipped", "delivered", "completed", "cancellation_requested", "cancelled", "other"])
  .meta({ id: "OrderStatus" });
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const OrderUpdatedDataSchema = z
  .strictObject({
    ...base,
    channel: ChannelRefSchema,
    order: z.strictObject({ orderId: z.string(), status: OrderStatusSchema, platformStatus: z.string() }),
  })
  .meta({ id: "OrderUpdatedData" });

export const SlaDataSchema = z
  .strictObject({
    ...base,
    channel: ChannelRefSchema,
    contact: ContactRefSchema,
    conversation: ConversationRefSchema,
    clock: z.enum(["first_response", "agent_response"]),
    messageId: z.string(),
    startedAt: isoTimestamp,
    deadline: isoTimestamp,
    windowSeconds: z.number().int().positive(),
  })
  .meta({ id: "SlaData" });

export const ReplyWindowClosingDataSchema = z
  .strictObject({
    ...base,
    channel: ChannelRefSchema,
    contact: ContactRefSchema,
    conversation: ConversationRefSchema,
    /** When the platform stops accepting a normal reply to this buyer. */
    closesAt: isoTimestamp,
    /** The platform's rule, as `replyWindow.rule` on the conversation (`whatsapp_customer_service_24h`…). */
    rule: z.string(),
  })
  .meta({ id: "ReplyWindowClosingData" });

const EndpointRefSchema = z.strictObject({ id: z.string(), url: z.string() }).meta({ id: "EndpointRef" });

/** Operational: a delivery gave up. Endpoints receive operational events only when they list their type. */
export const DeliveryExhaustedDataSchema = z
  .strictObject({
    workspaceId: z.string(),
    endpoint: EndpointRefSchema,
    event: z.strictObject({ id: z.string(), type: z.string() }),
    /** `exhausted`: every scheduled attempt failed; `gateway_error`: the gateway itself could not process it. */
    reason: z.enum(["exhausted", "gateway_error"]),
    attempts: z.number().int().nonnegative(),
    lastAttempt: z.strictObject({ at: isoTimestamp, responseStatus: z.number().int().nullable(), error: z.string().nullable() }).nullable(),
  })
  .meta({ id: "DeliveryExhaustedData" });

export const DeliveryReplayedDataSchema = z
  .strictObject({
    workspaceId: z.string(),
    endpoint: EndpointRefSchema,
    eventIds: z.array(z.string()),
    since: isoTimestamp.nullable(),
  })
  .meta({ id: "DeliveryReplayedData" });

export const EndpointDisabledDataSchema = z
  .strictObject({
    workspaceId: z.string(),
    endpoint: EndpointRefSchema,
    /** `gone`: it answered 410; `failing`: no success for settings.deliveries.disableAfterFailingSeconds. */
    reason: z.enum(["gone", "failing"]),
    failingSince: isoTimestamp.nullable(),
    disabledAt: isoTimestamp,
  })
  .meta({ id: "EndpointDisabledData" });

/** A channel's health (`GET /v1/channels/{id}` shows the same three fields). */
export const ChannelStatusSchema = z.enum(["active", "needs_attention", "disconnected"]).meta({ id: "ChannelStatus" });
export type ChannelStatus = z.infer<typeof ChannelStatusSchema>;

export const ChannelStatusChangedDataSchema = z
  .strictObject({
    ...base,
    channel: z.strictObject({ id: z.string(), platform: PlatformSchema, status: ChannelStatusSchema, statusReason: z.string().nullable() }),
  })
  .meta({ id: "ChannelStatusChangedData" });

/** `message.received` → `MessageReceivedEvent`: the envelope's name in /openapi.json. */
export function eventSchemaId(type: string): string {
  return `${type.replace(/(?:^|[._])([a-z])/g, (_, letter: string) => letter.toUpperCase())}Event`;
}

function envelope<T extends string, D extends z.ZodType>(type: T, data: D, description: string) {
  return z
    .strictObject({
      id: z.string().startsWith("evt_"),
      type: z.literal(type),
      timestamp: isoTimestamp,
      data,
    })
    .meta({ id: eventSchemaId(type), description });
}

export const EventSchema = z
  .discriminatedUnion("type", [
    envelope("message.received", MessageEventDataSchema, "A customer's message reached the gateway."),
    envelope("message.sent", MessageSentDataSchema, "A reply, the bot's or an agent's, was taken by the platform (`direction: outbound`)."),
    envelope("message.status", MessageStatusDataSchema, "The platform reported a message delivered, read or failed."),
    envelope("contact.created", ContactCreatedDataSchema, "A customer wrote for the first time on this channel."),
    envelope("conversation.created", ConversationCreatedDataSchema, "A new thread began."),
    envelope(
      "ticket.created",
      TicketEventDataSchema,
      "A conversation was escalated to a human; `ticket` is as `GET /v1/tickets/{id}` shows it.",
    ),
    envelope("ticket.updated", TicketEventDataSchema, "A ticket was assigned, resolved or reopened."),
    envelope("order.updated", OrderUpdatedDataSchema, "The platform reported an order's new status."),
    envelope("sla.warning", SlaDataSchema, "A response clock reached `warningRatio` of its window."),
    envelope("sla.breached", SlaDataSchema, "A response clock passed its deadline."),
    envelope(
      "channel.status_changed",
      ChannelStatusChangedDataSchema,
      "A channel became `active`, `needs_attention` (a token about to expire, or refused once) or `disconnected` (the shop revoked the app, or a token could not be refreshed).",
    ),
    envelope(
      "conversation.reply_window_closing",
      ReplyWindowClosingDataSchema,
      "A platform's reply window closes in `settings.replyWindowWarningSeconds` and no reply has gone out since the buyer's last message; once per window.",
    ),
    envelope("delivery.exhausted", DeliveryExhaustedDataSchema, "A delivery used up its attempts, or the gateway could not process it."),
    envelope("delivery.replayed", DeliveryReplayedDataSchema, "Events were replayed to an endpoint."),
    envelope("endpoint.disabled", EndpointDisabledDataSchema, "An endpoint was disabled: it answered 410, or failed for too long."),
  ])
  .meta({ id: "Event", description: "The body of every delivery, and each item of `GET /v1/events`; `type` tells which." });

export type GatewayEvent = z.infer<typeof EventSchema>;
export type EventType = GatewayEvent["type"];
export type EventOfType<T extends EventType> = Extract<GatewayEvent, { type: T }>;
export type EventData<T extends EventType> = EventOfType<T>["data"];

export const EVENT_TYPES = EventSchema.options.map((option) => option.shape.type.value) as EventType[];

/** What the delivery machinery reports about itself; not part of "every type" (`eventTypes: []`). */
export const OPERATIONAL_EVENT_TYPES = [
  "delivery.exhausted",
  "delivery.replayed",
  "endpoint.disabled",
] as const satisfies readonly EventType[];
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];
export type OperationalEvent = EventOfType<OperationalEventType>;
export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]).meta({ id: "EventType" });
