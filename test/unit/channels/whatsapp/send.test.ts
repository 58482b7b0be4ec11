import { describe, expect, it } from "vitest";
import type { OutboundText, ReplyContext, SendIo } from "../../../../src/channels/types.ts";
import { whatsapp } from "../../../../src/channels/whatsapp/index.ts";
import { WHATSAPP_TEST_CREDENTIALS } from "../../../fixtures/whatsapp/index.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");
const HOUR = 3600_000;
const PHONE_NUMBER_ID = WHATSAPP_TEST_CREDENTIALS.phoneNumberId;
const CUSTOMER = "16505551234";
const SENT_WAMID = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA";

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that records each call and answers with `answer()` (or throws it). */
function fakeIo(answer: () => Response | Error, apiBase?: string): { io: SendIo; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    const response = answer();
    if (response instanceof Error) throw response;
    return response;
  };
  return { io: { fetch: fetch as typeof globalThis.fetch, apiBase, now: NOW }, calls };
}

function reply(text: string, context: Partial<ReplyContext> = {}): OutboundText {
  return {
    text,
    context: {
      platformThreadId: `${PHONE_NUMBER_ID}:${CUSTOMER}`,
      platformUserId: CUSTOMER,
      lastInboundAt: NOW - HOUR,
      replyToken: null,
      ...context,
    },
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const sent = () =>
  json(200, { messaging_product: "whatsapp", contacts: [{ input: CUSTOMER, wa_id: CUSTOMER }], messages: [{ id: SENT_WAMID }] });

/** Meta's Graph error body. */
const graphError = (status: number, code: number, message: string, details?: string, headers: Record<string, string> = {}) =>
  json(
    status,
    {
      error: {
        message,
        type: "OAuthException",
        code,
        ...(details ? { error_data: { messaging_product: "whatsapp", details } } : {}),
        fbtrace_id: "Az8or2yhqkZfEZ-_4Qn_Bam",
      },
    },
    headers,
  );

const send = (message: OutboundText, io: SendIo) => {
  if (!whatsapp.send) throw new Error("the WhatsApp adapter sends replies");
  return whatsapp.send(message, WHATSAPP_TEST_CREDENTIALS, io);
};

describe("WhatsApp send: the request", () => {
  it("POSTs a text message to the Graph API with the access token, and returns the new wamid", async () => {
    const { io, calls } = fakeIo(sent);
    expect(await send(reply("Your order ships today."), io)).toEqual({ ok: true, platformMessageId: SENT_WAMID });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe(`https://graph.facebook.com/v25.0/${PHONE_NUMBER_ID}/messages`);
    expect(call?.init.method).toBe("POST");
    const headers = new Headers(call?.init.headers);
    expect(headers.get("authorization")).toBe(`Bearer ${WHATSAPP_TEST_CREDENTIALS.accessToken}`);
    expect(headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(String(call?.init.body))).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: CUSTOMER,
      type: "text",
      text: { preview_url: false, body: "Your order ships today." },
    });
  });

  it("keeps the path and replaces only the origin when WHATSAPP_API_BASE is set", async () => {
    const { io, calls } = fakeIo(sent, "http://127.0.0.1:9001/");
    await send(reply("hi"), io);
    expect(calls[0]?.url).toBe(`http://127.0.0.1:9001/v25.0/${PHONE_NUMBER_ID}/messages`);
  });

  it("addresses a customer known only by business-scoped user id through `recipient`", async () => {
    const bsuid = "US.13491208655302741918";
    const { io, calls } = fakeIo(sent);
    await send(reply("hi", { platformThreadId: `${PHONE_NUMBER_ID}:${bsuid}`, platformUserId: bsuid }), io);
    const body = JSON.parse(String(calls[0]?.init.body)) as Record<string, unknown>;
    expect(body.recipient).toBe(bsuid);
    expect(body).not.toHaveProperty("to");
  });

  it("succeeds without a message id when the answer has none", async () => {
    const { io } = fakeIo(() => json(200, { messaging_product: "whatsapp" }));
    expect(await send(reply("hi"), io)).toEqual({ ok: true, platformMessageId: null });
  });
});

describe("WhatsApp send: replies the platform would refuse, refused without a call", () => {
  it.each([
    ["the customer wrote more than 24 hours ago", { lastInboundAt: NOW - 24 * HOUR - 1000 }],
    ["the customer never wrote", { lastInboundAt: null }],
  ])("refuses when %s: only a template may be sent", async (_label, context) => {
    const { io, calls } = fakeIo(sent);
    const result = await send(reply("hi", context), io);
    expect(result).toMatchObject({ ok: false, kind: "refused" });
    expect(!result.ok && result.kind === "refused" && result.reason).toMatch(/24-hour customer service window.*template message/);
    expect(calls).toHaveLength(0);
  });

  it("sends just inside the 24-hour window", async () => {
    const { io, calls } = fakeIo(sent);
    expect(await send(reply("hi", { lastInboundAt: NOW - 24 * HOUR + 1000 }), io)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });

  it("refuses to answer a conversation of another business number from this one", async () => {
    const { io, calls } = fakeIo(sent);
    const result = await send(reply("hi", { platformThreadId: `999000111222333:${CUSTOMER}` }), io);
    expect(result).toEqual({
      ok: false,
      kind: "refused",
      reason: `the conversation belongs to business number 999000111222333, but this channel sends from ${PHONE_NUMBER_ID}`,
    });
    expect(calls).toHaveLength(0);
  });

  it("refuses a text over 4096 characters, counting characters rather than UTF-16 units", async () => {
    const { io, calls } = fakeIo(sent);
    expect(await send(reply("a".repeat(4097)), io)).toMatchObject({ ok: false, kind: "refused" });
    expect(calls).toHaveLength(0);
    expect(await send(reply("📦".repeat(4096)), io)).toMatchObject({ ok: true });
  });
});

describe("WhatsApp send: failures", () => {
  it("retries a 429 after the Retry-After the platform gives, with Meta's message", async () => {
    const { io } = fakeIo(() => graphError(429, 4, "(#4) Application request limit reached", undefined, { "retry-after": "30" }));
    expect(await send(reply("hi"), io)).toEqual({
      ok: false,
      kind: "retry",
      error: "(#4) Application request limit reached",
      status: 429,
      retryAfterSeconds: 30,
    });
  });

  it.each([
    [
      130429,
      "(#130429) Rate limit hit",
      "Message failed to send because there were too many messages sent from this phone number in a short period of time",
    ],
    [
      131056,
      "(#131056) (Business Account, Consumer Account) pair rate limit hit",
      "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time",
    ],
    [80007, "(#80007) Rate limit issues", "The WhatsApp Business Account has reached its rate limit."],
  ])("retries rate limit code %i even though Meta answers HTTP 400", async (code, message, details) => {
    const { io } = fakeIo(() => graphError(400, code, message, details));
    expect(await send(reply("hi"), io)).toEqual({ ok: false, kind: "retry", error: `${message}: ${details}`, status: 400 });
  });

  it("retries an error Graph marks as transient", async () => {
    const { io } = fakeIo(() => json(400, { error: { message: "(#131000) Something went wrong", code: 131000, is_transient: true } }));
    expect(await send(reply("hi"), io)).toEqual({ ok: false, kind: "retry", error: "(#131000) Something went wrong", status: 400 });
  });

  it("retries a 5xx, reading a body that is not JSON", async () => {
    const { io } = fakeIo(() => new Response("upstream connect error", { status: 503 }));
    expect(await send(reply("hi"), io)).toEqual({
      ok: false,
      kind: "retry",
      error: "WhatsApp API answered HTTP 503: upstream connect error",
      status: 503,
    });
  });

  it("retries when the platform is unreachable", async () => {
    const { io } = fakeIo(() => new TypeError("fetch failed"));
    expect(await send(reply("hi"), io)).toMatchObject({
      ok: false,
      kind: "retry",
      status: null,
      error: expect.stringMatching(/fetch failed/),
    });
  });

  it("fails on another 4xx with the platform's own error text", async () => {
    const { io } = fakeIo(() => graphError(400, 100, "(#100) Invalid parameter", "Parameter 'to' is not a valid WhatsApp user"));
    expect(await send(reply("hi"), io)).toEqual({
      ok: false,
      kind: "failed",
      error: "(#100) Invalid parameter: Parameter 'to' is not a valid WhatsApp user",
      status: 400,
    });
  });

  it("fails on an expired access token", async () => {
    const { io } = fakeIo(() =>
      graphError(401, 190, "Error validating access token: Session has expired on Tuesday, 25-Nov-26 19:00:00 PST."),
    );
    expect(await send(reply("hi"), io)).toMatchObject({
      ok: false,
      kind: "failed",
      status: 401,
      error: expect.stringMatching(/^Error validating access token/),
    });
  });

  it("reports Meta's re-engagement error (131047) as refused: a template is needed", async () => {
    const { io } = fakeIo(() =>
      graphError(
        400,
        131047,
        "(#131047) Re-engagement message",
        "More than 24 hours have passed since the recipient last replied to the sender number.",
      ),
    );
    const result = await send(reply("hi"), io);
    expect(result).toMatchObject({ ok: false, kind: "refused" });
    expect(!result.ok && result.kind === "refused" && result.reason).toMatch(
      /^\(#131047\) Re-engagement message: More than 24 hours.*template message/,
    );
  });
});

describe("WhatsApp template send", () => {
  const template = {
    name: "order_update",
    language: "en_US",
    components: [{ type: "body" as const, parameters: [{ type: "text", text: "A1001" }] }],
  };
  const context = reply("").context;

  it("posts Cloud API's template body, even days after the customer's last message", async () => {
    const { io, calls } = fakeIo(sent);
    const late = { ...context, lastInboundAt: NOW - 30 * 24 * HOUR };
    expect(await whatsapp.sendTemplate?.({ template, context: late }, WHATSAPP_TEST_CREDENTIALS, io)).toEqual({
      ok: true,
      platformMessageId: SENT_WAMID,
    });
    expect(calls[0]?.url).toBe(`https://graph.facebook.com/v25.0/${PHONE_NUMBER_ID}/messages`);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: CUSTOMER,
      type: "template",
      template: {
        name: "order_update",
        language: { policy: "deterministic", code: "en_US" },
        components: [{ type: "body", parameters: [{ type: "text", text: "A1001" }] }],
      },
    });
  });

  it("leaves out components when there are none", async () => {
    const { io, calls } = fakeIo(sent);
    await whatsapp.sendTemplate?.({ template: { name: "hello_world", language: "en" }, context }, WHATSAPP_TEST_CREDENTIALS, io);
    expect(JSON.parse(String(calls[0]?.init.body)).template).toEqual({
      name: "hello_world",
      language: { policy: "deterministic", code: "en" },
    });
  });

  it("refuses a conversation of another business number, and reports Meta's refusal of the template", async () => {
    const other = fakeIo(sent);
    const foreign = { ...context, platformThreadId: `999:${CUSTOMER}` };
    expect(await whatsapp.sendTemplate?.({ template, context: foreign }, WHATSAPP_TEST_CREDENTIALS, other.io)).toMatchObject({
      ok: false,
      kind: "refused",
    });
    expect(other.calls).toHaveLength(0);
    const rejected = fakeIo(() =>
      graphError(400, 132001, "Template name does not exist in the translation", "template name (order_update) does not exist in en_US"),
    );
    expect(await whatsapp.sendTemplate?.({ template, context }, WHATSAPP_TEST_CREDENTIALS, rejected.io)).toMatchObject({
      ok: false,
      kind: "failed",
      error: expect.stringContaining("does not exist in en_US"),
    });
  });
});
