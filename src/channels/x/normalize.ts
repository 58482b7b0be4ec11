/**
 * X account-activity delivery → inbound items: customers' direct messages become messages,
 * read receipts statuses, follows and blocks contact changes. The business's own messages
 * (echoes), typing indicators and non-DM activity are acknowledged and ignored.
 */
import type { Attachment } from "../../events/schema.ts";
import { tryParseJson } from "../../lib/json.ts";
import { summarizeIssues } from "../../lib/zod-issues.ts";
import type { ContactChangeItem, InboundItem, NormalizeResult } from "../types.ts";
import {
  type Delivery,
  DeliverySchema,
  type DirectMessageEvent,
  type EventUser,
  type Location,
  type MarkReadEvent,
  type Media,
  type MessageData,
  type RelationEvent,
} from "./payload.ts";

export function normalizeX(body: string): NormalizeResult {
  // Lossless: a bare 64-bit id (media `id`) must not be rounded.
  const json = tryParseJson(body);
  if (!json.ok) return { ok: false, reason: "body is not JSON" };
  const delivery = DeliverySchema.safeParse(json.value);
  if (!delivery.success) return { ok: false, reason: `not an X account-activity delivery: ${summarizeIssues(delivery.error)}` };
  return normalizeDelivery(delivery.data);
}

/** An item, or the reason the event yields none. */
type Outcome = InboundItem | string;

function normalizeDelivery(delivery: Delivery): NormalizeResult {
  const outcomes: Outcome[] = [
    ...(delivery.direct_message_events ?? []).map((event) => readDirectMessage(event, delivery)),
    ...(delivery.direct_message_mark_read_events ?? []).map((event) => readReceipt(event, delivery)),
    ...(delivery.follow_events ?? []).map((event) => readRelation(event, delivery)),
    ...(delivery.unfollow_events ?? []).map((event) => readRelation({ ...event, type: "unfollow" }, delivery)),
    ...(delivery.block_events ?? []).map((event) => readRelation(event, delivery)),
    ...Object.keys(delivery)
      .filter((key) => !READ_KEYS.has(key))
      .map((key) => ownEntry(IGNORED_KEYS, key) ?? `${key}: not direct-message activity`),
  ];
  return {
    ok: true,
    items: outcomes.filter((outcome): outcome is InboundItem => typeof outcome !== "string"),
    ignored: outcomes.filter((outcome): outcome is string => typeof outcome === "string"),
  };
}

/** Top-level keys read above, or lookup tables. */
const READ_KEYS = new Set([
  "for_user_id",
  "users",
  "apps",
  "direct_message_events",
  "direct_message_mark_read_events",
  "follow_events",
  "unfollow_events",
  "block_events",
]);

const IGNORED_KEYS: Record<string, string> = {
  direct_message_indicate_typing_events: "direct_message_indicate_typing_events: typing indicators are not messages",
  user_event: "user_event: the account revoked the app's access",
};

function readDirectMessage(event: DirectMessageEvent, delivery: Delivery): Outcome {
  const message = event.message_create;
  if (event.type !== "message_create" || !message) return `direct message event ${event.id} of type ${event.type} is not a message`;
  const business = delivery.for_user_id;
  // X delivers the business's own DMs too (sent from any app or x.com): never a customer message.
  if (message.sender_id === business) return `message ${event.id} was sent by the business account (echo)`;
  return {
    kind: "message",
    platformThreadId: oneToOneConversationId(business, message.sender_id),
    sender: { platformUserId: message.sender_id, displayName: displayName(delivery, message.sender_id) },
    // DM event ids are snowflakes, unique across X: no chat qualification needed.
    platformMessageId: event.id,
    sentAt: event.created_timestamp,
    ...readMessageData(message.message_data),
  };
}

function readMessageData(data: MessageData): { text: string | null; attachments: Attachment[] } {
  let text = data.text ?? "";
  const attachment = data.attachment;
  const attachments: Attachment[] = [];
  if (attachment?.media) {
    attachments.push(mediaAttachment(attachment.media));
    // X appends the media's t.co link to the text; what is left is the caption.
    const link = attachment.media.url;
    if (link && text.endsWith(link)) text = text.slice(0, -link.length).trim();
  } else if (attachment?.location) {
    attachments.push(locationAttachment(attachment.location));
  } else if (attachment) {
    attachments.push({ kind: "other", url: null, mimeType: null, platformMediaId: null });
  }
  // A quick reply's text is the option's label as the customer saw it; the metadata only when there is no label.
  if (!text && data.quick_reply_response?.metadata) text = data.quick_reply_response.metadata;
  return { text: text || null, attachments };
}

function mediaAttachment(media: Media): Attachment {
  const platformMediaId = media.id_str ?? media.id ?? null;
  switch (media.type) {
    case "photo":
      return { kind: "image", url: media.media_url_https ?? null, mimeType: null, platformMediaId };
    case "video":
    case "animated_gif": {
      // GIFs are MP4s on X. `media_url_https` is only the poster frame; the video is a variant.
      const variant = bestMp4Variant(media);
      return { kind: "video", url: variant?.url ?? null, mimeType: variant?.content_type ?? null, platformMediaId };
    }
    default:
      return { kind: "other", url: media.media_url_https ?? null, mimeType: null, platformMediaId };
  }
}

function bestMp4Variant(media: Media) {
  const mp4s = (media.video_info?.variants ?? []).filter((variant) => variant.content_type === "video/mp4");
  return mp4s.reduce<(typeof mp4s)[number] | undefined>(
    (best, variant) => (best === undefined || (variant.bitrate ?? 0) > (best.bitrate ?? 0) ? variant : best),
    undefined,
  );
}

/** Coordinates become a `geo:` URI (RFC 5870); a shared place keeps its place id. */
function locationAttachment(location: Location): Attachment {
  const point = location.shared_coordinate?.coordinates.coordinates;
  const url = point ? `geo:${point[1]},${point[0]}` : null;
  return { kind: "location", url, mimeType: null, platformMediaId: location.shared_place?.place.id ?? null };
}

function readReceipt(event: MarkReadEvent, delivery: Delivery): Outcome {
  const business = delivery.for_user_id;
  if (event.sender_id === business) return `the business account read up to ${event.last_read_event_id}`;
  return {
    kind: "status",
    platformThreadId: oneToOneConversationId(business, event.sender_id),
    contact: { platformUserId: event.sender_id, displayName: displayName(delivery, event.sender_id) },
    // Everything up to this DM event is read: X names the last one, not a time watermark.
    platformMessageId: event.last_read_event_id,
    status: "read",
    at: event.created_timestamp,
  };
}

const RELATION_CHANGES: Record<string, ContactChangeItem["change"]> = {
  follow: "followed",
  unfollow: "unfollowed",
  block: "blocked",
  unblock: "unblocked",
};

/**
 * A follow counts when the customer follows the business; the business following someone
 * changes nothing about that contact. A block either way ends the DM channel, so both count.
 */
function readRelation(event: RelationEvent, delivery: Delivery): Outcome {
  const business = delivery.for_user_id;
  const change = ownEntry(RELATION_CHANGES, event.type);
  if (!change) return `${event.type} event is not a contact change`;
  const isFollow = change === "followed" || change === "unfollowed";
  let contact: EventUser;
  if (event.target.id === business && event.source.id !== business) contact = event.source;
  else if (event.source.id === business && event.target.id !== business && !isFollow) contact = event.target;
  else return `${event.type} of ${event.target.id} by ${event.source.id} does not change a contact of the business`;
  return {
    kind: "contact",
    platformEventId: `${event.type}:${event.source.id}:${event.target.id}:${event.created_timestamp}`,
    platformThreadId: oneToOneConversationId(business, contact.id),
    contact: { platformUserId: contact.id, displayName: contact.name || contact.screen_name || displayName(delivery, contact.id) },
    change,
    at: event.created_timestamp,
  };
}

/**
 * X's id for a one-to-one DM conversation: both user ids, lower first, joined by "-". The
 * order is observed, not documented (UNCONFIRMED); it only needs to be stable here, since
 * replies go to the participant, not to this id.
 */
export function oneToOneConversationId(a: string, b: string): string {
  // Decimal ids of different lengths compare by length; of equal length, as text.
  const aFirst = a.length !== b.length ? a.length < b.length : a <= b;
  return aFirst ? `${a}-${b}` : `${b}-${a}`;
}

function displayName(delivery: Delivery, userId: string): string | null {
  const profile = delivery.users && ownEntry(delivery.users, userId);
  return profile?.name || profile?.screen_name || null;
}

/** A lookup by a key the platform chose: never an inherited `constructor` or `toString`. */
function ownEntry<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
