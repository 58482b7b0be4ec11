import { describe, expect, it } from "vitest";
import { instagram } from "../../../../src/channels/meta/instagram.ts";
import type { NormalizeResult } from "../../../../src/channels/types.ts";
import { instagramFixtures, messengerFixtures } from "../../../fixtures/meta/index.ts";

const ACCOUNT = "17841400000000001";
const IGSID = "1029384756473829";
const customer = { platformUserId: IGSID, displayName: null };

function items(result: NormalizeResult) {
  if (!result.ok) throw new Error(result.reason);
  return result.items;
}

describe("Instagram normalize", () => {
  it("turns a text message into one message", () => {
    expect(instagram.normalize(instagramFixtures["instagram-text-message"])).toEqual({
      ok: true,
      ignored: [],
      items: [
        {
          kind: "message",
          platformThreadId: IGSID,
          sender: customer,
          platformMessageId: "aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwMQ",
          sentAt: 1717401900777,
          text: "Do you ship to Jakarta?",
          attachments: [],
        },
      ],
    });
  });

  it("ignores the account's echo and turns the customer's read receipt (by mid) into a status", () => {
    expect(instagram.normalize(instagramFixtures["instagram-echo-and-read"])).toEqual({
      ok: true,
      items: [
        {
          kind: "status",
          platformThreadId: IGSID,
          contact: customer,
          platformMessageId: "aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwMg",
          status: "read",
          at: 1717401990444,
        },
      ],
      ignored: ["echo of aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwMg: sent by the business, not the customer"],
    });
  });

  it("keeps text beside media as the caption, and story mentions as `other` attachments", () => {
    const cdn = "https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=";
    expect(items(instagram.normalize(instagramFixtures["instagram-media-and-story"]))).toEqual([
      {
        kind: "message",
        platformThreadId: IGSID,
        sender: customer,
        platformMessageId: "aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwMw",
        sentAt: 1717402140111,
        text: "Is this the same bag?",
        attachments: [
          { kind: "image", url: `${cdn}18000000000000001&signature=example`, mimeType: null, platformMediaId: null },
          { kind: "video", url: `${cdn}18000000000000002&signature=example`, mimeType: null, platformMediaId: null },
        ],
      },
      {
        kind: "message",
        platformThreadId: IGSID,
        sender: customer,
        platformMessageId: "aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwNA",
        sentAt: 1717402140222,
        text: null,
        attachments: [{ kind: "other", url: `${cdn}18000000000000003&signature=example`, mimeType: null, platformMediaId: null }],
      },
      {
        kind: "message",
        platformThreadId: IGSID,
        sender: customer,
        platformMessageId: "aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwNQ",
        sentAt: 1717402140333,
        text: "Love it, still in stock?",
        attachments: [],
      },
    ]);
  });

  it("turns a reaction and an ice-breaker postback into messages, and ignores an unsent message", () => {
    expect(instagram.normalize(instagramFixtures["instagram-reaction-postback-unsend"])).toEqual({
      ok: true,
      items: [
        {
          kind: "message",
          platformThreadId: IGSID,
          sender: customer,
          platformMessageId: "reaction:aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwMg:1717402200111",
          sentAt: 1717402200111,
          text: "👍",
          attachments: [],
        },
        {
          kind: "message",
          platformThreadId: IGSID,
          sender: customer,
          platformMessageId: "aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwNg",
          sentAt: 1717402200222,
          text: "Where is my order?",
          attachments: [],
        },
      ],
      ignored: ["aWdfZAG1faWQ6ZAmFrZTpJR01lc3NhZ2VJRDAwMDAwMDAwMDAwMDAwMDAwMw was unsent by the customer"],
    });
  });

  it("keeps a message the API cannot show as an `other` attachment", () => {
    const body = `{"object":"instagram","entry":[{"id":"${ACCOUNT}","time":1717402300000,"messaging":[{"sender":{"id":"${IGSID}"},"recipient":{"id":"${ACCOUNT}"},"timestamp":1717402300001,"message":{"mid":"aWdf_unsupported","is_unsupported":true}}]}]}`;
    expect(items(instagram.normalize(body))[0]).toMatchObject({
      text: null,
      attachments: [{ kind: "other", url: null, mimeType: null, platformMediaId: null }],
    });
  });

  it("keeps 17-digit account and user ids that arrive as JSON numbers exact", () => {
    const body = `{"object":"instagram","entry":[{"id":17841400000000001,"time":1717402300000,"messaging":[{"sender":{"id":17841499999999999},"recipient":{"id":17841400000000001},"timestamp":1717402300002,"message":{"mid":"aWdf_numeric","text":"hi"}}]}]}`;
    expect(items(instagram.normalize(body))[0]).toMatchObject({
      platformThreadId: "17841499999999999",
      sender: { platformUserId: "17841499999999999", displayName: null },
    });
  });

  it("recognises the account's own event when its id arrives as a number", () => {
    const body = `{"object":"instagram","entry":[{"id":17841400000000001,"time":1717402300000,"messaging":[{"sender":{"id":17841400000000001},"recipient":{"id":17841499999999999},"timestamp":1717402300003,"read":{"mid":"aWdf_x"}}]}]}`;
    expect(instagram.normalize(body)).toEqual({ ok: true, items: [], ignored: ["read receipt from the business itself"] });
  });

  it("ignores comment and feed changes delivered to the same callback", () => {
    const body = `{"object":"instagram","entry":[{"id":"${ACCOUNT}","time":1717402300000,"changes":[{"field":"comments","value":{"id":"1","text":"nice"}}]}]}`;
    expect(instagram.normalize(body)).toEqual({
      ok: true,
      items: [],
      ignored: [`entry ${ACCOUNT} carries changes (feed, comments), not messaging`],
    });
  });

  it("refuses a Messenger delivery: it belongs to the messenger channel", () => {
    expect(instagram.normalize(messengerFixtures["messenger-text-message"])).toEqual({
      ok: false,
      reason: `object "page" is not Instagram's "instagram"`,
    });
  });
});
