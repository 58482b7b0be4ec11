/**
 * The single source of truth for what subscribers receive: the event envelope and the
 * `data` of every event type in CONTRACT.md. Types are inferred from these schemas; our
 * outgoing shapes are strict so a stray field is a bug caught in tests, not a leak.
 */
import { z } from "zod";

export const PlatformSchema = z.enum(["tiktok", "whatsapp", "telegram", "line", "zalo", "x", "messenger", "instagram"]);
export type Platform = z.infer<typeof PlatformSchema>;

const isoTimestamp = z.iso.datetime({ offset: true });

export const ChannelRefSchema = z.strictObject({ id: z.string(), platform: PlatformSchema });

export const ContactRefSchema = z.strictObject({
  id: z.string(),
  platformUserId: z.string(),
  displayName: z.string().nullable(),
});

export const ConversationRefSchema = z.strictObject({ id: z.string(), platformThreadId: z.string() });

export const AttachmentKindSchema = z.enum(["image", "video", "audio", "file", "sticker", "location", "other"]);

export const AttachmentSchema = z.strictObject({
  kind: AttachmentKindSchema,
  url: z.string().nullable(),
  mimeType: z.string().nullable(),
  platformMediaId: z.string().nullable(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const MessageSchema = z.strictObject({
  id: z.string(),
  platformMessageId: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  sentAt: isoTimestamp,
  text: z.string().nullable(),
  attachments: z.array(AttachmentSchema),
});

const base = { workspaceId: z.string() };

export const MessageEventDataSchema = z.strictObject({
  ...base,
  channel: ChannelRefSchema,
  contact: ContactRefSchema,
  conversation: ConversationRefSchema,
  message: MessageSchema,
});

export const MessageStatusDataSchema = z.strictObject({
  ...base,
  channel: ChannelRefSchema,
  contact: ContactRefSchema,
  conversation: ConversationRefSchema,
  platformMessageId: z.string(),
  status: z.enum(["delivered", "read", "failed"]),
  at: isoTimestamp,
});

export const ContactCreatedDataSchema = z.strictObject({
  ...base,
  channel: ChannelRefSchema,
  contact: ContactRefSchema,
});

export const ConversationCreatedDataSchema = z.strictObject({
  ...base,
  channel: ChannelRefSchema,
  contact: ContactRefSchema,
  conversation: ConversationRefSchema,
});

export const TicketSchema = z.strictObject({
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
    lastMessages: z.array(
      z.strictObject({ direction: z.enum(["inbound", "outbound"]), text: z.string().nullable(), sentAt: isoTimestamp }),
    ),
  }),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
});

/** `channel` is absent when the ticket's channel has since been deleted. */
export const TicketEventDataSchema = z.strictObject({ ...base, channel: ChannelRefSchema.optional(), ticket: TicketSchema });

/** Our coarse order status; `platformStatus` keeps the platform's own word. */
export const OrderStatusSchema = z.enum([
  "pending",
  "processing",
  "shipped",
  "delivered",
  "completed",
  "cancellation_requested",
  "cancelled",
  "other",
]);
export type OrderStatus = z.infer<typeof OrderStatusSchema>;

export const OrderUpdatedDataSchema = z.strictObject({
  ...base,
  channel: ChannelRefSchema,
  order: z.strictObject({ orderId: z.string(), status: OrderStatusSchema, platformStatus: z.string() }),
});

export const SlaDataSchema = z.strictObject({
  ...base,
  channel: ChannelRefSchema,
  contact: ContactRefSchema,
  conversation: ConversationRefSchema,
  clock: z.enum(["first_response", "agent_response"]),
  messageId: z.string(),
  startedAt: isoTimestamp,
  deadline: isoTimestamp,
  windowSeconds: z.number().int().positive(),
});

const EndpointRefSchema = z.strictObject({ id: z.string(), url: z.string() });

/** Operational: a delivery gave up. Endpoints receive operational events only when they list their type. */
export const DeliveryExhaustedDataSchema = z.strictObject({
  workspaceId: z.string(),
  endpoint: EndpointRefSchema,
  event: z.strictObject({ id: z.string(), type: z.string() }),
  /** `exhausted`: every scheduled attempt failed; `gateway_error`: the gateway itself could not process it. */
  reason: z.enum(["exhausted", "gateway_error"]),
  attempts: z.number().int().nonnegative(),
  lastAttempt: z.strictObject({ at: isoTimestamp, responseStatus: z.number().int().nullable(), error: z.string().nullable() }).nullable(),
});

export const DeliveryReplayedDataSchema = z.strictObject({
  workspaceId: z.string(),
  endpoint: EndpointRefSchema,
  eventIds: z.array(z.string()),
  since: isoTimestamp.nullable(),
});

export const EndpointDisabledDataSchema = z.strictObject({
  workspaceId: z.string(),
  endpoint: EndpointRefSchema,
  /** `gone`: it answered 410; `failing`: no success for settings.deliveries.disableAfterFailingSeconds. */
  reason: z.enum(["gone", "failing"]),
  failingSince: isoTimestamp.nullable(),
  disabledAt: isoTimestamp,
});

function envelope<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({
    id: z.string().startsWith("evt_"),
    type: z.literal(type),
    timestamp: isoTimestamp,
    data,
  });
}

export const EventSchema = z.discriminatedUnion("type", [
  envelope("message.received", MessageEventDataSchema),
  envelope("message.sent", MessageEventDataSchema),
  envelope("message.status", MessageStatusDataSchema),
  envelope("contact.created", ContactCreatedDataSchema),
  envelope("conversation.created", ConversationCreatedDataSchema),
  envelope("ticket.created", TicketEventDataSchema),
  envelope("ticket.updated", TicketEventDataSchema),
  envelope("order.updated", OrderUpdatedDataSchema),
  envelope("sla.warning", SlaDataSchema),
  envelope("sla.breached", SlaDataSchema),
  envelope("delivery.exhausted", DeliveryExhaustedDataSchema),
  envelope("delivery.replayed", DeliveryReplayedDataSchema),
  envelope("endpoint.disabled", EndpointDisabledDataSchema),
]);

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
export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]);
