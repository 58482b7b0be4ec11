import { describe, expect, it } from "vitest";
import type { OutboundText, SendIo } from "../../../../src/channels/types.ts";
import { x } from "../../../../src/channels/x/index.ts";
import { sendX } from "../../../../src/channels/x/send.ts";
import { X_BUSINESS_ID, X_TEST_APP } from "../../../fixtures/x/index.ts";
import { parseOAuthHeader, referenceOAuthSignature } from "../../../fixtures/x/signing.ts";

const CUSTOMER = "1530000000000000002";
const NOW = Date.parse("2026-11-26T03:00:00.750Z");
const SENT = '{"data":{"dm_conversation_id":"1460000000000000001-1530000000000000002","dm_event_id":"1798000000000000400"}}';

const reply: OutboundText = {
  text: "Thanks, we're checking order A1001.",
  context: { platformThreadId: `${X_BUSINESS_ID}-${CUSTOMER}`, platformUserId: CUSTOMER, lastInboundAt: null, replyToken: null },
};

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that records each call and answers with `respond`. */
function fakeIo(respond: () => Response | Promise<Response>, apiBase?: string): { io: SendIo; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return respond();
  };
  return { io: { fetch: fetch as typeof globalThis.fetch, apiBase, now: NOW }, calls };
}

function header(call: Call | undefined, name: string): string | null {
  return new Headers(call?.init.headers).get(name);
}

function problem(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/problem+json", ...headers } });
}

describe("X send: the request", () => {
  it("POSTs {text} to /2/dm_conversations/with/<customer>/messages on api.x.com", async () => {
    const { io, calls } = fakeIo(() => new Response(SENT, { status: 201 }));
    expect(await x.send?.(reply, X_TEST_APP, io)).toEqual({ ok: true, platformMessageId: "1798000000000000400" });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(`https://api.x.com/2/dm_conversations/with/${CUSTOMER}/messages`);
    expect(calls[0]?.init.method).toBe("POST");
    expect(header(calls[0], "content-type")).toBe("application/json");
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ text: reply.text });
  });

  it("signs with OAuth 1.0a user context: the header an independent signer computes, for a fixed nonce", async () => {
    const { io, calls } = fakeIo(() => new Response(SENT, { status: 201 }));
    await sendX(reply, X_TEST_APP, io, "fixedNonce0123456789");
    const oauth = {
      oauth_consumer_key: X_TEST_APP.consumerKey,
      oauth_nonce: "fixedNonce0123456789",
      oauth_signature_method: "HMAC-SHA1",
      oauth_timestamp: String(Math.floor(NOW / 1000)),
      oauth_token: X_TEST_APP.accessToken,
      oauth_version: "1.0",
    };
    const signature = referenceOAuthSignature({
      method: "POST",
      baseUrl: `https://api.x.com/2/dm_conversations/with/${CUSTOMER}/messages`,
      params: oauth,
      consumerSecret: X_TEST_APP.consumerSecret,
      tokenSecret: X_TEST_APP.accessTokenSecret,
    });
    expect(parseOAuthHeader(header(calls[0], "authorization") ?? "")).toEqual({ ...oauth, oauth_signature: signature });
  });

  it("sends to the API base override, and signs that URL as sent", async () => {
    const { io, calls } = fakeIo(() => new Response(SENT, { status: 201 }), "http://127.0.0.1:9001/");
    await x.send?.(reply, X_TEST_APP, io);
    expect(calls[0]?.url).toBe(`http://127.0.0.1:9001/2/dm_conversations/with/${CUSTOMER}/messages`);
    const { oauth_signature: signature, ...oauth } = parseOAuthHeader(header(calls[0], "authorization") ?? "");
    const signedFor = (baseUrl: string) =>
      referenceOAuthSignature({
        method: "POST",
        baseUrl,
        params: oauth,
        consumerSecret: X_TEST_APP.consumerSecret,
        tokenSecret: X_TEST_APP.accessTokenSecret,
      });
    expect(signature).toBe(signedFor(`http://127.0.0.1:9001/2/dm_conversations/with/${CUSTOMER}/messages`));
    expect(signature).not.toBe(signedFor(`https://api.x.com/2/dm_conversations/with/${CUSTOMER}/messages`));
  });

  it("draws a fresh random nonce for every request", async () => {
    const { io, calls } = fakeIo(() => new Response(SENT, { status: 201 }));
    await x.send?.(reply, X_TEST_APP, io);
    await x.send?.(reply, X_TEST_APP, io);
    const [first, second] = calls.map((call) => parseOAuthHeader(header(call, "authorization") ?? "").oauth_nonce);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(second).toMatch(/^[0-9a-f]{32}$/);
    expect(first).not.toBe(second);
  });
});

describe("X send: reply rules", () => {
  it("has no reply window: a customer silent for 30 days still gets the reply", async () => {
    const { io, calls } = fakeIo(() => new Response(SENT, { status: 201 }));
    const late = { ...reply, context: { ...reply.context, lastInboundAt: NOW - 30 * 24 * 3600_000 } };
    expect(await x.send?.(late, X_TEST_APP, io)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });

  it.each([
    ["an empty text", { ...reply, text: "  " }, /empty/],
    ["a text over 10,000 characters", { ...reply, text: "a".repeat(10_001) }, /10000 characters/],
    [
      "a recipient that is not an X user id",
      { ...reply, context: { ...reply.context, platformUserId: "../1/messages" } },
      /not an X user id/,
    ],
  ])("refuses %s without calling X", async (_label, message, reason) => {
    const { io, calls } = fakeIo(() => new Response(SENT, { status: 201 }));
    const result = await x.send?.(message, X_TEST_APP, io);
    expect(result).toMatchObject({ ok: false, kind: "refused" });
    expect(result?.ok === false && result.kind === "refused" && result.reason).toMatch(reason);
    expect(calls).toHaveLength(0);
  });

  it("counts the limit in characters, not UTF-16 units", async () => {
    const { io, calls } = fakeIo(() => new Response(SENT, { status: 201 }));
    expect(await x.send?.({ ...reply, text: "😀".repeat(10_000) }, X_TEST_APP, io)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });
});

describe("X send: answers", () => {
  it("keeps a dm_event_id sent as a bare number above 2^53 exact", async () => {
    const { io } = fakeIo(() => new Response('{"data":{"dm_conversation_id":"1-2","dm_event_id":1798000000000000401}}', { status: 201 }));
    expect(await x.send?.(reply, X_TEST_APP, io)).toEqual({ ok: true, platformMessageId: "1798000000000000401" });
  });

  it("reports success without an id when X's answer has none", async () => {
    const { io } = fakeIo(() => new Response(null, { status: 201 }));
    expect(await x.send?.(reply, X_TEST_APP, io)).toEqual({ ok: true, platformMessageId: null });
  });

  it("retries a 429 after Retry-After", async () => {
    const { io } = fakeIo(() =>
      problem(429, { title: "Too Many Requests", detail: "Too Many Requests", status: 429 }, { "retry-after": "120" }),
    );
    expect(await x.send?.(reply, X_TEST_APP, io)).toEqual({
      ok: false,
      kind: "retry",
      error: "X API 429: Too Many Requests",
      status: 429,
      retryAfterSeconds: 120,
    });
  });

  it("retries a 429 when x-rate-limit-reset says the window reopens", async () => {
    const reset = String(Math.floor(NOW / 1000) + 900);
    const { io } = fakeIo(() =>
      problem(429, { title: "Too Many Requests" }, { "x-rate-limit-reset": reset, "x-rate-limit-remaining": "0" }),
    );
    expect(await x.send?.(reply, X_TEST_APP, io)).toMatchObject({ kind: "retry", status: 429, retryAfterSeconds: 900 });
  });

  it("retries a 429 with no hint, leaving the delay to the caller", async () => {
    const { io } = fakeIo(() => problem(429, { title: "Too Many Requests" }));
    const result = await x.send?.(reply, X_TEST_APP, io);
    expect(result).toMatchObject({ kind: "retry", status: 429 });
    expect(result).not.toHaveProperty("retryAfterSeconds");
  });

  it.each([500, 503])("retries a %i", async (status) => {
    const { io } = fakeIo(() => problem(status, { title: "Service Unavailable", detail: "Service is temporarily unavailable." }));
    expect(await x.send?.(reply, X_TEST_APP, io)).toEqual({
      ok: false,
      kind: "retry",
      error: `X API ${status}: Service Unavailable: Service is temporarily unavailable.`,
      status,
    });
  });

  it("fails a 403 with X's own title and detail", async () => {
    const { io } = fakeIo(() =>
      problem(403, {
        title: "Forbidden",
        detail: "You are not permitted to send Direct Messages to this user.",
        type: "about:blank",
        status: 403,
      }),
    );
    expect(await x.send?.(reply, X_TEST_APP, io)).toEqual({
      ok: false,
      kind: "failed",
      error: "X API 403: Forbidden: You are not permitted to send Direct Messages to this user.",
      status: 403,
    });
  });

  it("fails a 400 with the messages of X's errors list", async () => {
    const { io } = fakeIo(() =>
      problem(400, {
        errors: [{ parameters: { participant_id: [CUSTOMER] }, message: "The `participant_id` query parameter value is invalid" }],
        title: "Invalid Request",
        detail: "One or more parameters to your request was invalid.",
      }),
    );
    expect(await x.send?.(reply, X_TEST_APP, io)).toMatchObject({
      kind: "failed",
      status: 400,
      error:
        "X API 400: Invalid Request: One or more parameters to your request was invalid.; The `participant_id` query parameter value is invalid",
    });
  });

  it("fails a 401 that is not JSON with its text", async () => {
    const { io } = fakeIo(() => new Response("Unauthorized", { status: 401 }));
    expect(await x.send?.(reply, X_TEST_APP, io)).toEqual({ ok: false, kind: "failed", error: "X API 401: Unauthorized", status: 401 });
  });

  it("retries when X cannot be reached", async () => {
    const { io } = fakeIo(() => Promise.reject(new TypeError("fetch failed")));
    expect(await x.send?.(reply, X_TEST_APP, io)).toMatchObject({
      ok: false,
      kind: "retry",
      status: null,
      error: expect.stringContaining("fetch failed"),
    });
  });
});
