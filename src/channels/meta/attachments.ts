/** Messenger/Instagram message attachments → our attachment kinds. Meta gives no MIME types. */
import type { Attachment } from "../../events/schema.ts";
import type { AttachmentPayload } from "./payload.ts";

const KIND_BY_TYPE: Record<string, Attachment["kind"]> = {
  image: "image",
  video: "video",
  audio: "audio",
  file: "file",
  location: "location",
};

/**
 * Stickers arrive as `image` attachments carrying `payload.sticker_id` (the id is kept as
 * `platformMediaId`). Every type we do not model (Messenger `fallback` links and templates,
 * Instagram `share`, `story_mention`, `ig_reel`…) is kept as `other` with its URL.
 */
export function toAttachment(attachment: AttachmentPayload): Attachment {
  const payload = attachment.payload ?? {};
  if (payload.sticker_id !== undefined) {
    return { kind: "sticker", url: payload.url || null, mimeType: null, platformMediaId: payload.sticker_id };
  }
  if (attachment.type === "location") {
    return { kind: "location", url: locationUrl(attachment), mimeType: null, platformMediaId: null };
  }
  const kind = Object.hasOwn(KIND_BY_TYPE, attachment.type) ? (KIND_BY_TYPE[attachment.type] ?? "other") : "other";
  return { kind, url: payload.url || attachment.url || null, mimeType: null, platformMediaId: null };
}

/** A `geo:` URI (RFC 5870) when Meta gives coordinates, else the map link it sent, if any. */
function locationUrl(attachment: AttachmentPayload): string | null {
  const coordinates = attachment.payload?.coordinates;
  if (coordinates) return `geo:${coordinates.lat},${coordinates.long}`;
  return attachment.url || null;
}
