import { describe, expect, it } from "vitest";
import { instagram } from "../../../../src/channels/meta/instagram.ts";
import { messenger } from "../../../../src/channels/meta/messenger.ts";
import { GRAPH_API_VERSION } from "../../../../src/channels/meta/send.ts";
import type { OutboundText, SendIo } from "../../../../src/channels/types.ts";
import { INSTAGRAM_TEST_CHANNEL, MESSENGER_TEST_CHANNEL } from "../../../fixtures/meta/index.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");
const HOUR = 3600_000;
const PSID = "7234567890123456";

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that records each request and answers with `respond()`. */
function fakeFetch(respond: () => Response | Promise<Response>): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return respond();
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

const sent = () => json(200, { recipient_id: PSID, message_id: "m_sentReply0001" });

function reply(lastInboundAt: number | null = NOW - HOUR, recipient = PSID): OutboundText {
  return { text: "We are on it.", context: { platformThreadId: recipient, platformUserId: recipient, lastInboundAt, replyToken: null } };
}

function io(fetch: typeof globalThis.fetch, apiBase?: string): SendIo {
  return { fetch, apiBase, now: NOW };
}

describe("Messenger send", () => {
  it("posts the documented body to /<version>/<page-id>/messages with the Page token as a bearer", async () => {
    const fake = fakeFetch(sent);
    const result = await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch));
    expect(result).toEqual({ ok: true, platformMessageId: "m_sentReply0001" });
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call?.url).toBe(`https://graph.facebook.com/${GRAPH_API_VERSION}/104857600123456/messages`);
    expect(call?.init.method).toBe("POST");
    const headers = new Headers(call?.init.headers);
    expect(headers.get("authorization")).toBe(`Bearer ${MESSENGER_TEST_CHANNEL.pageAccessToken}`);
    expect(headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(String(call?.init.body))).toEqual({
      recipient: { id: PSID },
      messaging_type: "RESPONSE",
      message: { text: "We are on it." },
    });
    expect(call?.url).not.toContain("access_token");
  });

  it("posts to /me/messages when the channel has no pageId", async () => {
    const fake = fakeFetch(sent);
    const { pageId: _omitted, ...withoutPageId } = MESSENGER_TEST_CHANNEL;
    await messenger.send?.(reply(), withoutPageId, io(fake.fetch));
    expect(fake.calls[0]?.url).toBe(`https://graph.facebook.com/${GRAPH_API_VERSION}/me/messages`);
  });

  it("sends to MESSENGER_API_BASE instead of graph.facebook.com, keeping the path", async () => {
    const fake = fakeFetch(sent);
    await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch, "http://127.0.0.1:9001/"));
    expect(fake.calls[0]?.url).toBe(`http://127.0.0.1:9001/${GRAPH_API_VERSION}/104857600123456/messages`);
  });

  it("answers platformMessageId null when Meta's success body has no message_id", async () => {
    const fake = fakeFetch(() => json(200, { recipient_id: PSID }));
    expect(await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch))).toEqual({ ok: true, platformMessageId: null });
  });

  it("sends up to exactly 24 hours after the customer's last message", async () => {
    const fake = fakeFetch(sent);
    expect(await messenger.send?.(reply(NOW - 24 * HOUR), MESSENGER_TEST_CHANNEL, io(fake.fetch))).toMatchObject({ ok: true });
  });

  it("refuses, without calling Meta, once the 24-hour window has closed, naming the HUMAN_AGENT tag", async () => {
    const fake = fakeFetch(sent);
    const result = await messenger.send?.(reply(NOW - 24 * HOUR - 1), MESSENGER_TEST_CHANNEL, io(fake.fetch));
    expect(result).toMatchObject({ ok: false, kind: "refused" });
    expect(result?.ok === false && result.kind === "refused" && result.reason).toMatch(
      /24-hour standard messaging window is closed \(the customer last wrote 24 h ago\).*HUMAN_AGENT.*7 days/,
    );
    expect(fake.calls).toHaveLength(0);
  });

  describe("after 24 hours, with the Human Agent permission (messageTag HUMAN_AGENT)", () => {
    const tagged = { ...MESSENGER_TEST_CHANNEL, messageTag: "HUMAN_AGENT" as const };
    const late = (author: "agent" | "bot", hoursAgo: number): OutboundText => ({ ...reply(NOW - hoursAgo * HOUR), author });

    it("sends an agent's reply tagged HUMAN_AGENT up to 7 days after the customer's last message", async () => {
      const fake = fakeFetch(sent);
      expect(await messenger.send?.(late("agent", 30), tagged, io(fake.fetch))).toMatchObject({ ok: true });
      expect(JSON.parse(String(fake.calls[0]?.init.body))).toEqual({
        recipient: { id: PSID },
        messaging_type: "MESSAGE_TAG",
        tag: "HUMAN_AGENT",
        message: { text: "We are on it." },
      });
      expect(await messenger.send?.(late("agent", 7 * 24), tagged, io(fake.fetch))).toMatchObject({ ok: true });
    });

    it("never tags the bot's reply, nor a reply past 7 days, nor one from a channel without the permission", async () => {
      const fake = fakeFetch(sent);
      const bot = await messenger.send?.(late("bot", 30), tagged, io(fake.fetch));
      expect(bot).toMatchObject({ ok: false, kind: "refused", reason: expect.stringContaining("automatic replies never do") });
      expect(await messenger.send?.(late("agent", 7 * 24 + 1), tagged, io(fake.fetch))).toMatchObject({ ok: false, kind: "refused" });
      const untagged = await messenger.send?.(late("agent", 30), MESSENGER_TEST_CHANNEL, io(fake.fetch));
      expect(untagged).toMatchObject({ ok: false, kind: "refused", reason: expect.stringContaining('messageTag: "HUMAN_AGENT"') });
      expect(fake.calls).toHaveLength(0);
    });

    it("tags Instagram's late agent reply the same way", async () => {
      const fake = fakeFetch(sent);
      const result = await instagram.send?.(late("agent", 48), { ...INSTAGRAM_TEST_CHANNEL, messageTag: "HUMAN_AGENT" }, io(fake.fetch));
      expect(result).toMatchObject({ ok: true });
      expect(JSON.parse(String(fake.calls[0]?.init.body))).toMatchObject({ messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" });
    });
  });

  it("refuses, without calling Meta, when the customer never wrote", async () => {
    const fake = fakeFetch(sent);
    const result = await messenger.send?.(reply(null), MESSENGER_TEST_CHANNEL, io(fake.fetch));
    expect(result).toMatchObject({ ok: false, kind: "refused", reason: expect.stringContaining("has not written") });
    expect(fake.calls).toHaveLength(0);
  });

  it("retries a 429 after its Retry-After", async () => {
    const fake = fakeFetch(() => json(429, { error: { message: "Too many calls", code: 4 } }, { "retry-after": "30" }));
    expect(await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch))).toEqual({
      ok: false,
      kind: "retry",
      error: "Too many calls (code 4)",
      status: 429,
      retryAfterSeconds: 30,
    });
  });

  it.each([
    [4, "(#4) Application request limit reached"],
    [613, "(#613) Calls to this API have exceeded the rate limit."],
    [1200, "Temporary send message failure. Please try again later."],
    [80006, "There have been too many messages sent to this Page."],
  ])("retries Meta's rate-limit or temporary code %i even when it comes as HTTP 400", async (code, message) => {
    const fake = fakeFetch(() => json(400, { error: { message, type: "OAuthException", code, fbtrace_id: "AbC" } }));
    expect(await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch))).toEqual({
      ok: false,
      kind: "retry",
      error: `${message} (code ${code})`,
      status: 400,
    });
  });

  it("retries an error Graph marks is_transient", async () => {
    const fake = fakeFetch(() => json(400, { error: { message: "Please retry", code: 100, is_transient: true } }));
    expect(await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch))).toMatchObject({
      ok: false,
      kind: "retry",
      status: 400,
    });
  });

  it.each([500, 503])("retries a %i, with Meta's text when the body is not JSON", async (status) => {
    const fake = fakeFetch(() => new Response("upstream unavailable", { status }));
    expect(await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch))).toEqual({
      ok: false,
      kind: "retry",
      error: `Messenger API answered HTTP ${status}: upstream unavailable`,
      status,
    });
  });

  it.each([
    [
      400,
      { message: "(#100) No matching user found", type: "OAuthException", code: 100, error_subcode: 2018001 },
      "(#100) No matching user found (code 100, subcode 2018001)",
    ],
    [
      400,
      { message: "(#10) This message is sent outside of allowed window.", type: "OAuthException", code: 10, error_subcode: 2018278 },
      "(#10) This message is sent outside of allowed window. (code 10, subcode 2018278)",
    ],
    [401, { message: "Invalid OAuth access token.", type: "OAuthException", code: 190 }, "Invalid OAuth access token. (code 190)"],
  ])("fails a %i with Meta's own error message and codes", async (status, error, expected) => {
    const fake = fakeFetch(() => json(status, { error }));
    expect(await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch))).toEqual({
      ok: false,
      kind: "failed",
      error: expected,
      status,
    });
  });

  it("retries when Meta cannot be reached", async () => {
    const fake = fakeFetch(() => {
      throw new TypeError("fetch failed");
    });
    expect(await messenger.send?.(reply(), MESSENGER_TEST_CHANNEL, io(fake.fetch))).toEqual({
      ok: false,
      kind: "retry",
      error: "platform API unreachable: fetch failed",
      status: null,
    });
  });
});

describe("Instagram send", () => {
  const IGSID = "1029384756473829";

  it("posts Instagram's documented body (no messaging_type) to the linked Page on graph.facebook.com", async () => {
    const fake = fakeFetch(() => json(200, { recipient_id: IGSID, message_id: "aWdf_sent" }));
    const result = await instagram.send?.(reply(NOW - HOUR, IGSID), INSTAGRAM_TEST_CHANNEL, io(fake.fetch));
    expect(result).toEqual({ ok: true, platformMessageId: "aWdf_sent" });
    const [call] = fake.calls;
    expect(call?.url).toBe(`https://graph.facebook.com/${GRAPH_API_VERSION}/104857600123456/messages`);
    expect(new Headers(call?.init.headers).get("authorization")).toBe(`Bearer ${INSTAGRAM_TEST_CHANNEL.pageAccessToken}`);
    expect(JSON.parse(String(call?.init.body))).toEqual({ recipient: { id: IGSID }, message: { text: "We are on it." } });
  });

  const instagramLogin = { appSecret: "s", verifyToken: "v", pageAccessToken: "IGAAtestInstagramUserToken" };

  it("sends an Instagram-Login token (IGAA…) to graph.instagram.com: /<account id>/messages, or /me/messages", async () => {
    const fake = fakeFetch(() => json(200, { recipient_id: IGSID, message_id: "aWdf_sent" }));
    await instagram.send?.(reply(NOW - HOUR, IGSID), { ...instagramLogin, pageId: "17841400000000001" }, io(fake.fetch));
    await instagram.send?.(reply(NOW - HOUR, IGSID), instagramLogin, io(fake.fetch));
    expect(fake.calls.map((call) => call.url)).toEqual([
      `https://graph.instagram.com/${GRAPH_API_VERSION}/17841400000000001/messages`,
      `https://graph.instagram.com/${GRAPH_API_VERSION}/me/messages`,
    ]);
    expect(new Headers(fake.calls[0]?.init.headers).get("authorization")).toBe("Bearer IGAAtestInstagramUserToken");
  });

  it("sends to INSTAGRAM_API_BASE whatever the token's host", async () => {
    const fake = fakeFetch(() => json(200, { message_id: "aWdf_sent" }));
    await instagram.send?.(
      reply(NOW - HOUR, IGSID),
      { ...instagramLogin, pageId: "17841400000000001" },
      io(fake.fetch, "http://127.0.0.1:9002"),
    );
    expect(fake.calls[0]?.url).toBe(`http://127.0.0.1:9002/${GRAPH_API_VERSION}/17841400000000001/messages`);
  });

  it("refuses outside the 24-hour window without calling Meta", async () => {
    const fake = fakeFetch(() => json(200, {}));
    const result = await instagram.send?.(reply(NOW - 25 * HOUR, IGSID), INSTAGRAM_TEST_CHANNEL, io(fake.fetch));
    expect(result).toMatchObject({ ok: false, kind: "refused", reason: expect.stringMatching(/^Instagram's 24-hour.*HUMAN_AGENT/) });
    expect(fake.calls).toHaveLength(0);
  });

  it("retries Instagram's business-use-case rate limit (code 80002)", async () => {
    const fake = fakeFetch(() => json(403, { error: { message: "Too many calls to this Instagram account", code: 80002 } }));
    expect(await instagram.send?.(reply(NOW - HOUR, IGSID), INSTAGRAM_TEST_CHANNEL, io(fake.fetch))).toMatchObject({
      ok: false,
      kind: "retry",
      status: 403,
    });
  });
});

describe("Meta credentials", () => {
  it("takes appSecret, verifyToken, pageAccessToken, an optional numeric pageId and messageTag, and shows only those two", () => {
    for (const adapter of [messenger, instagram]) {
      expect(adapter.credentials.safeParse(MESSENGER_TEST_CHANNEL).success).toBe(true);
      expect(adapter.credentials.safeParse({ appSecret: "s", verifyToken: "v", pageAccessToken: "t" }).success).toBe(true);
      expect(adapter.credentials.safeParse({ appSecret: "s", verifyToken: "v" }).success).toBe(false);
      expect(adapter.credentials.safeParse({ ...MESSENGER_TEST_CHANNEL, pageId: "../me" }).success).toBe(false);
      expect(adapter.credentials.safeParse({ ...MESSENGER_TEST_CHANNEL, accessToken: "t" }).success).toBe(false);
      expect(adapter.credentials.safeParse({ ...MESSENGER_TEST_CHANNEL, messageTag: "HUMAN_AGENT" }).success).toBe(true);
      expect(adapter.credentials.safeParse({ ...MESSENGER_TEST_CHANNEL, messageTag: "CONFIRMED_EVENT_UPDATE" }).success).toBe(false);
      expect(adapter.publicCredentialFields).toEqual(["pageId", "messageTag"]);
    }
  });
});
