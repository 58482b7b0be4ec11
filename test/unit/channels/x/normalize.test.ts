import { describe, expect, it } from "vitest";
import { x } from "../../../../src/channels/x/index.ts";
import { oneToOneConversationId } from "../../../../src/channels/x/normalize.ts";
import { xFixtures } from "../../../fixtures/x/index.ts";

const BUSINESS = "1460000000000000001";
const CUSTOMER = "1530000000000000002";
const OTHER_CUSTOMER = "1530000000000000003";
const THREAD = `${BUSINESS}-${CUSTOMER}`;
const customer = { platformUserId: CUSTOMER, displayName: "Test Customer" };

function onlyItem(body: string) {
  const result = x.normalize(body);
  expect(result.ok, result.ok ? "" : result.reason).toBe(true);
  expect(result.ok && result.items).toHaveLength(1);
  return result.ok ? result.items[0] : undefined;
}

describe("X normalize: direct messages", () => {
  it("turns a customer's text DM into one message with exact string ids and ms time", () => {
    expect(x.normalize(xFixtures["dm-text-message"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: THREAD,
          sender: customer,
          platformMessageId: "1798000000000000101",
          sentAt: 1717401600123,
          text: "Hi! My order A1001 hasn't arrived yet.",
          attachments: [],
        },
      ],
    });
  });

  it("keeps a quick reply's label as the text", () => {
    expect(onlyItem(xFixtures["dm-quick-reply-response"])).toEqual({
      kind: "message",
      platformThreadId: THREAD,
      sender: customer,
      platformMessageId: "1798000000000000102",
      sentAt: 1717401660456,
      text: "Track my order",
      attachments: [],
    });
  });

  it("falls back to a quick reply's metadata when the label is empty", () => {
    const body = xFixtures["dm-quick-reply-response"].replace('"text": "Track my order"', '"text": ""');
    expect(onlyItem(body)).toMatchObject({ text: "track_order" });
  });

  it("turns a photo into an image attachment, its caption without the t.co link X appends", () => {
    expect(onlyItem(xFixtures["dm-media-message"])).toEqual({
      kind: "message",
      platformThreadId: THREAD,
      sender: customer,
      platformMessageId: "1798000000000000103",
      sentAt: 1717401720789,
      text: "Photo of the damage",
      attachments: [
        {
          kind: "image",
          url: "https://ton.twitter.com/1.1/ton/data/dm/1798000000000000103/1798000000000000999/example.jpg",
          mimeType: null,
          platformMediaId: "1798000000000000999",
        },
      ],
    });
  });

  it("reads a media id sent only as a bare number above 2^53 without rounding it", () => {
    const body = xFixtures["dm-media-message"].replace('"id_str": "1798000000000000999",', "");
    expect(body).not.toContain("id_str");
    expect(onlyItem(body)).toMatchObject({ attachments: [{ platformMediaId: "1798000000000000999" }] });
  });

  it("turns a video into its highest-bitrate MP4, not the poster frame", () => {
    expect(onlyItem(xFixtures["dm-video-message"])).toMatchObject({
      platformMessageId: "1798000000000000104",
      sentAt: 1717401840321,
      text: "Unboxing, the lid is cracked",
      attachments: [
        {
          kind: "video",
          url: "https://video.twimg.com/dm_video/1798000000000000998/vid/1280x720/example.mp4",
          mimeType: "video/mp4",
          platformMediaId: "1798000000000000998",
        },
      ],
    });
  });

  it("treats an animated GIF as a video", () => {
    const body = xFixtures["dm-video-message"].replace('"type": "video"', '"type": "animated_gif"');
    expect(onlyItem(body)).toMatchObject({ attachments: [{ kind: "video", mimeType: "video/mp4" }] });
  });

  it("gives a media-only DM (nothing but the t.co link) no text", () => {
    const body = xFixtures["dm-media-message"].replace("Photo of the damage https://t.co/AbCdEf1234", "https://t.co/AbCdEf1234");
    expect(onlyItem(body)).toMatchObject({ text: null, attachments: [{ kind: "image" }] });
  });

  it("turns a shared coordinate into a location attachment with a geo: URI (latitude first)", () => {
    expect(onlyItem(xFixtures["dm-location-message"])).toMatchObject({
      platformMessageId: "1798000000000000105",
      text: "I'm here, where is the pickup desk?",
      attachments: [{ kind: "location", url: "geo:10.77653,106.700981", mimeType: null, platformMediaId: null }],
    });
  });

  it("keeps an attachment of an unknown type as `other`", () => {
    const body = xFixtures["dm-location-message"].replace('"type": "location"', '"type": "card"').replace('"location": {', '"card": {');
    expect(onlyItem(body)).toMatchObject({ attachments: [{ kind: "other", url: null }] });
  });

  it("ignores the business account's own DMs (echoes)", () => {
    expect(x.normalize(xFixtures["dm-echo"])).toEqual({
      ok: true,
      items: [],
      ignored: ["message 1798000000000000200 was sent by the business account (echo)"],
    });
  });

  it("yields one item per event of a batched delivery, in order, without the echo", () => {
    const result = x.normalize(xFixtures["dm-batch"]);
    expect(result).toEqual({
      ok: true,
      ignored: ["message 1798000000000000302 was sent by the business account (echo)"],
      items: [
        {
          kind: "message",
          platformThreadId: THREAD,
          sender: customer,
          platformMessageId: "1798000000000000301",
          sentAt: 1717402000100,
          text: "Is there a size chart?",
          attachments: [],
        },
        {
          kind: "message",
          platformThreadId: `${BUSINESS}-${OTHER_CUSTOMER}`,
          sender: { platformUserId: OTHER_CUSTOMER, displayName: "Another Customer" },
          platformMessageId: "1798000000000000303",
          sentAt: 1717402060300,
          text: "Do you ship to Hanoi?",
          attachments: [],
        },
      ],
    });
  });

  it("falls back to the screen name, then to no name, when the users map lacks one", () => {
    const noName = xFixtures["dm-text-message"].replace('"name": "Test Customer",', "");
    expect(onlyItem(noName)).toMatchObject({ sender: { platformUserId: CUSTOMER, displayName: "test_customer_0002" } });
    const noUsers = JSON.stringify({ ...JSON.parse(xFixtures["dm-read-receipt"]), users: "junk" });
    expect(onlyItem(noUsers)).toMatchObject({ contact: { platformUserId: CUSTOMER, displayName: null } });
  });

  it("turns ids sent as numbers into strings, keeping those above 2^53 exact", () => {
    const body = xFixtures["dm-text-message"]
      .replace('"for_user_id": "1460000000000000001"', '"for_user_id": 1460000000000000001')
      .replace('"sender_id": "1530000000000000002"', '"sender_id": 1530000000000000002')
      .replace('"id": "1798000000000000101"', '"id": 42')
      .replace('"created_timestamp": "1717401600123"', '"created_timestamp": 1717401600123');
    expect(onlyItem(body)).toMatchObject({ platformThreadId: THREAD, platformMessageId: "42", sentAt: 1717401600123 });
  });

  it("ignores direct message events that are not message_create", () => {
    const body = xFixtures["dm-text-message"].replace('"type": "message_create"', '"type": "participants_join"');
    const result = x.normalize(body);
    expect(result).toMatchObject({ ok: true, items: [] });
    expect(result.ok && result.ignored).toEqual(["direct message event 1798000000000000101 of type participants_join is not a message"]);
  });
});

describe("X normalize: receipts, typing, follows and blocks", () => {
  it("turns a read receipt into a read status for the last read DM", () => {
    expect(x.normalize(xFixtures["dm-read-receipt"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "status",
          platformThreadId: THREAD,
          contact: customer,
          platformMessageId: "1798000000000000200",
          status: "read",
          at: 1717401800000,
        },
      ],
    });
  });

  it("ignores the business account reading the customer's messages", () => {
    const body = xFixtures["dm-read-receipt"]
      .replace('"sender_id": "1530000000000000002"', `"sender_id": "${BUSINESS}"`)
      .replace(`"recipient_id": "${BUSINESS}"`, `"recipient_id": "${CUSTOMER}"`);
    expect(x.normalize(body)).toEqual({ ok: true, items: [], ignored: ["the business account read up to 1798000000000000200"] });
  });

  it("ignores typing indicators", () => {
    expect(x.normalize(xFixtures["dm-typing-indicator"])).toEqual({
      ok: true,
      items: [],
      ignored: ["direct_message_indicate_typing_events: typing indicators are not messages"],
    });
  });

  it("turns a customer following the business into a `followed` contact change", () => {
    expect(x.normalize(xFixtures["follow-event"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "contact",
          platformEventId: `follow:${CUSTOMER}:${BUSINESS}:1717401500000`,
          platformThreadId: THREAD,
          contact: customer,
          change: "followed",
          at: 1717401500000,
        },
      ],
    });
  });

  it("turns an unfollow into `unfollowed`", () => {
    const body = xFixtures["follow-event"].replace('"type": "follow"', '"type": "unfollow"');
    expect(onlyItem(body)).toMatchObject({
      kind: "contact",
      change: "unfollowed",
      platformEventId: `unfollow:${CUSTOMER}:${BUSINESS}:1717401500000`,
    });
  });

  it("ignores the business account following someone", () => {
    const swapped = JSON.parse(xFixtures["follow-event"]);
    const [event] = swapped.follow_events;
    [event.source, event.target] = [event.target, event.source];
    const result = x.normalize(JSON.stringify(swapped));
    expect(result).toMatchObject({ ok: true, items: [] });
    expect(result.ok && result.ignored).toHaveLength(1);
  });

  it("turns the business blocking a user into a `blocked` change for that user", () => {
    expect(onlyItem(xFixtures["block-event"])).toEqual({
      kind: "contact",
      platformEventId: `block:${BUSINESS}:${OTHER_CUSTOMER}:1717402100000`,
      platformThreadId: `${BUSINESS}-${OTHER_CUSTOMER}`,
      contact: { platformUserId: OTHER_CUSTOMER, displayName: "Another Customer" },
      change: "blocked",
      at: 1717402100000,
    });
    const unblock = xFixtures["block-event"].replace('"type": "block"', '"type": "unblock"');
    expect(onlyItem(unblock)).toMatchObject({ change: "unblocked" });
  });

  it("acknowledges other account activity without items", () => {
    const body = JSON.stringify({ for_user_id: BUSINESS, favorite_events: [{ id: "1" }], user_event: { revoke: {} } });
    expect(x.normalize(body)).toEqual({
      ok: true,
      items: [],
      ignored: ["favorite_events: not direct-message activity", "user_event: the account revoked the app's access"],
    });
  });

  it("never mistakes a key or type named like an Object method for a known one", () => {
    const body = JSON.stringify({
      for_user_id: BUSINESS,
      constructor: [],
      follow_events: [{ ...JSON.parse(xFixtures["follow-event"]).follow_events[0], type: "toString" }],
      users: { [CUSTOMER]: {} },
    });
    expect(x.normalize(body)).toEqual({
      ok: true,
      items: [],
      ignored: ["toString event is not a contact change", "constructor: not direct-message activity"],
    });
  });
});

describe("X normalize: unreadable bodies", () => {
  it.each([
    ["not JSON", "{"],
    ["a JSON array", "[]"],
    ["a body without for_user_id", '{"direct_message_events":[]}'],
    ["an X Activity API (XAA) envelope", '{"event_uuid":"1","event_type":"dm.received","payload":{}}'],
    [
      "a message_create event without message_create",
      '{"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"3"}]}',
    ],
    [
      "a DM without sender_id",
      '{"for_user_id":"1","direct_message_events":[{"type":"message_create","id":"2","created_timestamp":"3","message_create":{"target":{"recipient_id":"1"},"message_data":{"text":"hi"}}}]}',
    ],
    [
      "a created_timestamp that is not milliseconds",
      '{"for_user_id":"1","direct_message_mark_read_events":[{"created_timestamp":"2024-06-03T08:00:00Z","sender_id":"2","target":{"recipient_id":"1"},"last_read_event_id":"3"}]}',
    ],
    ["an id that is a fraction", '{"for_user_id":1.5}'],
  ])("refuses %s with a reason instead of throwing", (_label, body) => {
    const result = x.normalize(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason.length).toBeGreaterThan(0);
  });
});

describe("oneToOneConversationId", () => {
  it("puts the numerically lower id first, whichever side sends", () => {
    expect(oneToOneConversationId(BUSINESS, CUSTOMER)).toBe(`${BUSINESS}-${CUSTOMER}`);
    expect(oneToOneConversationId(CUSTOMER, BUSINESS)).toBe(`${BUSINESS}-${CUSTOMER}`);
    expect(oneToOneConversationId("783214", "1460000000000000001")).toBe("783214-1460000000000000001");
  });
});
