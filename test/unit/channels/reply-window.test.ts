// Each platform's reply window, and that its adapter's send refuses by exactly that window.
import { describe, expect, it } from "vitest";
import { getAdapter, replyWindowOf, supportedPlatforms } from "../../../src/channels/registry.ts";
import { isWindowOpen, type OutboundText, type SendIo } from "../../../src/channels/types.ts";
import { messengerFixtures } from "../../fixtures/meta/index.ts";
import { instagramKit, messengerKit } from "../../fixtures/meta/kit.ts";
import { whatsappKit } from "../../fixtures/whatsapp/kit.ts";
import { zaloKit } from "../../fixtures/zalo/kit.ts";

const LAST = Date.parse("2026-11-26T03:00:00Z");
const HOUR = 3600_000;

describe("replyWindowOf", () => {
  it.each([
    ["whatsapp", 24, "whatsapp_customer_service_24h"],
    ["messenger", 24, "messenger_standard_24h"],
    ["instagram", 24, "instagram_standard_24h"],
    ["zalo", 48, "zalo_consultation_48h"],
  ])("%s closes %i h after the buyer's last message", (platform, hours, rule) => {
    expect(replyWindowOf(platform, { lastInboundAt: LAST })).toEqual({ closesAt: LAST + hours * HOUR, rule });
  });

  it.each(["tiktok", "telegram", "line", "x"])("%s has no window", (platform) => {
    expect(replyWindowOf(platform, { lastInboundAt: LAST, adReferralAt: LAST })).toEqual({ closesAt: null, rule: "none" });
  });

  it("covers every platform, and an unknown one has no window", () => {
    expect(supportedPlatforms().sort()).toEqual(["instagram", "line", "messenger", "telegram", "tiktok", "whatsapp", "x", "zalo"]);
    expect(replyWindowOf("myspace", { lastInboundAt: LAST })).toEqual({ closesAt: null, rule: "none" });
  });

  it("is closed where there is a window and the buyer never wrote", () => {
    const window = replyWindowOf("whatsapp", { lastInboundAt: null });
    expect(window.closesAt).toBe(0);
    expect(isWindowOpen(window, LAST)).toBe(false);
  });

  it("gives a Messenger conversation started from an ad 7 days from the referral", () => {
    expect(replyWindowOf("messenger", { lastInboundAt: LAST, adReferralAt: LAST })).toEqual({
      closesAt: LAST + 7 * 24 * HOUR,
      rule: "messenger_ad_referral_7d",
    });
    // A later message's 24 h outlast an old referral's 7 days: the standard window is the later one.
    const late = LAST + 7 * 24 * HOUR;
    expect(replyWindowOf("messenger", { lastInboundAt: late, adReferralAt: LAST })).toEqual({
      closesAt: late + 24 * HOUR,
      rule: "messenger_standard_24h",
    });
    // Instagram has no such window.
    expect(replyWindowOf("instagram", { lastInboundAt: LAST, adReferralAt: LAST })?.rule).toBe("instagram_standard_24h");
  });
});

describe("the window shown is the window send refuses by", () => {
  const ok = (): Response =>
    Response.json({ messages: [{ id: "wamid.x" }], message_id: "m_x", error: 0, data: { message_id: "z1" } }, { status: 200 });
  const kits = { whatsapp: whatsappKit, messenger: messengerKit, instagram: instagramKit, zalo: zaloKit };

  it.each(Object.entries(kits))(
    "%s: sends up to closesAt, refuses a millisecond later, without calling the platform",
    async (platform, kit) => {
      const adapter = getAdapter(platform);
      const facts = { lastInboundAt: LAST, adReferralAt: platform === "messenger" ? LAST : null };
      const closesAt = replyWindowOf(platform, facts).closesAt ?? 0;
      let calls = 0;
      const fetch = (async () => {
        calls++;
        return ok();
      }) as typeof globalThis.fetch;
      const io = (now: number): SendIo => ({ fetch, apiBase: undefined, now });
      const thread = platform === "whatsapp" ? "106540352242922:16505551234" : "7234567890123456";
      const user = platform === "whatsapp" ? "16505551234" : "7234567890123456";
      const message: OutboundText = {
        text: "hello",
        author: "bot",
        context: { platformThreadId: thread, platformUserId: user, replyToken: null, ...facts },
      };
      expect(await adapter?.send?.(message, kit.credentials, io(closesAt))).toMatchObject({ ok: true });
      expect(calls).toBe(1);
      expect(await adapter?.send?.(message, kit.credentials, io(closesAt + 1))).toMatchObject({ ok: false, kind: "refused" });
      expect(calls).toBe(1);
    },
  );
});

describe("Messenger normalize: click-to-Messenger ads", () => {
  it("marks a postback that came from an ad, with the ad's id", async () => {
    const result = getAdapter("messenger")?.normalize(messengerFixtures["messenger-ad-referral-postback"]);
    expect(result).toMatchObject({
      ok: true,
      items: [{ kind: "message", text: "Get Started", adReferral: { adId: "120210000000000042" } }],
    });
  });

  it("turns the referral event of a buyer re-entering a thread from an ad into a referral item", () => {
    expect(getAdapter("messenger")?.normalize(messengerFixtures["messenger-ad-referral-existing-thread"])).toEqual({
      ok: true,
      items: [
        {
          kind: "referral",
          platformThreadId: "7234567890123456",
          contact: { platformUserId: "7234567890123456", displayName: null },
          adId: "120210000000000042",
          at: 1717402500777,
        },
      ],
      ignored: [],
    });
  });

  it("marks no referral from an m.me link, nor a message without one", () => {
    const link = messengerFixtures["messenger-ad-referral-postback"].replace('"source": "ADS"', '"source": "SHORTLINK"');
    const linked = getAdapter("messenger")?.normalize(link);
    expect(linked?.ok && linked.items[0]).not.toHaveProperty("adReferral");
    const plain = getAdapter("messenger")?.normalize(messengerFixtures["messenger-text-message"]);
    expect(plain?.ok && plain.items[0]).not.toHaveProperty("adReferral");
  });
});
