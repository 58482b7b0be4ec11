/**
 * A Telegram message's content → our text and attachments. Media carry their `file_id` as
 * `platformMediaId` and no url: the download url (`/file/bot<token>/<path>`, via `getFile`)
 * embeds the bot token, which must never leave the gateway.
 * @see https://core.telegram.org/bots/api#message
 * @see https://core.telegram.org/bots/api#getfile
 */
import type { Attachment } from "../../events/schema.ts";
import type { Message, PhotoSize } from "./payload.ts";

export interface MessageContent {
  text: string | null;
  attachments: Attachment[];
}

/** Content kinds that carry something for an agent but fit no attachment kind of ours. */
const OTHER_CONTENT_FIELDS = ["dice", "game", "poll", "story", "invoice", "paid_media", "giveaway", "checklist"] as const;

/** Null when the message carries no customer content (service messages: joins, pins, titles…). */
export function readMessageContent(message: Message): MessageContent | null {
  const attachment = readAttachment(message);
  const text = message.text ?? message.caption ?? describeSharedContent(message);
  if (attachment === null && text === null) return null;
  return { text, attachments: attachment ? [attachment] : [] };
}

function readAttachment(message: Message): Attachment | null {
  const file = (kind: Attachment["kind"], media: { file_id: string; mime_type?: string }): Attachment => ({
    kind,
    url: null,
    mimeType: media.mime_type ?? null,
    platformMediaId: media.file_id,
  });
  const photo = message.photo && largestPhoto(message.photo);
  if (photo) return { kind: "image", url: null, mimeType: null, platformMediaId: photo.file_id };
  // An animation (GIF or silent MPEG-4) also fills `document` for old clients: read it first.
  if (message.animation) return file("video", message.animation);
  if (message.video) return file("video", message.video);
  if (message.video_note) return file("video", message.video_note);
  if (message.voice) return file("audio", message.voice);
  if (message.audio) return file("audio", message.audio);
  if (message.document) return file("file", message.document);
  if (message.sticker) return file("sticker", message.sticker);
  const location = message.venue?.location ?? message.location;
  if (location) return { kind: "location", url: `geo:${location.latitude},${location.longitude}`, mimeType: null, platformMediaId: null };
  if (message.contact || OTHER_CONTENT_FIELDS.some((field) => message[field] !== undefined)) {
    return { kind: "other", url: null, mimeType: null, platformMediaId: null };
  }
  return null;
}

/** A photo comes in several sizes ("largest last" in practice); pick by pixel count to be sure. */
function largestPhoto(sizes: PhotoSize[]): PhotoSize | undefined {
  return sizes.reduce<PhotoSize | undefined>(
    (best, size) => (best === undefined || size.width * size.height >= best.width * best.height ? size : best),
    undefined,
  );
}

/** A venue's name and address, or a shared contact's name and phone: what the agent needs to read. */
function describeSharedContent(message: Message): string | null {
  if (message.venue) return `${message.venue.title}, ${message.venue.address}`;
  if (message.contact) {
    const { first_name, last_name, phone_number } = message.contact;
    return `${[first_name, last_name].filter(Boolean).join(" ")}: ${phone_number}`;
  }
  return null;
}
