/** Rows → the JSON the API answers with. Sealed secrets never leave through here. */
import type { AttemptRow } from "../storage/attempts.ts";
import type { ChannelRow } from "../storage/channels.ts";
import type { DeadLetterRow } from "../storage/dead-letters.ts";
import type { EndpointRow } from "../storage/endpoints.ts";
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
    durationMs: row.durationMs,
    error: row.error,
    createdAt: iso(row.createdAt),
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
    createdAt: iso(row.createdAt),
  };
}
