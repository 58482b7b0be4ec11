import { describe, expect, it } from "vitest";
import type { OutboundText, SendIo } from "../../../../src/channels/types.ts";
import { zalo } from "../../../../src/channels/zalo/index.ts";
import { ZALO_TEST_CHANNEL } from "../../../fixtures/zalo/index.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");
const HOUR = 3600_000;
const USER = "8765432109876543210";

interface Call {
  url: string;
  init: RequestInit;
}

function fakeIo(answer: () => Response | Promise<Response>, apiBase?: string): { io: SendIo; calls: Call[] } {
  const calls: Call[] = [];
  const fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return answer();
  };
  return { io: { fetch: fetch as typeof globalThis.fetch, apiBase, now: NOW }, calls };
}

function zaloAnswer(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { "content-type": "application/json" }, ...init });
}

function reply(text: string, lastInboundAt: number | null = NOW - HOUR): OutboundText {
  return { text, context: { platformThreadId: USER, platformUserId: USER, lastInboundAt, replyToken: null } };
}

async function send(message: OutboundText, io: SendIo) {
  if (!zalo.send) throw new Error("the Zalo adapter sends replies");
  return zalo.send(message, ZALO_TEST_CHANNEL, io);
}

const SENT = { error: 0, message: "Success", data: { message_id: "9f8e7d6c5b4a39281706", user_id: USER, quota: { quota_type: "reply" } } };

describe("Zalo send", () => {
  it("posts a consultation message with the access_token header and returns Zalo's message id", async () => {
    const { io, calls } = fakeIo(() => zaloAnswer(SENT));
    const result = await send(reply("Dạ, đơn A1001 đang được giao ạ."), io);
    expect(result).toEqual({ ok: true, platformMessageId: "9f8e7d6c5b4a39281706" });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe("https://openapi.zalo.me/v3.0/oa/message/cs");
    expect(call?.init.method).toBe("POST");
    const headers = new Headers(call?.init.headers);
    expect(headers.get("access_token")).toBe(ZALO_TEST_CHANNEL.accessToken);
    expect(headers.get("authorization")).toBeNull();
    expect(headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(String(call?.init.body))).toEqual({
      recipient: { user_id: USER },
      message: { text: "Dạ, đơn A1001 đang được giao ạ." },
    });
  });

  it("answers an anonymous user (thread = Zalo's conversation id) by anonymous_id and conversation_id", async () => {
    const { io, calls } = fakeIo(() => zaloAnswer(SENT), "http://127.0.0.1:9005");
    const anonymous: OutboundText = {
      text: "Dạ còn hàng ạ.",
      context: {
        platformThreadId: "c0ffee00c0ffee00c0ffee00c0ffee00",
        platformUserId: "b1a2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
        lastInboundAt: NOW - HOUR,
        replyToken: null,
      },
    };
    expect(await send(anonymous, io)).toEqual({ ok: true, platformMessageId: "9f8e7d6c5b4a39281706" });
    expect(calls[0]?.url).toBe("http://127.0.0.1:9005/v2.0/oa/message");
    expect(new Headers(calls[0]?.init.headers).get("access_token")).toBe(ZALO_TEST_CHANNEL.accessToken);
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({
      recipient: { anonymous_id: "b1a2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", conversation_id: "c0ffee00c0ffee00c0ffee00c0ffee00" },
      message: { text: "Dạ còn hàng ạ." },
    });
  });

  it("sends to ZALO_API_BASE instead, keeping Zalo's path", async () => {
    const { io, calls } = fakeIo(() => zaloAnswer(SENT), "http://127.0.0.1:9005/");
    await send(reply("hi"), io);
    expect(calls[0]?.url).toBe("http://127.0.0.1:9005/v3.0/oa/message/cs");
  });

  it("sends just inside the 48-hour consultation window", async () => {
    const { io, calls } = fakeIo(() => zaloAnswer(SENT));
    expect(await send(reply("hi", NOW - 48 * HOUR), io)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(1);
  });

  it.each([
    ["48 hours and a second after the user's last message", NOW - 48 * HOUR - 1000],
    ["when the user never wrote", null],
  ])("refuses without calling Zalo %s", async (_label, lastInboundAt) => {
    const { io, calls } = fakeIo(() => zaloAnswer(SENT));
    const result = await send(reply("hi", lastInboundAt), io);
    expect(result).toMatchObject({ ok: false, kind: "refused", reason: expect.stringContaining("48 hours") });
    expect(calls).toHaveLength(0);
  });

  it("retries Zalo's rate-limit error -32, which comes with HTTP 200", async () => {
    const { io } = fakeIo(() => zaloAnswer({ error: -32, message: "Your application reached limit call api" }));
    expect(await send(reply("hi"), io)).toEqual({
      ok: false,
      kind: "retry",
      error: "Zalo error -32: Your application reached limit call api",
      status: 200,
    });
  });

  it("retries HTTP 429 after its Retry-After", async () => {
    const { io } = fakeIo(() => zaloAnswer({ error: -32, message: "slow down" }, { status: 429, headers: { "retry-after": "30" } }));
    expect(await send(reply("hi"), io)).toMatchObject({ ok: false, kind: "retry", status: 429, retryAfterSeconds: 30 });
  });

  it("retries a 5xx", async () => {
    const { io } = fakeIo(() => new Response("bad gateway", { status: 502 }));
    expect(await send(reply("hi"), io)).toMatchObject({ ok: false, kind: "retry", status: 502 });
  });

  it("retries when Zalo cannot be reached", async () => {
    const { io } = fakeIo(() => Promise.reject(new TypeError("fetch failed")));
    expect(await send(reply("hi"), io)).toMatchObject({
      ok: false,
      kind: "retry",
      status: null,
      error: expect.stringContaining("fetch failed"),
    });
  });

  it.each([
    [-216, "Access token is invalid"],
    [-220, "Access token has expired"],
  ])("marks error %i as a refusal of the access token, to be refreshed", async (code, message) => {
    const { io } = fakeIo(() => zaloAnswer({ error: code, message }));
    expect(await send(reply("hi"), io)).toEqual({
      ok: false,
      kind: "failed",
      error: `Zalo error ${code}: ${message}`,
      status: 200,
      unauthorized: true,
    });
  });

  it.each([
    [-230, "User has not interacted with the OA in the past 7 days"],
    [-211, "Out of quota"],
  ])("fails with Zalo's own message on error %i", async (code, message) => {
    const { io } = fakeIo(() => zaloAnswer({ error: code, message }));
    expect(await send(reply("hi"), io)).toEqual({ ok: false, kind: "failed", error: `Zalo error ${code}: ${message}`, status: 200 });
  });

  it("fails a non-429 4xx with the platform's message", async () => {
    const { io } = fakeIo(() => zaloAnswer({ error: -201, message: "user_id is invalid!" }, { status: 400 }));
    expect(await send(reply("hi"), io)).toEqual({ ok: false, kind: "failed", error: "Zalo: user_id is invalid!", status: 400 });
  });

  it("fails a 200 that carries no error code, rather than guess it was sent", async () => {
    const { io } = fakeIo(() => new Response("<html>proxy</html>", { status: 200 }));
    expect(await send(reply("hi"), io)).toMatchObject({ ok: false, kind: "failed", status: 200 });
  });
});
