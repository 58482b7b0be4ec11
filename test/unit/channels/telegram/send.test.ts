import { describe, expect, it, vi } from "vitest";
import { telegram } from "../../../../src/channels/telegram/index.ts";
import type { OutboundText, SendIo } from "../../../../src/channels/types.ts";
import { TELEGRAM_TEST_BOT } from "../../../fixtures/telegram/index.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");
const TOKEN = TELEGRAM_TEST_BOT.botToken;
const TOKEN_SECRET = TOKEN.split(":")[1] ?? "";

function reply(text: string, platformThreadId = "6012345678", lastInboundAt: number | null = NOW - 60_000): OutboundText {
  return { text, context: { platformThreadId, platformUserId: "6012345678", lastInboundAt, replyToken: null } };
}

function fakeFetch(respond: () => Response | Promise<Response>) {
  return vi.fn<typeof fetch>(async () => respond());
}

function io(fetchImpl: typeof fetch, apiBase?: string): SendIo {
  return { fetch: fetchImpl, apiBase, now: NOW };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

const sent = (chatId: number, messageId: number) =>
  json(200, { ok: true, result: { message_id: messageId, chat: { id: chatId, type: "private" }, date: 1717402300, text: "x" } });

function send(message: OutboundText, fetchImpl: typeof fetch, apiBase?: string) {
  const { send } = telegram;
  if (!send) throw new Error("telegram has no send");
  return send(message, TELEGRAM_TEST_BOT, io(fetchImpl, apiBase));
}

function requestOf(fetchImpl: ReturnType<typeof fakeFetch>): { url: string; init: RequestInit; body: unknown } {
  const [url, init] = fetchImpl.mock.calls[0] ?? [];
  return { url: String(url), init: init ?? {}, body: JSON.parse(String(init?.body)) };
}

describe("Telegram send", () => {
  it("POSTs chat_id and text as JSON to /bot<token>/sendMessage, with no auth header", async () => {
    const fetchImpl = fakeFetch(() => sent(6012345678, 73));
    await send(reply("Thanks! An agent will reply shortly."), fetchImpl);
    const request = requestOf(fetchImpl);
    expect(request.url).toBe(`https://api.telegram.org/bot${TOKEN}/sendMessage`);
    expect(request.init.method).toBe("POST");
    const headers = new Headers(request.init.headers);
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.has("authorization")).toBe(false);
    expect(request.body).toEqual({ chat_id: 6012345678, text: "Thanks! An agent will reply shortly." });
  });

  it("keeps the path exactly and swaps the origin for TELEGRAM_API_BASE", async () => {
    const fetchImpl = fakeFetch(() => sent(6012345678, 73));
    await send(reply("hi"), fetchImpl, "http://127.0.0.1:9005/");
    expect(requestOf(fetchImpl).url).toBe(`http://127.0.0.1:9005/bot${TOKEN}/sendMessage`);
  });

  it("sends a supergroup's negative chat id as the exact integer", async () => {
    const fetchImpl = fakeFetch(() => sent(-1001987654321, 4030));
    const result = await send(reply("hi", "-1001987654321"), fetchImpl);
    expect(requestOf(fetchImpl).body).toEqual({ chat_id: -1001987654321, text: "hi" });
    expect(result).toEqual({ ok: true, platformMessageId: "-1001987654321:4030" });
  });

  it("returns the sent message's chat-qualified id", async () => {
    expect(
      await send(
        reply("hi"),
        fakeFetch(() => sent(6012345678, 73)),
      ),
    ).toEqual({ ok: true, platformMessageId: "6012345678:73" });
  });

  it("counts a 2xx without a readable message as sent, with no id", async () => {
    expect(
      await send(
        reply("hi"),
        fakeFetch(() => new Response("ok", { status: 200 })),
      ),
    ).toEqual({ ok: true, platformMessageId: null });
  });

  it("has no reply window: a customer silent for a week still gets the reply", async () => {
    const fetchImpl = fakeFetch(() => sent(6012345678, 74));
    const result = await send(reply("hi", "6012345678", NOW - 7 * 24 * 3600_000), fetchImpl);
    expect(result.ok).toBe(true);
    expect(fetchImpl).toHaveBeenCalledOnce();
  });

  it.each([
    ["empty text", "", /empty/],
    ["blank text", " \n ", /empty/],
    ["text over 4096 characters", "a".repeat(4097), /4096/],
  ])("refuses %s without calling Telegram", async (_label, text, reason) => {
    const fetchImpl = fakeFetch(() => sent(6012345678, 75));
    const result = await send(reply(text), fetchImpl);
    expect(result).toMatchObject({ ok: false, kind: "refused", reason: expect.stringMatching(reason) });
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it("sends 4096 characters, counting an emoji as one", async () => {
    const fetchImpl = fakeFetch(() => sent(6012345678, 76));
    expect((await send(reply("😀".repeat(4096)), fetchImpl)).ok).toBe(true);
  });

  it("retries a 429 after the body's parameters.retry_after", async () => {
    const tooMany = { ok: false, error_code: 429, description: "Too Many Requests: retry after 35", parameters: { retry_after: 35 } };
    expect(
      await send(
        reply("hi"),
        fakeFetch(() => json(429, tooMany)),
      ),
    ).toEqual({
      ok: false,
      kind: "retry",
      error: "Too Many Requests: retry after 35",
      status: 429,
      retryAfterSeconds: 35,
    });
  });

  it("falls back to the Retry-After header when the body names no wait", async () => {
    const tooMany = { ok: false, error_code: 429, description: "Too Many Requests" };
    expect(
      await send(
        reply("hi"),
        fakeFetch(() => json(429, tooMany, { "retry-after": "7" })),
      ),
    ).toMatchObject({
      kind: "retry",
      retryAfterSeconds: 7,
    });
  });

  it("retries a 5xx, even one that is not JSON", async () => {
    expect(
      await send(
        reply("hi"),
        fakeFetch(() => new Response("Bad Gateway", { status: 502 })),
      ),
    ).toEqual({
      ok: false,
      kind: "retry",
      error: "HTTP 502: Bad Gateway",
      status: 502,
    });
  });

  it.each([
    [403, "Forbidden: bot was blocked by the user"],
    [400, "Bad Request: chat not found"],
    [401, "Unauthorized"],
  ])("fails on a %i with Telegram's own description", async (status, description) => {
    const result = await send(
      reply("hi"),
      fakeFetch(() => json(status, { ok: false, error_code: status, description })),
    );
    expect(result).toEqual({ ok: false, kind: "failed", error: description, status });
  });

  it("retries when Telegram is unreachable", async () => {
    const result = await send(
      reply("hi"),
      fakeFetch(() => Promise.reject(new TypeError("fetch failed"))),
    );
    expect(result).toEqual({ ok: false, kind: "retry", error: "platform API unreachable: fetch failed", status: null });
  });

  it("scrubs the bot token from a network error that quotes the url", async () => {
    const result = await send(
      reply("hi"),
      fakeFetch(() => Promise.reject(new TypeError(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`))),
    );
    expect(result).toMatchObject({ ok: false, kind: "retry" });
    expect(JSON.stringify(result)).not.toContain(TOKEN_SECRET);
    expect(!result.ok && result.kind === "retry" && result.error).toContain("/bot7000000001:<redacted>/sendMessage");
  });

  it("scrubs the bot token from an error body that echoes it", async () => {
    const result = await send(
      reply("hi"),
      fakeFetch(() => new Response(`<html>no route for /bot${TOKEN}/sendMessage</html>`, { status: 404 })),
    );
    expect(result).toMatchObject({ ok: false, kind: "failed", status: 404 });
    expect(JSON.stringify(result)).not.toContain(TOKEN_SECRET);
  });
});

describe("Telegram button taps", () => {
  function acknowledge(fetchImpl: typeof fetch, apiBase?: string) {
    const { acknowledge } = telegram;
    if (!acknowledge) throw new Error("telegram answers no button taps");
    return acknowledge("2581234567890123456", TELEGRAM_TEST_BOT, io(fetchImpl, apiBase));
  }

  it("answers the callback query, so the tapping user's spinner stops", async () => {
    const fetchImpl = fakeFetch(() => json(200, { ok: true, result: true }));
    expect(await acknowledge(fetchImpl, "http://127.0.0.1:9001")).toEqual({ ok: true, platformMessageId: null });
    const { url, init, body } = requestOf(fetchImpl);
    expect(url).toBe(`http://127.0.0.1:9001/bot${TOKEN}/answerCallbackQuery`);
    expect(init.method).toBe("POST");
    expect(body).toEqual({ callback_query_id: "2581234567890123456" });
  });

  it("reports a refusal without the bot token", async () => {
    const fetchImpl = fakeFetch(() =>
      json(400, { ok: false, error_code: 400, description: `Bad Request: query is too old, bot${TOKEN} gave up` }),
    );
    const result = await acknowledge(fetchImpl);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(TOKEN_SECRET);
    expect(JSON.stringify(result)).toContain("query is too old");
  });
});
