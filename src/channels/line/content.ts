/**
 * A LINE message's content → our text and attachments. LINE media has no caption, and the
 * bytes of media LINE hosts are fetched with the channel access token from
 * `GET https://api-data.line.me/v2/bot/message/{messageId}/content`, so such attachments carry
 * the message id as `platformMediaId` and no URL.
 * @see https://developers.line.biz/en/reference/messaging-api/#message-event
 */
import type { Attachment } from "../../events/schema.ts";
import type { MessageContent } from "./payload.ts";

export interface ReadContent {
  text: string | null;
  attachments: Attachment[];
}

export function readMessageContent(message: MessageContent): ReadContent {
  switch (message.type) {
    case "text":
      return { text: nonEmpty(message.text), attachments: [] };
    case "image":
    case "video":
    case "audio":
      return { text: null, attachments: [media(message.type, message)] };
    case "file":
      return { text: null, attachments: [media("file", message)] };
    case "sticker":
      // A "message sticker" carries words the user typed on it; the sticker itself is
      // identified by package and sticker id together, as the send API takes them.
      return {
        text: nonEmpty(message.text),
        attachments: [{ kind: "sticker", url: null, mimeType: null, platformMediaId: stickerMediaId(message) }],
      };
    case "location":
      return {
        text: locationText(message),
        attachments: [{ kind: "location", url: geoUri(message), mimeType: null, platformMediaId: null }],
      };
    default:
      // A message type added after this adapter was written: kept, not dropped.
      return { text: nonEmpty(message.text), attachments: [{ kind: "other", url: null, mimeType: null, platformMediaId: message.id }] };
  }
}

/** Media LINE hosts has no public URL; media from an external provider has one. */
function media(kind: Attachment["kind"], message: MessageContent): Attachment {
  const provider = message.contentProvider;
  const url = provider?.type === "external" ? nonEmpty(provider.originalContentUrl) : null;
  return { kind, url, mimeType: null, platformMediaId: message.id };
}

function stickerMediaId(message: MessageContent): string | null {
  return message.packageId && message.stickerId ? `${message.packageId}:${message.stickerId}` : null;
}

/** The place's title and address, one per line, as a person would read them. */
function locationText(message: MessageContent): string | null {
  const lines = [message.title, message.address].filter((line): line is string => Boolean(line));
  return lines.length > 0 ? lines.join("\n") : null;
}

/** RFC 5870 `geo:` URI, so the coordinates travel in the attachment's `url`. */
function geoUri(message: MessageContent): string | null {
  const { latitude, longitude } = message;
  return latitude === undefined || longitude === undefined ? null : `geo:${latitude},${longitude}`;
}

function nonEmpty(text: string | undefined): string | null {
  return text ? text : null;
}
