/**
 * LINE webhook body → inbound items, one per event: messages and postbacks become messages,
 * follow/unfollow become contact changes, every other event type is acknowledged and ignored.
 * An event of a known type that cannot be read makes the whole body a dead letter, so nothing
 * is silently lost; the events already handled are de-duplicated when it is retried.
 * @see https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects
 */
import { tryParseJson } from "../../lib/json.ts";
import { summarizeIssues } from "../../lib/zod-issues.ts";
import type { ContactChangeItem, InboundItem, InboundMessage, NormalizeResult } from "../types.ts";
import { readMessageContent } from "./content.ts";
import {
  type EventBase,
  EventBaseSchema,
  FollowEventSchema,
  MessageEventSchema,
  PostbackEventSchema,
  type Source,
  WebhookBodySchema,
} from "./payload.ts";

/**
 * How long after the event we still trust its reply token. LINE asks for a reply within about
 * a minute and guarantees nothing; 30 s is the margin its older behaviour proved safe.
 * @see https://developers.line.biz/en/reference/messaging-api/#send-reply-message
 */
export const REPLY_TOKEN_BUDGET_MS = 30_000;

type EventOutcome = { item: InboundItem } | { ignored: string } | { unreadable: string };

export function normalizeLine(body: string): NormalizeResult {
  const json = tryParseJson(body);
  if (!json.ok) return { ok: false, reason: "body is not JSON" };
  const envelope = WebhookBodySchema.safeParse(json.value);
  if (!envelope.success) return { ok: false, reason: `not a LINE webhook body: ${summarizeIssues(envelope.error)}` };

  // `events: []` is the console's "Verify" request: a valid delivery with nothing in it.
  const items: InboundItem[] = [];
  const ignored: string[] = [];
  for (const [index, event] of envelope.data.events.entries()) {
    const outcome = normalizeEvent(event);
    if ("unreadable" in outcome) return { ok: false, reason: `events[${index}]: ${outcome.unreadable}` };
    if ("item" in outcome) items.push(outcome.item);
    else ignored.push(outcome.ignored);
  }
  return { ok: true, items, ignored };
}

function normalizeEvent(raw: unknown): EventOutcome {
  const base = EventBaseSchema.safeParse(raw);
  if (!base.success) return { unreadable: summarizeIssues(base.error) };
  switch (base.data.type) {
    case "message":
      return normalizeMessage(raw);
    case "postback":
      return normalizePostback(raw);
    case "follow":
    case "unfollow":
      return normalizeFollow(raw, base.data.type);
    case "unsend":
      return { ignored: `unsend event ${eventKey(base.data)}: retracted messages are not modelled` };
    default:
      // join/leave, memberJoined/memberLeft, accountLink, beacon, membership, messageEdited…
      return { ignored: `${base.data.type} event ${eventKey(base.data)} carries no customer message or contact change` };
  }
}

function normalizeMessage(raw: unknown): EventOutcome {
  const parsed = MessageEventSchema.safeParse(raw);
  if (!parsed.success) return { unreadable: `message event: ${summarizeIssues(parsed.error)}` };
  const event = parsed.data;
  const { text, attachments } = readMessageContent(event.message);
  // LINE message ids are unique across the platform, and kept on redeliveries.
  return toMessage(event, event.message.id, text, attachments);
}

/** A tapped postback button: its `data` is the text, keyed by the event's own id. */
function normalizePostback(raw: unknown): EventOutcome {
  const parsed = PostbackEventSchema.safeParse(raw);
  if (!parsed.success) return { unreadable: `postback event: ${summarizeIssues(parsed.error)}` };
  const event = parsed.data;
  return toMessage(event, eventKey(event), event.postback.data || null, []);
}

function toMessage(
  event: EventBase,
  platformMessageId: string,
  text: string | null,
  attachments: InboundMessage["attachments"],
): EventOutcome {
  const threadId = threadOf(event.source);
  if (threadId === null) return { unreadable: `${event.type} event has no source user, group or room` };
  const message: InboundMessage = {
    kind: "message",
    platformThreadId: threadId,
    // LINE omits the member's id in groups for users of other clients than iOS/Android; the
    // group then stands in as the sender, so the message is still kept.
    sender: { platformUserId: event.source?.userId ?? threadId, displayName: null },
    platformMessageId,
    sentAt: event.timestamp,
    text,
    attachments,
  };
  // In standby mode another module answers the chat: its reply token is not ours.
  if (event.replyToken && event.mode !== "standby") {
    message.replyToken = { token: event.replyToken, expiresAt: event.timestamp + REPLY_TOKEN_BUDGET_MS };
  }
  return { item: message };
}

/** LINE's `unfollow` is the user blocking the account; `follow.isUnblocked` marks the way back. */
function normalizeFollow(raw: unknown, type: string): EventOutcome {
  const parsed = FollowEventSchema.safeParse(raw);
  if (!parsed.success) return { unreadable: `${type} event: ${summarizeIssues(parsed.error)}` };
  const event = parsed.data;
  const userId = event.source?.userId;
  if (!userId) return { ignored: `${event.type} event ${eventKey(event)} has no user id` };
  const change: ContactChangeItem["change"] = event.type === "unfollow" ? "blocked" : event.follow?.isUnblocked ? "unblocked" : "followed";
  return {
    item: {
      kind: "contact",
      platformEventId: eventKey(event),
      platformThreadId: threadOf(event.source),
      contact: { platformUserId: userId, displayName: null },
      change,
      at: event.timestamp,
    },
  };
}

/** Where a reply is pushed: the group or room for group chats, else the user. */
function threadOf(source: Source | undefined): string | null {
  return source?.groupId ?? source?.roomId ?? source?.userId ?? null;
}

/** `webhookEventId` survives redeliveries; the composite covers payloads that lack it. */
function eventKey(event: EventBase): string {
  return event.webhookEventId ?? `${event.type}:${threadOf(event.source) ?? "unknown"}:${event.timestamp}`;
}
