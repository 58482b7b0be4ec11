import { describe, expect, it } from "vitest";
import type { SendIo } from "../../../../src/channels/types.ts";
import { zalo } from "../../../../src/channels/zalo/index.ts";
import { ZALO_TEST_CHANNEL } from "../../../fixtures/zalo/index.ts";

const NOW = Date.parse("2026-12-07T20:00:00Z");
const CREDENTIALS = { ...ZALO_TEST_CHANNEL, appSecret: "app-secret", refreshToken: "RT1" };

function fakeIo(answer: () => Response | Promise<Response>, authBase?: string) {
  const calls: Request[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(new Request(input, init));
    return answer();
  };
  const io: SendIo = { fetch: fetch as typeof globalThis.fetch, apiBase: undefined, authBase, now: NOW };
  return { io, calls };
}

async function refresh(io: SendIo, credentials = CREDENTIALS) {
  if (!zalo.refreshToken) throw new Error("Zalo tokens are refreshed");
  return zalo.refreshToken(credentials, io);
}

describe("Zalo token refresh", () => {
  it("posts the refresh token as a form with the App Secret in `secret_key`, and reads expires_in as seconds", async () => {
    const { io, calls } = fakeIo(() => Response.json({ access_token: "AT2", refresh_token: "RT2", expires_in: "90000" }));
    expect(await refresh(io)).toEqual({
      ok: true,
      accessToken: "AT2",
      refreshToken: "RT2",
      expiresAt: NOW + 90_000_000,
      refreshExpiresAt: null,
    });
    const request = calls[0] as Request;
    expect(calls).toHaveLength(1);
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://oauth.zaloapp.com/v4/oa/access_token");
    expect(request.headers.get("secret_key")).toBe("app-secret");
    expect(request.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(await request.text()))).toEqual({
      refresh_token: "RT1",
      app_id: ZALO_TEST_CHANNEL.appId,
      grant_type: "refresh_token",
    });
  });

  it("goes to ZALO_OAUTH_BASE when set", async () => {
    const { io, calls } = fakeIo(
      () => Response.json({ access_token: "AT2", refresh_token: "RT2", expires_in: 90000 }),
      "http://127.0.0.1:8790",
    );
    expect((await refresh(io)).ok).toBe(true);
    expect(calls[0]?.url).toBe("http://127.0.0.1:8790/v4/oa/access_token");
  });

  it("reports Zalo's refusal, with its code and description, as refused", async () => {
    const { io } = fakeIo(() => Response.json({ error: -14014, error_name: "Invalid refresh token", error_description: "expired" }));
    const result = await refresh(io);
    expect(result).toMatchObject({ ok: false, kind: "refused" });
    expect(result.ok === false && result.kind === "refused" ? result.reason : "").toContain("-14014 Invalid refresh token expired");
  });

  it("refuses an answer without a new refresh token: the old one is spent", async () => {
    const { io } = fakeIo(() => Response.json({ access_token: "AT2", expires_in: "90000" }));
    expect(await refresh(io)).toMatchObject({ ok: false, kind: "refused" });
  });

  it("refuses a token longer than any credential the API accepts", async () => {
    const { io } = fakeIo(() => Response.json({ access_token: "a".repeat(4097), refresh_token: "RT2", expires_in: "90000" }));
    expect(await refresh(io)).toMatchObject({ ok: false, kind: "refused" });
  });

  it.each([
    ["a 503", () => new Response("down", { status: 503 })],
    ["a 429", () => new Response("slow down", { status: 429 })],
    [
      "no answer",
      () => {
        throw new TypeError("connection refused");
      },
    ],
  ])("asks to retry later on %s", async (_, answer) => {
    const { io } = fakeIo(answer);
    expect(await refresh(io)).toMatchObject({ ok: false, kind: "retry" });
  });

  it("can refresh only with both the App Secret and a refresh token", () => {
    expect(zalo.canRefresh?.(CREDENTIALS)).toBe(true);
    expect(zalo.canRefresh?.({ ...ZALO_TEST_CHANNEL, refreshToken: "RT1" })).toBe(false);
    expect(zalo.canRefresh?.({ ...ZALO_TEST_CHANNEL, appSecret: "app-secret" })).toBe(false);
  });
});
