import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../../../../src/channels/types.ts";
import { whatsapp } from "../../../../src/channels/whatsapp/index.ts";
import { type WhatsAppFixtureName, whatsappFixtures } from "../../../fixtures/whatsapp/index.ts";

const PHONE_NUMBER_ID = "106540352242922";
const CUSTOMER = "16505551234";
const THREAD = `${PHONE_NUMBER_ID}:${CUSTOMER}`;
const TEST_CUSTOMER = { platformUserId: CUSTOMER, displayName: "Test Customer" };
const OTHER = { kind: "other", url: null, mimeType: null, platformMediaId: null } as const;

function only(name: WhatsAppFixtureName | string): InboundMessage {
  const body = name in whatsappFixtures ? whatsappFixtures[name as WhatsAppFixtureName] : name;
  const result = whatsapp.normalize(body);
  if (!result.ok) throw new Error(result.reason);
  expect(result.ignored).toEqual([]);
  expect(result.items).toHaveLength(1);
  const [item] = result.items;
  if (item?.kind !== "message") throw new Error(`expected a message, got ${item?.kind}`);
  return item;
}

describe("WhatsApp normalize: customer messages", () => {
  it("turns a text message into one message, decoding Meta's \\u escapes, with the time in ms", () => {
    expect(whatsapp.normalize(whatsappFixtures["text-message"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: THREAD,
          sender: TEST_CUSTOMER,
          platformMessageId: "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUI0RjFDMkQzRTRGNUE2QjdDOAA=",
          sentAt: 1717401600_000,
          text: "Olá! Has order A1001 shipped? 📦",
          attachments: [],
        },
      ],
    });
  });

  it("turns an image into an image attachment whose caption is the text", () => {
    expect(only("image-message")).toEqual({
      kind: "message",
      platformThreadId: THREAD,
      sender: TEST_CUSTOMER,
      platformMessageId: "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQ0RDVFNkY3MDgxOTJBM0I0QzVENgA=",
      sentAt: 1717401660_000,
      text: "The box arrived damaged",
      attachments: [{ kind: "image", url: null, mimeType: "image/jpeg", platformMediaId: "1203845762901847" }],
    });
  });

  it.each([
    [
      "video-message",
      "Unboxing: the lid is cracked",
      { kind: "video", url: null, mimeType: "video/mp4", platformMediaId: "1598203947261035" },
    ],
    [
      "document-message",
      "Invoice for order A1001",
      { kind: "file", url: null, mimeType: "application/pdf", platformMediaId: "2210394857261049" },
    ],
    ["sticker-message", null, { kind: "sticker", url: null, mimeType: "image/webp", platformMediaId: "1847261039582710" }],
  ] as const)("turns %s into its attachment kind", (name, text, attachment) => {
    const message = only(name);
    expect(message).toMatchObject({ platformThreadId: THREAD, sender: TEST_CUSTOMER, text, attachments: [attachment] });
  });

  it("turns a voice note into an audio attachment, with the sender's non-ASCII name", () => {
    expect(only("voice-message")).toEqual({
      kind: "message",
      platformThreadId: `${PHONE_NUMBER_ID}:351912345678`,
      sender: { platformUserId: "351912345678", displayName: "João Pereira" },
      platformMessageId: "wamid.HBgMMzUxOTEyMzQ1Njc4FQIAEhgUN0Y4MDkxQTJCM0M0RDVFNkY3ODkA",
      sentAt: 1717401960_000,
      text: null,
      attachments: [{ kind: "audio", url: null, mimeType: "audio/ogg; codecs=opus", platformMediaId: "1038472615930284" }],
    });
  });

  it("turns a location into a geo: URI, with the place's name and address as text", () => {
    expect(only("location-message")).toMatchObject({
      platformMessageId: "wamid.HBgMMzUxOTEyMzQ1Njc4FQIAEhgUQTJCM0M0RDVFNkY3ODkwQTFCMkMA",
      sentAt: 1717402140_000,
      text: "Loja Chiado\nRua Garrett 19, 1200-203 Lisboa",
      attachments: [{ kind: "location", url: "geo:38.7107,-9.1421", mimeType: null, platformMediaId: null }],
    });
  });

  it.each([
    ["interactive-button-reply", "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQ1RTZGNzA4MTkyQTNCNEM1RDZFNwA=", 1717401720_000, "Talk to an agent"],
    ["list-reply", "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBRENUU2Rjc4OTBBMUIyQzNENEU1RgA=", 1717402320_000, "Return an item"],
    ["template-quick-reply", "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBRDNEQ1RTZGNzg5MEExQjJDM0Q0RQA=", 1717402260_000, "Track my order"],
  ] as const)("turns %s into a message whose text is the button's title, not its payload", (name, id, sentAt, text) => {
    expect(only(name)).toEqual({
      kind: "message",
      platformThreadId: THREAD,
      sender: TEST_CUSTOMER,
      platformMessageId: id,
      sentAt,
      text,
      attachments: [],
    });
  });

  it("turns a reaction into a message whose text is the emoji", () => {
    expect(only("reaction-message")).toMatchObject({ text: "👍", attachments: [], sentAt: 1717402200_000 });
  });

  it("ignores a removed reaction (no emoji)", () => {
    const removed = whatsappFixtures["reaction-message"].replace(/,\s*"emoji": "[^"]*"/, "");
    expect(removed).not.toContain("emoji");
    const result = whatsapp.normalize(removed);
    expect(result).toMatchObject({ ok: true, items: [] });
    expect(result.ok && result.ignored).toEqual([
      "message wamid.HBgLMTY1MDU1NTEyMzQVAgASGBRCM0M0RDVFNkY3ODkwQTFCMkMzRAA=: the customer removed a reaction",
    ]);
  });

  it("turns shared contact cards into their names and numbers, with an `other` attachment", () => {
    expect(only("contacts-message")).toMatchObject({ text: "Ana Souza (+351 912 000 111)", attachments: [OTHER] });
  });

  it("keeps an unsupported message (a poll, say) as an `other` attachment rather than dropping it", () => {
    expect(only("unsupported-message")).toEqual({
      kind: "message",
      platformThreadId: THREAD,
      sender: TEST_CUSTOMER,
      platformMessageId: "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBRGNzg5MEExQjJDM0Q0RTVGNjA3MQA=",
      sentAt: 1717402440_000,
      text: null,
      attachments: [OTHER],
    });
  });

  it("keeps ids that arrive as JSON numbers as exact strings, even above 2^53", () => {
    const body = whatsappFixtures["image-message"]
      .replace(`"phone_number_id": "${PHONE_NUMBER_ID}"`, `"phone_number_id": ${PHONE_NUMBER_ID}`)
      .replace(/"from": "16505551234"/, `"from": 16505551234`)
      .replace(`"id": "1203845762901847"`, `"id": 12038457629018470001`)
      .replace(`"timestamp": "1717401660"`, `"timestamp": 1717401660`);
    expect(only(body)).toMatchObject({
      platformThreadId: THREAD,
      sender: { platformUserId: CUSTOMER },
      sentAt: 1717401660_000,
      attachments: [{ platformMediaId: "12038457629018470001" }],
    });
  });

  it("keys a customer who hides their number by the business-scoped user id", () => {
    const bsuid = "US.13491208655302741918";
    const body = whatsappFixtures["text-message"]
      .replace(`"wa_id": "${CUSTOMER}"`, `"user_id": "${bsuid}"`)
      .replace(`"from": "${CUSTOMER}"`, `"from_user_id": "${bsuid}"`);
    expect(body).not.toContain(CUSTOMER);
    expect(only(body)).toMatchObject({
      platformThreadId: `${PHONE_NUMBER_ID}:${bsuid}`,
      sender: { platformUserId: bsuid, displayName: "Test Customer" },
    });
  });

  it("falls back to the only contact's id when the message carries no sender field", () => {
    const body = whatsappFixtures["text-message"].replace(`"from": "${CUSTOMER}",`, "");
    expect(only(body)).toMatchObject({ platformThreadId: THREAD, sender: TEST_CUSTOMER });
  });

  it("has no display name when the delivery carries no contacts", () => {
    const body = whatsappFixtures["text-message"].replace(/"contacts": \[[\s\S]*?\],\s*"messages"/, `"messages"`);
    expect(only(body).sender).toEqual({ platformUserId: CUSTOMER, displayName: null });
  });
});

describe("WhatsApp normalize: receipts", () => {
  it("turns a delivered status into a status item for the recipient's thread", () => {
    expect(whatsapp.normalize(whatsappFixtures["status-update"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "status",
          platformThreadId: THREAD,
          contact: { platformUserId: CUSTOMER, displayName: null },
          platformMessageId: "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA",
          status: "delivered",
          at: 1717401690_000,
        },
      ],
    });
  });

  it("ignores a `sent` status, which the contract does not report", () => {
    const sent = whatsappFixtures["status-update"].replace(`"status": "delivered"`, `"status": "sent"`);
    expect(whatsapp.normalize(sent)).toEqual({
      ok: true,
      items: [],
      ignored: ["status sent of wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA is not reported (only delivered, read, failed)"],
    });
  });
});

describe("WhatsApp normalize: batches", () => {
  it("yields one item per message and status, across changes, in order", () => {
    expect(whatsapp.normalize(whatsappFixtures.batched)).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: `${PHONE_NUMBER_ID}:447700900123`,
          sender: { platformUserId: "447700900123", displayName: "Demo Buyer" },
          platformMessageId: "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUNkY3MDgxOTJBM0I0QzVENkU3RjgA",
          sentAt: 1717401800_000,
          text: "Hi",
          attachments: [],
        },
        {
          kind: "message",
          platformThreadId: `${PHONE_NUMBER_ID}:447700900123`,
          sender: { platformUserId: "447700900123", displayName: "Demo Buyer" },
          platformMessageId: "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgUNzA4MTkyQTNCNEM1RDZFN0Y4MDkA",
          sentAt: 1717401803_000,
          text: "I want a refund for order A1002",
          attachments: [],
        },
        {
          kind: "status",
          platformThreadId: THREAD,
          contact: { platformUserId: CUSTOMER, displayName: null },
          platformMessageId: "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA",
          status: "read",
          at: 1717401805_000,
        },
        {
          kind: "status",
          platformThreadId: `${PHONE_NUMBER_ID}:447700900123`,
          contact: { platformUserId: "447700900123", displayName: null },
          platformMessageId: "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSMEExQjJDM0Q0RTVGNjA3MTgA",
          status: "failed",
          at: 1717401806_000,
        },
      ],
    });
  });

  it("dead-letters the whole batch when one of its messages is unreadable", () => {
    const broken = whatsappFixtures.batched.replace(`"timestamp": "1717401803"`, `"timestamp": "yesterday"`);
    const result = whatsapp.normalize(broken);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^WABA 102290129340398, field messages: messages\.1\.timestamp/);
  });
});

describe("WhatsApp normalize: nothing to route", () => {
  it("ignores echoes of the business's own messages from the WhatsApp Business app", () => {
    expect(whatsapp.normalize(whatsappFixtures["smb-message-echo"])).toEqual({
      ok: true,
      items: [],
      ignored: ["smb_message_echoes: the business's own messages, sent from the WhatsApp Business app"],
    });
  });

  it("ignores a message whose sender is the business number itself", () => {
    const echo = whatsappFixtures["text-message"].replace(`"from": "${CUSTOMER}"`, `"from": "15550783881"`);
    const result = whatsapp.normalize(echo);
    expect(result).toMatchObject({ ok: true, items: [] });
    expect(result.ok && result.ignored).toEqual([
      "message wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUI0RjFDMkQzRTRGNUE2QjdDOAA= was sent by the business number itself",
    ]);
  });

  it("ignores a system notice such as a changed phone number", () => {
    expect(whatsapp.normalize(whatsappFixtures["system-message"])).toEqual({
      ok: true,
      items: [],
      ignored: [
        "message wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQ4OTBBMUIyQzNENEU1RjYwNzE4MgA=: system notice (user_changed_number), not written by the customer",
      ],
    });
  });

  it("ignores other subscribed fields, such as a template review", () => {
    expect(whatsapp.normalize(whatsappFixtures["template-status-update"])).toEqual({
      ok: true,
      items: [],
      ignored: ["field message_template_status_update carries no customer message or receipt"],
    });
  });
});

describe("WhatsApp normalize: unreadable bodies", () => {
  const message = (fields: string) =>
    `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"2"},"messages":[{${fields}}]}}]}]}`;

  it.each([
    ["not JSON", "{"],
    ["a JSON array", "[]"],
    ["a Messenger body", '{"object":"page","entry":[]}'],
    [
      "a messages change without metadata",
      '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{}}]}]}',
    ],
    ["a message without id", message('"from":"3","timestamp":"1","type":"text"')],
    ["a message without sender", message('"id":"wamid.x","timestamp":"1","type":"text"')],
    ["a fractional timestamp", message('"from":"3","id":"wamid.x","timestamp":1.5,"type":"text"')],
    [
      "a status without recipient",
      '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"2"},"statuses":[{"id":"wamid.x","status":"read","timestamp":"1"}]}}]}]}',
    ],
  ])("refuses %s with a reason instead of throwing", (_label, body) => {
    const result = whatsapp.normalize(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });
});
