import { describe, expect, it } from "vitest";
import { tiktok } from "../../../../src/channels/tiktok/index.ts";
import { sendTikTok } from "../../../../src/channels/tiktok/send.ts";
import { expiryOf } from "../../../../src/channels/tiktok/token.ts";
import type { SendIo } from "../../../../src/channels/types.ts";
import { TIKTOK_TEST_APP } from "../../../fixtures/tiktok/index.ts";

const NOW = Date.parse("2026-12-07T20:00:00Z");
const CREDENTIALS = { ...TIKTOK_TEST_APP, accessToken: "AT1", refreshToken: "RT1", shopCipher: "ROW_cipher" };

function fakeIo(answer: () => Response, authBase?: string) {
  const calls: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(new Request(input, init));
    return answer();
  };
  const io: SendIo = { fetch: fetch as typeof globalThis.fetch, apiBase: undefined, authBase, now: NOW };
  return { io, calls };
}

async function refresh(io: SendIo) {
  if (!tiktok.refreshToken) throw new Error("TikTok Shop tokens are refreshed");
  return tiktok.refreshToken(CREDENTIALS, io);
}

describe("TikTok Shop token refresh", () => {
  it("calls /api/v2/token/refresh with the app's key and secret and reads the expiries as Unix timestamps", async () => {
    const expiry = NOW / 1000 + 7 * 86400;
    const { io, calls } = fakeIo(() =>
      Response.json({
        code: 0,
        message: "success",
        data: { access_token: "AT2", access_token_expire_in: expiry, refresh_token: "RT2", refresh_token_expire_in: expiry + 86400 },
      }),
    );
    expect(await refresh(io)).toEqual({
      ok: true,
      accessToken: "AT2",
      refreshToken: "RT2",
      expiresAt: expiry * 1000,
      refreshExpiresAt: (expiry + 86400) * 1000,
    });
    const url = new URL(calls[0]?.url ?? "");
    expect(`${url.origin}${url.pathname}`).toBe("https://auth.tiktok-shops.com/api/v2/token/refresh");
    expect(calls[0]?.method).toBe("GET");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      app_key: TIKTOK_TEST_APP.appKey,
      app_secret: TIKTOK_TEST_APP.appSecret,
      refresh_token: "RT1",
      grant_type: "refresh_token",
    });
  });

  it("goes to TIKTOK_AUTH_BASE when set", async () => {
    const { io, calls } = fakeIo(
      () => Response.json({ code: 0, data: { access_token: "AT2", refresh_token: "RT2" } }),
      "http://127.0.0.1:8790",
    );
    expect(await refresh(io)).toMatchObject({ ok: true, expiresAt: null });
    expect(calls[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:8790\/api\/v2\/token\/refresh\?/);
  });

  it("reads a small expiry as a lifetime in seconds", () => {
    expect(expiryOf(604800, NOW)).toBe(NOW + 604_800_000);
    expect(expiryOf(1_765_137_600, NOW)).toBe(1_765_137_600_000);
    expect(expiryOf(undefined, NOW)).toBeNull();
  });

  it("never repeats a fetch error's text, which could quote the URL and its app_secret", async () => {
    const { io } = fakeIo(() => {
      throw new TypeError(`fetch failed for https://auth.tiktok-shops.com/api/v2/token/refresh?app_secret=${TIKTOK_TEST_APP.appSecret}`);
    });
    const result = await refresh(io);
    expect(result).toEqual({ ok: false, kind: "retry", error: "TikTok Shop auth unreachable" });
  });

  it("reports a non-zero code as refused and a 5xx as retry", async () => {
    expect(await refresh(fakeIo(() => Response.json({ code: 36004004, message: "refresh token is invalid" })).io)).toMatchObject({
      ok: false,
      kind: "refused",
    });
    expect(await refresh(fakeIo(() => new Response("", { status: 502 })).io)).toMatchObject({ ok: false, kind: "retry" });
  });

  it.each([
    ["HTTP 401", () => new Response(JSON.stringify({ code: 105001, message: "invalid token" }), { status: 401 })],
    ["code 105002 in a 200", () => Response.json({ code: 105002, message: "Access token is expired" })],
  ])("marks a send refused with %s as unauthorized", async (_, answer) => {
    const message = {
      text: "hi",
      context: { platformThreadId: "7373009988776655443", platformUserId: "u", lastInboundAt: null, replyToken: null },
    };
    const result = await sendTikTok(message, CREDENTIALS, fakeIo(answer).io);
    expect(result).toMatchObject({ ok: false, kind: "failed", unauthorized: true });
  });
});
