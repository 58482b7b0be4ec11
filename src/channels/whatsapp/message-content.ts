/**
 * What a customer's WhatsApp message says: its `type` → text and attachments. Buttons and list
 * rows become their title (what the customer saw and tapped), a media caption becomes the text,
 * and a type this adapter does not know is kept as an `other` attachment rather than dropped.
 */
import type { Attachment } from "../../events/schema.ts";
import type { Media, Message } from "./payload.ts";

export type Content = { text: string | null; attachments: Attachment[] } | { ignored: string };

export function readContent(message: Message): Content {
  switch (message.type) {
    case "text":
      return { text: nonEmpty(message.text?.body), attachments: [] };
    case "image":
      return media("image", message.image);
    case "video":
      return media("video", message.video);
    case "audio":
      // Voice notes (`voice: true`) are audio too (CONTRACT.md).
      return media("audio", message.audio);
    case "document":
      return media("file", message.document);
    case "sticker":
      return media("sticker", message.sticker);
    case "location":
      return location(message.location);
    case "interactive":
      return interactive(message.interactive);
    case "button":
      return { text: nonEmpty(message.button?.text), attachments: [] };
    case "reaction": {
      const emoji = nonEmpty(message.reaction?.emoji);
      return emoji ? { text: emoji, attachments: [] } : { ignored: "the customer removed a reaction" };
    }
    case "contacts":
      return { text: contactCardsText(message.contacts ?? []), attachments: [other()] };
    case "order":
      return { text: nonEmpty(message.order?.text), attachments: [other()] };
    case "system":
      return { ignored: `system notice (${message.system?.type ?? "untyped"}), not written by the customer` };
    case "request_welcome":
      return { ignored: "the customer opened the chat for the first time; nothing was written yet" };
    default:
      // `unsupported`, `unknown` and types Meta adds later: the customer did send something.
      return { text: null, attachments: [other()] };
  }
}

function media(kind: Attachment["kind"], body: Media | undefined): Content {
  return {
    text: nonEmpty(body?.caption),
    attachments: [{ kind, url: body?.url ?? null, mimeType: body?.mime_type ?? null, platformMediaId: body?.id ?? null }],
  };
}

/** Coordinates travel as a `geo:` URI (RFC 5870); the place's name and address become the text. */
function location(body: Message["location"]): Content {
  const url = body ? `geo:${body.latitude},${body.longitude}` : null;
  const label = [body?.name, body?.address].filter((part) => part && part.length > 0).join("\n");
  return { text: nonEmpty(label), attachments: [{ kind: "location", url, mimeType: null, platformMediaId: null }] };
}

function interactive(body: Message["interactive"]): Content {
  const reply = body?.button_reply ?? body?.list_reply;
  if (reply) return { text: nonEmpty(reply.title), attachments: [] };
  // Flow answers (`nfm_reply`) and later kinds: structured data, kept as `other`.
  return { text: null, attachments: [other()] };
}

function contactCardsText(cards: NonNullable<Message["contacts"]>): string | null {
  const lines = cards.map((card) => {
    const phones = (card.phones ?? []).flatMap((entry) => (entry.phone ? [entry.phone] : []));
    const name = card.name?.formatted_name ?? "";
    return phones.length > 0 ? `${name} (${phones.join(", ")})`.trim() : name;
  });
  return nonEmpty(lines.filter((line) => line.length > 0).join("\n"));
}

function other(): Attachment {
  return { kind: "other", url: null, mimeType: null, platformMediaId: null };
}

function nonEmpty(text: string | undefined): string | null {
  return text && text.length > 0 ? text : null;
}
