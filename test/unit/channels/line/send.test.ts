import { describe, expect, it } from "vitest";
import { line } from "../../../../src/channels/line/index.ts";
import { MAX_TEXT_LENGTH } from "../../../../src/channels/line/send.ts";
import type { OutboundText, ReplyContext, SendIo } from "../../../../src/channels/types.ts";
import { LINE_TEST_CHANNEL } from "../../../fixtures/line/index.ts";

const NOW = 1717401600123 + 10_000;
const USER = "Uf2b1c3d4e5f60718293a4b5c6d7e8f90";
const GROUP = "Ca56f94637c1f4d5e6a7b8c9d0e1f2a3b";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Call {
  url: string;
  method: string | undefined;
  headers: Headers;
  body: unknown;
}

type Reply = { status: number; body?: string; headers?: Record<string, string> } | Error;

/** A fetch that records each request and answers with the next scripted reply. */
function fakeFetch(...replies: Reply[]): { fetch: typeof globalThis.fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), method: init?.method, headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) });
    const reply = replies.shift() ?? { status: 200, body: "{}" };
    if (reply instanceof Error) throw reply;
    return new Response(reply.body ?? null, { status: reply.status, headers: reply.headers });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function io(fetch: typeof globalThis.fetch, apiBase?: string): SendIo {
  return { fetch, apiBase, now: NOW };
}

function outbound(text: string, context: Partial<ReplyContext> = {}): OutboundText {
  return {
    text,
    context: {
      platformThreadId: USER,
      platformUserId: USER,
      lastInboundAt: 1717401600123,
      replyToken: { token: "7f1b2c3d4e5f40718293a4b5c6d7e8f9", expiresAt: 1717401600123 + 30_000 },
      ...context,
    },
  };
}

const expired = { token: "7f1b2c3d4e5f40718293a4b5c6d7e8f9", expiresAt: NOW };
const sent = (id: string) => JSON.stringify({ sentMessages: [{ id, quoteToken: "q-token" }] });

async function send(message: OutboundText, fetch: typeof globalThis.fetch, apiBase?: string) {
  if (!line.send) throw new Error("the LINE adapter sends replies");
  return line.send(message, LINE_TEST_CHANNEL, io(fetch, apiBase));
}

describe("LINE send: reply token", () => {
  it("replies with a fresh reply token, authorized with the channel access token", async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: sent("520011223344556801") });
    const result = await send(outbound("Your order A1001 has shipped."), fetch);
    expect(result).toEqual({ ok: true, platformMessageId: "520011223344556801" });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("https://api.line.me/v2/bot/message/reply");
    expect(calls[0]?.method).toBe("POST");
    expect(calls[0]?.headers.get("authorization")).toBe("Bearer test-line-channel-access-token");
    expect(calls[0]?.headers.get("content-type")).toBe("application/json");
    expect(calls[0]?.headers.has("x-line-retry-key")).toBe(false);
    expect(calls[0]?.body).toEqual({
      replyToken: "7f1b2c3d4e5f40718293a4b5c6d7e8f9",
      messages: [{ type: "text", text: "Your order A1001 has shipped." }],
    });
  });

  it("sends to the LINE_API_BASE origin, keeping LINE's path", async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: sent("1") });
    await send(outbound("hi"), fetch, "http://127.0.0.1:9001/");
    expect(calls[0]?.url).toBe("http://127.0.0.1:9001/v2/bot/message/reply");
  });

  it("pushes once when LINE says the reply token is invalid (expired early or already used)", async () => {
    const { fetch, calls } = fakeFetch(
      { status: 400, body: JSON.stringify({ message: "Invalid reply token" }) },
      { status: 200, body: sent("520011223344556802") },
    );
    const result = await send(outbound("Checking now."), fetch);
    expect(result).toEqual({ ok: true, platformMessageId: "520011223344556802" });
    expect(calls.map((c) => c.url)).toEqual(["https://api.line.me/v2/bot/message/reply", "https://api.line.me/v2/bot/message/push"]);
    expect(calls[1]?.body).toEqual({ to: USER, messages: [{ type: "text", text: "Checking now." }] });
  });

  it("reports the push's failure when the fallback push fails too, without trying again", async () => {
    const { fetch, calls } = fakeFetch(
      { status: 400, body: JSON.stringify({ message: "Invalid reply token" }) },
      { status: 400, body: JSON.stringify({ message: "Failed to send messages" }) },
    );
    expect(await send(outbound("Checking now."), fetch)).toEqual({
      ok: false,
      kind: "failed",
      error: "LINE API 400: Failed to send messages",
      status: 400,
    });
    expect(calls).toHaveLength(2);
  });

  it("does not push after another reply error: it is the platform's answer", async () => {
    const error = {
      message: "The request body has 1 error(s)",
      details: [{ message: "Length must be between 0 and 5000", property: "messages[0].text" }],
    };
    const { fetch, calls } = fakeFetch({ status: 400, body: JSON.stringify(error) });
    expect(await send(outbound("x"), fetch)).toEqual({
      ok: false,
      kind: "failed",
      error: "LINE API 400: The request body has 1 error(s) (messages[0].text: Length must be between 0 and 5000)",
      status: 400,
    });
    expect(calls).toHaveLength(1);
  });
});

describe("LINE send: push", () => {
  it("pushes to the user once the reply token's budget is spent, with a retry key", async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: sent("520011223344556803") });
    const result = await send(outbound("Following up on A1001.", { replyToken: expired }), fetch);
    expect(result).toEqual({ ok: true, platformMessageId: "520011223344556803" });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("https://api.line.me/v2/bot/message/push");
    expect(calls[0]?.headers.get("authorization")).toBe("Bearer test-line-channel-access-token");
    expect(calls[0]?.headers.get("x-line-retry-key")).toMatch(UUID);
    expect(calls[0]?.body).toEqual({ to: USER, messages: [{ type: "text", text: "Following up on A1001." }] });
  });

  it("pushes when the conversation has no reply token, to the LINE_API_BASE origin", async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: sent("1") });
    await send(outbound("hi", { replyToken: null }), fetch, "http://127.0.0.1:9001");
    expect(calls[0]?.url).toBe("http://127.0.0.1:9001/v2/bot/message/push");
  });

  it("pushes to the group for a group conversation", async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: sent("1") });
    await send(outbound("hi all", { platformThreadId: GROUP, replyToken: null }), fetch);
    expect(calls[0]?.body).toEqual({ to: GROUP, messages: [{ type: "text", text: "hi all" }] });
  });

  it("uses the same retry key when the same send is retried, and another for another text", async () => {
    const { fetch, calls } = fakeFetch();
    await send(outbound("one", { replyToken: null }), fetch);
    await send(outbound("one", { replyToken: null }), fetch);
    await send(outbound("two", { replyToken: null }), fetch);
    await send(outbound("one", { replyToken: null, lastInboundAt: 1717401700000 }), fetch);
    const keys = calls.map((c) => c.headers.get("x-line-retry-key"));
    expect(keys[0]).toBe(keys[1]);
    expect(new Set(keys).size).toBe(3);
  });

  it("treats 409 (this retry key was already accepted) as sent once, with LINE's message id", async () => {
    const body = JSON.stringify({ message: "The retry key is already accepted", sentMessages: [{ id: "520011223344556804" }] });
    const { fetch } = fakeFetch({ status: 409, body });
    expect(await send(outbound("hi", { replyToken: null }), fetch)).toEqual({ ok: true, platformMessageId: "520011223344556804" });
  });

  it("keeps a sent message id exact when it comes as a JSON number above 2^53", async () => {
    const { fetch } = fakeFetch({ status: 200, body: '{"sentMessages":[{"id":520011223344556805}]}' });
    expect(await send(outbound("hi", { replyToken: null }), fetch)).toEqual({ ok: true, platformMessageId: "520011223344556805" });
  });

  it("returns a null message id when a success carries none", async () => {
    const { fetch } = fakeFetch({ status: 200, body: "{}" });
    expect(await send(outbound("hi", { replyToken: null }), fetch)).toEqual({ ok: true, platformMessageId: null });
  });
});

describe("LINE send: refusals and failures", () => {
  it.each([
    ["empty text", ""],
    ["text over the limit", "a".repeat(MAX_TEXT_LENGTH + 1)],
  ])("refuses %s without calling LINE", async (_label, text) => {
    const { fetch, calls } = fakeFetch();
    const result = await send(outbound(text), fetch);
    expect(result).toMatchObject({ ok: false, kind: "refused", reason: expect.any(String) });
    expect(calls).toHaveLength(0);
  });

  it("sends text of exactly the limit", async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: sent("1") });
    expect(await send(outbound("a".repeat(MAX_TEXT_LENGTH)), fetch)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });

  it("counts the limit in characters, not UTF-16 units: 5000 emoji are not refused", async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: sent("1") });
    expect(await send(outbound("🙂".repeat(MAX_TEXT_LENGTH)), fetch)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });

  it("fails on a 409 to a reply: only pushes carry a retry key", async () => {
    const { fetch, calls } = fakeFetch({ status: 409, body: JSON.stringify({ message: "Conflict" }) });
    expect(await send(outbound("hi"), fetch)).toEqual({ ok: false, kind: "failed", error: "LINE API 409: Conflict", status: 409 });
    expect(calls).toHaveLength(1);
  });

  it("retries a 429 after LINE's Retry-After", async () => {
    const { fetch } = fakeFetch({
      status: 429,
      body: JSON.stringify({ message: "The API rate limit has been exceeded. Try again later." }),
      headers: { "retry-after": "30" },
    });
    expect(await send(outbound("hi"), fetch)).toEqual({
      ok: false,
      kind: "retry",
      error: "LINE API 429: The API rate limit has been exceeded. Try again later.",
      status: 429,
      retryAfterSeconds: 30,
    });
  });

  it("retries a 429 without Retry-After, leaving the delay to the queue", async () => {
    const { fetch } = fakeFetch({
      status: 429,
      body: JSON.stringify({ message: "The API rate limit has been exceeded. Try again later." }),
    });
    expect(await send(outbound("hi", { replyToken: null }), fetch)).toEqual({
      ok: false,
      kind: "retry",
      error: "LINE API 429: The API rate limit has been exceeded. Try again later.",
      status: 429,
    });
  });

  it("retries a 5xx, quoting a body that is not JSON", async () => {
    const { fetch } = fakeFetch({ status: 503, body: "upstream unavailable" });
    expect(await send(outbound("hi", { replyToken: null }), fetch)).toEqual({
      ok: false,
      kind: "retry",
      error: "LINE API 503: upstream unavailable",
      status: 503,
    });
  });

  it("fails on a 401 with LINE's own message", async () => {
    const message =
      "Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization header is valid.";
    const { fetch } = fakeFetch({ status: 401, body: JSON.stringify({ message }) });
    expect(await send(outbound("hi", { replyToken: null }), fetch)).toEqual({
      ok: false,
      kind: "failed",
      error: `LINE API 401: ${message}`,
      status: 401,
    });
  });

  it("retries when LINE cannot be reached", async () => {
    const { fetch } = fakeFetch(new TypeError("fetch failed"));
    expect(await send(outbound("hi"), fetch)).toEqual({
      ok: false,
      kind: "retry",
      error: "platform API unreachable: fetch failed",
      status: null,
    });
  });
});
