import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signApiRequest } from "../../../../src/channels/tiktok/api-sign.ts";
import { tiktok } from "../../../../src/channels/tiktok/index.ts";
import type { OutboundText, SendIo } from "../../../../src/channels/types.ts";
import { TIKTOK_TEST_APP } from "../../../fixtures/tiktok/index.ts";

const credentials = { ...TIKTOK_TEST_APP, accessToken: "ROW_test_access_token", shopCipher: "ROW_cipher" };
const NOW = Date.parse("2026-11-26T03:00:00Z");
const message: OutboundText = {
  text: "Your parcel ships today.",
  context: { platformThreadId: "7373009988776655443", platformUserId: "7190001234567890123", lastInboundAt: null, replyToken: null },
};

function fakeIo(answer: () => Response | Promise<Response>) {
  const requests: Request[] = [];
  const io: SendIo = {
    apiBase: undefined,
    now: NOW,
    fetch: async (input, init) => {
      requests.push(new Request(input, init));
      return answer();
    },
  };
  return { io, requests };
}

/** The documented algorithm, written independently with node:crypto. */
function referenceSign(secret: string, path: string, query: Record<string, string>, body: string): string {
  const params = Object.entries(query)
    .filter(([k]) => k !== "sign" && k !== "access_token")
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => k + v)
    .join("");
  return createHmac("sha256", secret)
    .update(secret + path + params + body + secret)
    .digest("hex");
}

describe("TikTok Shop API signing", () => {
  it("matches an independent implementation of the documented algorithm", async () => {
    const query = { app_key: "6fakeappkey01", timestamp: "1764126000", shop_cipher: "ROW_cipher", access_token: "ignored" };
    const path = "/customer_service/202309/conversations/1/messages";
    const body = '{"type":"TEXT","content":"{\\"content\\":\\"hi\\"}"}';
    expect(await signApiRequest(TIKTOK_TEST_APP.appSecret, path, query, body)).toBe(
      referenceSign(TIKTOK_TEST_APP.appSecret, path, query, body),
    );
  });
});

describe("TikTok Shop reply", () => {
  it("posts a signed TEXT message into the conversation", async () => {
    const { io, requests } = fakeIo(() => Response.json({ code: 0, message: "Success", data: { message_id: "7373009988776699999" } }));
    expect(await tiktok.send?.(message, credentials, io)).toEqual({ ok: true, platformMessageId: "7373009988776699999" });
    const request = requests[0];
    if (!request) throw new Error("no request");
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe(
      "https://open-api.tiktokglobalshop.com/customer_service/202309/conversations/7373009988776655443/messages",
    );
    expect(request.headers.get("x-tts-access-token")).toBe("ROW_test_access_token");
    const body = await request.text();
    expect(JSON.parse(body)).toEqual({ type: "TEXT", content: JSON.stringify({ content: "Your parcel ships today." }) });
    const query = Object.fromEntries(url.searchParams);
    expect(query).toMatchObject({ app_key: "6fakeappkey01", shop_cipher: "ROW_cipher", timestamp: String(NOW / 1000) });
    expect(query.sign).toBe(referenceSign(TIKTOK_TEST_APP.appSecret, url.pathname, query, body));
  });

  it("sends to TIKTOK_API_BASE with the same path, signed as sent", async () => {
    const { io, requests } = fakeIo(() => Response.json({ code: 0, data: { message_id: "1" } }));
    await tiktok.send?.(message, credentials, { ...io, apiBase: "http://127.0.0.1:9001" });
    expect(requests[0]?.url).toMatch(
      /^http:\/\/127\.0\.0\.1:9001\/customer_service\/202309\/conversations\/7373009988776655443\/messages\?/,
    );
  });

  it("refuses without accessToken and shopCipher, calling nothing", async () => {
    const { io, requests } = fakeIo(() => Response.json({ code: 0 }));
    const result = await tiktok.send?.(message, TIKTOK_TEST_APP, io);
    expect(result).toMatchObject({ ok: false, kind: "refused", reason: expect.stringMatching(/accessToken/) });
    expect(requests).toHaveLength(0);
  });

  it("refuses a text over 2000 characters", async () => {
    const { io } = fakeIo(() => Response.json({ code: 0 }));
    expect(await tiktok.send?.({ ...message, text: "x".repeat(2001) }, credentials, io)).toMatchObject({ kind: "refused" });
  });

  it("reports TikTok's error when the API answers a non-zero code", async () => {
    const { io } = fakeIo(() => Response.json({ code: 36009003, message: "Conversation not found", request_id: "r1" }));
    expect(await tiktok.send?.(message, credentials, io)).toMatchObject({
      ok: false,
      kind: "failed",
      error: expect.stringMatching(/Conversation not found/),
    });
  });

  it("retries when TikTok reports throttling as code 36009002 in a 200 answer", async () => {
    const { io } = fakeIo(() => Response.json({ code: 36009002, message: "Too many requests", request_id: "r2" }));
    expect(await tiktok.send?.(message, credentials, io)).toMatchObject({
      ok: false,
      kind: "retry",
      status: 200,
      error: expect.stringMatching(/code 36009002/),
    });
  });

  it("retries on 429 with Retry-After and on 5xx and network errors", async () => {
    const limited = fakeIo(() => new Response("slow down", { status: 429, headers: { "retry-after": "12" } }));
    expect(await tiktok.send?.(message, credentials, limited.io)).toMatchObject({ kind: "retry", retryAfterSeconds: 12, status: 429 });
    const broken = fakeIo(() => new Response("oops", { status: 502 }));
    expect(await tiktok.send?.(message, credentials, broken.io)).toMatchObject({ kind: "retry", status: 502 });
    const down = fakeIo(() => Promise.reject(new TypeError("connect ECONNREFUSED")));
    expect(await tiktok.send?.(message, credentials, down.io)).toMatchObject({ kind: "retry", status: null });
  });

  it("fails on other 4xx with the platform's message", async () => {
    const { io } = fakeIo(() => Response.json({ code: 105001, message: "Invalid access token" }, { status: 401 }));
    expect(await tiktok.send?.(message, credentials, io)).toMatchObject({
      kind: "failed",
      status: 401,
      error: expect.stringMatching(/Invalid access token/),
    });
  });
});
