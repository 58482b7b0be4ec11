import { describe, expect, it } from "vitest";
import { messenger } from "../../../../src/channels/meta/messenger.ts";
import type { NormalizeResult } from "../../../../src/channels/types.ts";
import { instagramFixtures, messengerFixtures } from "../../../fixtures/meta/index.ts";

const PAGE = "104857600123456";
const PSID = "7234567890123456";
const customer = { platformUserId: PSID, displayName: null };

/** A one-event Page webhook, written as Meta sends it (the event as raw JSON text). */
function pageWebhook(event: string, entryId = PAGE): string {
  return `{"object":"page","entry":[{"id":"${entryId}","time":1717402300000,"messaging":[${event}]}]}`;
}

function items(result: NormalizeResult) {
  if (!result.ok) throw new Error(result.reason);
  return result.items;
}

describe("Messenger normalize", () => {
  it("turns a text message into one message, with Meta's \\u escapes decoded and times in ms", () => {
    expect(messenger.normalize(messengerFixtures["messenger-text-message"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: PSID,
          sender: customer,
          platformMessageId: "m_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3fakeMid001",
          sentAt: 1717401600321,
          text: "Café order #A1001: can I change the delivery address? 🙏",
          attachments: [],
        },
      ],
    });
  });

  it("turns an image message into an image attachment with no text", () => {
    expect(items(messenger.normalize(messengerFixtures["messenger-image-message"]))).toEqual([
      {
        kind: "message",
        platformThreadId: PSID,
        sender: customer,
        platformMessageId: "m_Bc2De3Fg4Hi5Jk6Lm7No8Pq9Rs0Tu1Vw2Xy3Za4fakeMid002",
        sentAt: 1717401660654,
        text: null,
        attachments: [
          {
            kind: "image",
            url: "https://scontent.xx.fbcdn.net/v/t1.15752-9/000000000_0000000000000000_0000000000000000000_n.jpg?example=1",
            mimeType: null,
            platformMediaId: null,
          },
        ],
      },
    ]);
  });

  it("yields one item per event of a batched delivery: audio, file, sticker, location and a shared link", () => {
    const result = items(messenger.normalize(messengerFixtures["messenger-attachments-batched"]));
    expect(result.map((item) => item.kind === "message" && [item.platformMessageId, item.sentAt, item.text, item.attachments])).toEqual([
      [
        "m_Hi8Jk9Lm0No1Pq2Rs3Tu4Vw5Xy6Za7Bc8De9Fg0fakeMid008",
        1717401960101,
        null,
        [
          {
            kind: "audio",
            url: "https://cdn.fbsbx.com/v/t59.3654-21/000000000_0000000000000000_n.mp4/audioclip-1717401960.mp4?example=1",
            mimeType: null,
            platformMediaId: null,
          },
        ],
      ],
      [
        "m_Ij9Kl0Mn1Op2Qr3St4Uv5Wx6Yz7Ab8Cd9Ef0Gh1fakeMid009",
        1717401960202,
        null,
        [
          {
            kind: "file",
            url: "https://cdn.fbsbx.com/v/t59.2708-21/000000000_0000000000000000_n.pdf/invoice-A1001.pdf?example=1",
            mimeType: null,
            platformMediaId: null,
          },
        ],
      ],
      [
        "m_Jk0Lm1No2Pq3Rs4Tu5Vw6Xy7Za8Bc9De0Fg1Hi2fakeMid010",
        1717401960303,
        null,
        [
          {
            kind: "sticker",
            url: "https://scontent.xx.fbcdn.net/v/t39.1997-6/000000000_369239263222822_0000000000000000000_n.png?example=1",
            mimeType: null,
            platformMediaId: "369239263222822",
          },
        ],
      ],
      [
        "m_Kl1Mn2Op3Qr4St5Uv6Wx7Yz8Ab9Cd0Ef1Gh2Ij3fakeMid011",
        1717401960404,
        null,
        [{ kind: "location", url: "geo:-6.2088,106.8456", mimeType: null, platformMediaId: null }],
      ],
      [
        "m_Lm2No3Pq4Rs5Tu6Vw7Xy8Za9Bc0De1Fg2Hi3Jk4fakeMid012",
        1717401960505,
        "This one, in blue: https://shop.example/p/42",
        [{ kind: "other", url: "https://shop.example/p/42", mimeType: null, platformMediaId: null }],
      ],
    ]);
    expect(result.every((item) => item.kind === "message" && item.platformThreadId === PSID)).toBe(true);
  });

  it("keeps a location's map link when Meta sends no coordinates", () => {
    const body = pageWebhook(
      `{"sender":{"id":"${PSID}"},"recipient":{"id":"${PAGE}"},"timestamp":1717402300001,"message":{"mid":"m_loc","attachments":[{"type":"location","url":"https://maps.example/x","payload":{}}]}}`,
    );
    expect(items(messenger.normalize(body))[0]).toMatchObject({ attachments: [{ kind: "location", url: "https://maps.example/x" }] });
  });

  it("turns a postback into a message whose text is the button's title", () => {
    expect(items(messenger.normalize(messengerFixtures["messenger-postback"]))).toEqual([
      {
        kind: "message",
        platformThreadId: PSID,
        sender: customer,
        platformMessageId: "m_Cd3Ef4Gh5Ij6Kl7Mn8Op9Qr0St1Uv2Wx3Yz4Ab5fakeMid003",
        sentAt: 1717401720777,
        text: "Talk to an agent",
        attachments: [],
      },
    ]);
  });

  it("falls back to the payload for an untitled postback, and to (sender, time) for one without mid", () => {
    const body = pageWebhook(
      `{"sender":{"id":"${PSID}"},"recipient":{"id":"${PAGE}"},"timestamp":1717402300002,"postback":{"payload":"GET_STARTED"}}`,
    );
    expect(items(messenger.normalize(body))[0]).toMatchObject({ platformMessageId: `postback:${PSID}:1717402300002`, text: "GET_STARTED" });
  });

  it("turns a quick reply into a message whose text is the tapped title", () => {
    expect(items(messenger.normalize(messengerFixtures["messenger-quick-reply"]))[0]).toEqual({
      kind: "message",
      platformThreadId: PSID,
      sender: customer,
      platformMessageId: "m_Gh7Ij8Kl9Mn0Op1Qr2St3Uv4Wx5Yz6Ab7Cd8Ef9fakeMid007",
      sentAt: 1717401900432,
      text: "Track my order",
      attachments: [],
    });
  });

  it("turns delivery and read receipts into statuses, and yields every event of a batch", () => {
    expect(messenger.normalize(messengerFixtures["messenger-delivery-read-batched"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "status",
          platformThreadId: PSID,
          contact: customer,
          platformMessageId: "m_De4Fg5Hi6Jk7Lm8No9Pq0Rs1Tu2Vw3Xy4Za5Bc6fakeMid004",
          status: "delivered",
          at: 1717401779950,
        },
        {
          kind: "status",
          platformThreadId: PSID,
          contact: customer,
          platformMessageId: "watermark:1717401779900",
          status: "read",
          at: 1717401781050,
        },
        {
          kind: "message",
          platformThreadId: "6123456789012345",
          sender: { platformUserId: "6123456789012345", displayName: null },
          platformMessageId: "m_Ef5Gh6Ij7Kl8Mn9Op0Qr1St2Uv3Wx4Yz5Ab6Cd7fakeMid005",
          sentAt: 1717401782111,
          text: "Is this in stock?",
          attachments: [],
        },
      ],
    });
  });

  it("gives one delivered status per mid, and a watermark status when there are none", () => {
    const twoMids = pageWebhook(
      `{"sender":{"id":"${PSID}"},"recipient":{"id":"${PAGE}"},"timestamp":1717402300003,"delivery":{"mids":["m_a","m_b"],"watermark":1717402300000}}`,
    );
    expect(items(messenger.normalize(twoMids)).map((item) => item.kind === "status" && item.platformMessageId)).toEqual(["m_a", "m_b"]);
    const watermarkOnly = pageWebhook(
      `{"sender":{"id":"${PSID}"},"recipient":{"id":"${PAGE}"},"timestamp":1717402300004,"delivery":{"watermark":1717402299999}}`,
    );
    expect(items(messenger.normalize(watermarkOnly))).toEqual([
      {
        kind: "status",
        platformThreadId: PSID,
        contact: customer,
        platformMessageId: "watermark:1717402299999",
        status: "delivered",
        at: 1717402300004,
      },
    ]);
  });

  it("ignores a receipt that names neither a message nor a watermark", () => {
    const body = pageWebhook(`{"sender":{"id":"${PSID}"},"recipient":{"id":"${PAGE}"},"timestamp":1717402300005,"read":{}}`);
    expect(messenger.normalize(body)).toEqual({ ok: true, items: [], ignored: ["read receipt names no message and no watermark"] });
  });

  it("never makes a message of the Page's own echo", () => {
    expect(messenger.normalize(messengerFixtures["messenger-echo"])).toEqual({
      ok: true,
      items: [],
      ignored: ["echo of m_Fg6Hi7Jk8Lm9No0Pq1Rs2Tu3Vw4Xy5Za6Bc7De8fakeMid006: sent by the business, not the customer"],
    });
  });

  it("ignores a message sent by the Page even without is_echo", () => {
    const body = pageWebhook(
      `{"sender":{"id":"${PAGE}"},"recipient":{"id":"${PSID}"},"timestamp":1717402300006,"message":{"mid":"m_own","text":"hi"}}`,
    );
    expect(messenger.normalize(body)).toEqual({ ok: true, items: [], ignored: ["m_own was sent by the business itself"] });
  });

  it("turns a reaction into a message whose text is the emoji, and ignores its removal", () => {
    expect(messenger.normalize(messengerFixtures["messenger-reaction"])).toEqual({
      ok: true,
      items: [
        {
          kind: "message",
          platformThreadId: PSID,
          sender: customer,
          platformMessageId: "reaction:m_Fg6Hi7Jk8Lm9No0Pq1Rs2Tu3Vw4Xy5Za6Bc7De8fakeMid006:1717402020555",
          sentAt: 1717402020555,
          text: "❤️",
          attachments: [],
        },
      ],
      ignored: ["reaction unreact on m_Fg6Hi7Jk8Lm9No0Pq1Rs2Tu3Vw4Xy5Za6Bc7De8fakeMid006"],
    });
  });

  it("ignores standby (handover) events and event kinds that are not messages or receipts", () => {
    expect(messenger.normalize(messengerFixtures["messenger-standby-and-optin"])).toEqual({
      ok: true,
      items: [],
      ignored: [
        `1 standby event(s) for ${PAGE}: another app owns the conversation (handover protocol)`,
        "referral from SHORTLINK, not an ad",
      ],
    });
  });

  it("keeps ids beyond 2^53 that arrive as JSON numbers exact, as strings", () => {
    const body = `{"object":"page","entry":[{"id":104857600123456,"time":1717402300000,"messaging":[{"sender":{"id":72345678901234567},"recipient":{"id":104857600123456},"timestamp":1717402300007,"message":{"mid":"m_num","text":"hi"}}]}]}`;
    expect(items(messenger.normalize(body))[0]).toMatchObject({
      platformThreadId: "72345678901234567",
      sender: { platformUserId: "72345678901234567", displayName: null },
    });
  });

  it("takes the entry's time when an event has no timestamp", () => {
    const body = pageWebhook(`{"sender":{"id":"${PSID}"},"recipient":{"id":"${PAGE}"},"message":{"mid":"m_untimed","text":"hi"}}`);
    expect(items(messenger.normalize(body))[0]).toMatchObject({ sentAt: 1717402300000 });
  });

  it("refuses an Instagram delivery: it belongs to the instagram channel", () => {
    expect(messenger.normalize(instagramFixtures["instagram-text-message"])).toEqual({
      ok: false,
      reason: `object "instagram" is not Messenger's "page"`,
    });
  });

  it.each([
    ["not JSON", "{", "body is not JSON"],
    ["a JSON array", "[]", "not a Messenger webhook"],
    ["a body without entry", '{"object":"page"}', "not a Messenger webhook"],
    [
      "a message without mid",
      pageWebhook(`{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1,"message":{"text":"hi"}}`),
      "entry[0].messaging[0]: message",
    ],
    [
      "an event without sender",
      pageWebhook(`{"recipient":{"id":"2"},"timestamp":1,"message":{"mid":"m","text":"hi"}}`),
      "entry[0].messaging[0]: message",
    ],
    [
      "an event with no time at all",
      `{"object":"page","entry":[{"id":"1","messaging":[{"sender":{"id":"2"},"recipient":{"id":"1"},"message":{"mid":"m"}}]}]}`,
      "no timestamp",
    ],
    [
      "a fractional timestamp",
      pageWebhook(`{"sender":{"id":"1"},"recipient":{"id":"2"},"timestamp":1.5,"message":{"mid":"m"}}`),
      "timestamp",
    ],
    ["an event that is not an object", pageWebhook("42"), "event is not an object"],
  ])("refuses %s with a reason instead of throwing", (_label, body, reason) => {
    const result = messenger.normalize(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
