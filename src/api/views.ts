/** Rows → the JSON the API answers with. Sealed secrets never leave through here. */
import type { AttemptRow } from "../storage/attempts.ts";
import type { ChannelRow } from "../storage/channels.ts";
import type { DeadLetterRow } from "../storage/dead-letters.ts";
import type { EndpointRow } from "../storage/endpoints.ts";
import type { DeliveryRow } from "../storage/event-deliveries.ts";
import type { ContactRow, ConversationRow, MessageRow } from "../storage/inbox.ts";
import { iso } from "./validation.ts";

export function webhookUrl(origin: string | null, platform: string, channelId: string): string {
  return `${origin ?? ""}/webhooks/${platform}/${channelId}`;
}

export function channelView(row: ChannelRow, origin: string | null) {
  return {
    id: row.id,
    platform: row.platform,
    name: row.name,
    webhookUrl: webhookUrl(origin, row.platform, row.id),
    credentials: JSON.parse(row.publicCredentials) as Record<string, string>,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function endpointView(row: EndpointRow) {
  return {
    id: row.id,
    url: row.url,
    eventTypes: JSON.parse(row.eventTypes) as string[],
    description: row.description,
    enabled: row.enabled,
    rateLimitPerSecond: row.rateLimitPerSecond,
    maxConcurrency: row.maxConcurrency,
    /** `manual`, `gone` (it answered 410) or `failing` (no success for too long); null while enabled. */
    disabledReason: row.disabledReason,
    disabledAt: iso(row.disabledAt),
    failingSince: iso(row.failingSince),
    /** While set and in the future, the previous secret still signs next to the current one. */
    previousSecretExpiresAt: iso(row.previousSecretExpiresAt),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function attemptView(row: AttemptRow) {
  return {
    id: row.id,
    eventId: row.eventId,
    attempt: row.attempt,
    status: row.status,
    responseStatus: row.responseStatus,
    /** The first KiB of the subscriber's answer. */
    responseBody: row.responseBody,
    durationMs: row.durationMs,
    error: row.error,
    createdAt: iso(row.createdAt),
  };
}

/** An event that did not reach an endpoint: `failed` (with why) or `held` while the endpoint was disabled. */
export function failedEventView(row: DeliveryRow) {
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

export function deadLetterView(row: DeadLetterRow) {
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

export function contactView(row: ContactRow) {
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

export function conversationView(row: ConversationRow) {
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
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export function messageView(row: MessageRow) {
  return {
    id: row.id,
    conversationId: row.conversationId,
    contactId: row.contactId,
    channelId: row.channelId,
    platformMessageId: row.platformMessageId,
    direction: row.direction,
    author: row.author,
    status: row.status,
    error: row.error,
    sentAt: iso(row.sentAt),
    text: row.text,
    attachments: JSON.parse(row.attachments) as unknown[],
    /** Inbound: the classification and the routing decision, for the agent. */
    routing: row.routing ? (JSON.parse(row.routing) as unknown) : null,
    createdAt: iso(row.createdAt),
  };
}
