// Token lifecycle and channel health against fake token hosts and platform APIs: one refresh
// for many waiting replies, a refused refresh disconnecting the channel, a refusal as
// unauthorized mended once (replies and order look-ups), and TikTok Shop's authorization pushes.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { forgetChannel } from "../../src/channel-cache.ts";
import { runMaintenance } from "../../src/maintenance/index.ts";
import { TIKTOK_TEST_APP, tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { zaloKit } from "../fixtures/zalo/kit.ts";
import { call, captureOutbound, createWorkspace, disableRouting, json, postTikTok } from "./helpers.ts";
import { failNextD1 } from "./production-limits.ts";

const ZALO_API = "https://openapi.zalo.me";
const ZALO_OAUTH = "https://oauth.zaloapp.com/v4/oa/access_token";
const TIKTOK_AUTH = "https://auth.tiktok-shops.com/api/v2/token/refresh";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

interface Channel {
  id: string;
  status: string;
  statusReason: string | null;
  tokenExpiresAt: string | null;
}

interface StatusEvent {
  type: string;
  data: { workspaceId: string; channel: { id: string; platform: string; status: string; statusReason: string | null } };
}

/** A Zalo channel that can renew its token, with one follower's conversation open for replies. */
async function zaloConversation() {
  const workspace = await createWorkspace();
  await disableRouting(workspace.apiKey);
  const credentials = { ...zaloKit.credentials, appSecret: "zalo-app-secret", refreshToken: "RT1" };
  const channel = await json<Channel>(
    await call("POST", "/v1/channels", { token: workspace.apiKey, json: { platform: "zalo", name: "OA", credentials } }),
    201,
  );
  expect(channel).toMatchObject({ status: "active", statusReason: null, tokenExpiresAt: null });
  const signed = zaloKit.sign(zaloKit.fixtures["user-send-text"] ?? "", zaloKit.credentials, Date.now());
  const intake = await call("POST", `/webhooks/zalo/${channel.id}`, {
    body: signed.body,
    headers: { "content-type": "application/json", ...signed.headers },
  });
  expect(intake.status).toBe(200);
  const conversation = await vi.waitFor(async () => {
    const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: workspace.apiKey }), 200);
    expect(list.data).toHaveLength(1);
    return list.data[0] as { id: string };
  });
  // The fixture is old: a message just now opens Zalo's 48-hour window.
  await env.DB.prepare("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").bind(Date.now(), conversation.id).run();
  return { workspace, channel, conversation };
}

/** Sets the token's expiry as an earlier refresh would have (and forgets this isolate's cached copy, as a refresh does). */
async function tokenExpiresAt(channelId: string, at: number) {
  await env.DB.prepare("UPDATE channels SET token_expires_at = ? WHERE id = ?").bind(at, channelId).run();
  forgetChannel(channelId);
}

/** A fake Zalo: the token host hands out AT2/RT2 for RT1 (after `delayMs`); the send API takes only `accepted`. */
function fakeZalo(options: { accepted: string; refresh?: () => Response; delayMs?: number }) {
  const refreshes: { body: string; secret: string | null }[] = [];
  const sends: string[] = [];
  const fake = captureOutbound("https://", async (request) => {
    if (request.url === ZALO_OAUTH) {
      refreshes.push({ body: await request.text(), secret: request.headers.get("secret_key") });
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
      return options.refresh ? options.refresh() : Response.json({ access_token: "AT2", refresh_token: "RT2", expires_in: "90000" });
    }
    if (request.url.startsWith(ZALO_API)) {
      const token = request.headers.get("access_token") ?? "";
      sends.push(token);
      return token === options.accepted
        ? Response.json({ error: 0, message: "Success", data: { message_id: `zmsg-${sends.length}` } })
        : Response.json({ error: -216, message: "Access token is invalid" });
    }
    return new Response("ok");
  });
  return { fake, refreshes, sends };
}

function reply(apiKey: string, conversationId: string, text: string) {
  return call("POST", `/v1/conversations/${conversationId}/messages`, { token: apiKey, json: { text } });
}

async function statusEvents(apiKey: string): Promise<StatusEvent[]> {
  return (await json<{ data: StatusEvent[] }>(await call("GET", "/v1/events?type=channel.status_changed", { token: apiKey }), 200)).data;
}

async function readChannel(apiKey: string, id: string): Promise<Channel> {
  return json<Channel>(await call("GET", `/v1/channels/${id}`, { token: apiKey }), 200);
}

describe("zalo token refresh", () => {
  it("refreshes an expiring token once while several replies wait, then sends them all with the new token", async () => {
    const { workspace, channel, conversation } = await zaloConversation();
    // The token runs out mid-run: the gateway learnt its expiry at an earlier refresh.
    await tokenExpiresAt(channel.id, Date.now() + 60_000);
    const zalo = fakeZalo({ accepted: "AT2", delayMs: 50 });
    outbound = zalo.fake;

    const answers = await Promise.all(["một", "hai", "ba", "bốn"].map((text) => reply(workspace.apiKey, conversation.id, text)));
    const sent = await Promise.all(answers.map((answer) => json<{ status: string }>(answer, 201)));
    expect(sent.map((message) => message.status)).toEqual(["sent", "sent", "sent", "sent"]);

    expect(zalo.refreshes).toHaveLength(1);
    expect(zalo.refreshes[0]?.secret).toBe("zalo-app-secret");
    expect(Object.fromEntries(new URLSearchParams(zalo.refreshes[0]?.body))).toEqual({
      refresh_token: "RT1",
      app_id: zaloKit.credentials.appId,
      grant_type: "refresh_token",
    });
    expect(zalo.sends).toEqual(["AT2", "AT2", "AT2", "AT2"]);

    const after = await readChannel(workspace.apiKey, channel.id);
    expect(after.status).toBe("active");
    const expiresIn = Date.parse(after.tokenExpiresAt ?? "") - Date.now();
    expect(expiresIn).toBeGreaterThan(89_000_000);
    expect(expiresIn).toBeLessThanOrEqual(90_000_000);
    expect(await statusEvents(workspace.apiKey)).toEqual([]);

    // The single-use RT1 is spent: the next refresh must offer RT2, which was stored before AT2 was used.
    await tokenExpiresAt(channel.id, Date.now() - 1);
    await json(await reply(workspace.apiKey, conversation.id, "năm"), 201);
    expect(zalo.refreshes).toHaveLength(2);
    expect(new URLSearchParams(zalo.refreshes[1]?.body).get("refresh_token")).toBe("RT2");
  });

  it("keeps a refreshed pair through a D1 failure: the reply waits, and the next one stores and uses it without refreshing again", async () => {
    const { workspace, channel, conversation } = await zaloConversation();
    await tokenExpiresAt(channel.id, Date.now() - 1);
    const zalo = fakeZalo({ accepted: "AT2" });
    outbound = zalo.fake;
    // The refresh answered, then D1 failed: RT1 is spent, and AT2/RT2 are only in the channel's object.
    failNextD1(/update "channels" set "credentials_sealed"/);
    const waiting = await json<{ status: string; error: string }>(await reply(workspace.apiKey, conversation.id, "một"), 202);
    expect(waiting).toMatchObject({ status: "pending", error: expect.stringContaining("token refresh") });
    expect(zalo.refreshes).toHaveLength(1);
    expect(zalo.sends).toEqual([]);

    await json(await reply(workspace.apiKey, conversation.id, "hai"), 201);
    expect(zalo.refreshes).toHaveLength(1);
    expect(zalo.sends).toEqual(["AT2"]);
    expect(Date.parse((await readChannel(workspace.apiKey, channel.id)).tokenExpiresAt ?? "")).toBeGreaterThan(Date.now());
  });

  it("renews an idle channel's token within the hour before it expires, from the cron", async () => {
    const { workspace, channel } = await zaloConversation();
    const { channel: later } = await zaloConversation();
    await tokenExpiresAt(channel.id, Date.now() + 30 * 60_000);
    await tokenExpiresAt(later.id, Date.now() + 3 * 3600_000);
    const zalo = fakeZalo({ accepted: "AT2" });
    outbound = zalo.fake;

    const { tokens } = await runMaintenance(env, Date.now());
    expect(tokens).toEqual({ due: 1, failed: 0 });
    expect(zalo.refreshes).toHaveLength(1);
    expect(zalo.sends).toEqual([]);
    const renewed = await readChannel(workspace.apiKey, channel.id);
    expect(Date.parse(renewed.tokenExpiresAt ?? "") - Date.now()).toBeGreaterThan(24 * 3600_000);
    // Renewed, the channel is no longer due: the next run leaves it alone.
    expect((await runMaintenance(env, Date.now())).tokens).toEqual({ due: 0, failed: 0 });
  });

  it("disconnects the channel and announces it when the refresh is refused", async () => {
    const { workspace, channel, conversation } = await zaloConversation();
    await tokenExpiresAt(channel.id, Date.now() - 1000);
    const zalo = fakeZalo({
      accepted: "AT2",
      refresh: () => Response.json({ error: -14014, error_name: "Invalid refresh token", error_description: "refresh token expired" }),
    });
    outbound = zalo.fake;

    const failed = await json<{ error: { message: string } }>(await reply(workspace.apiKey, conversation.id, "xin chào"), 422);
    expect(failed.error.message).toContain("Zalo refused the refresh token");
    expect(zalo.sends).toEqual([]);

    const after = await readChannel(workspace.apiKey, channel.id);
    expect(after.status).toBe("disconnected");
    expect(after.statusReason).toContain("-14014");
    const events = await statusEvents(workspace.apiKey);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toEqual({
      workspaceId: workspace.id,
      channel: { id: channel.id, platform: "zalo", status: "disconnected", statusReason: after.statusReason },
    });
    // No secret in what the API or the event says.
    expect(JSON.stringify([after, events])).not.toMatch(/RT1|zalo-app-secret|test-zalo-oa-access-token/);

    // Further replies are refused without calling Zalo again.
    const refused = await json<{ error: { message: string } }>(await reply(workspace.apiKey, conversation.id, "còn đó không"), 422);
    expect(refused.error.message).toContain("disconnected");
    expect(zalo.refreshes).toHaveLength(1);

    // New tokens from the shop reconnect it, and that is announced too.
    const patched = await json<Channel>(
      await call("PATCH", `/v1/channels/${channel.id}`, {
        token: workspace.apiKey,
        json: { credentials: { accessToken: "AT9", refreshToken: "RT9" } },
      }),
      200,
    );
    expect(patched).toMatchObject({ status: "active", statusReason: null, tokenExpiresAt: null });
    expect((await statusEvents(workspace.apiKey)).map((event) => event.data.channel.status).sort()).toEqual(["active", "disconnected"]);
  });

  it("refreshes once after a refusal as unauthorized and sends the reply again", async () => {
    const { workspace, channel, conversation } = await zaloConversation();
    const zalo = fakeZalo({ accepted: "AT2" });
    outbound = zalo.fake;

    const sent = await json<{ status: string; platformMessageId: string }>(await reply(workspace.apiKey, conversation.id, "Dạ có ạ"), 201);
    expect(sent.status).toBe("sent");
    expect(zalo.sends).toEqual([zaloKit.credentials.accessToken, "AT2"]);
    expect(zalo.refreshes).toHaveLength(1);
    expect((await readChannel(workspace.apiKey, channel.id)).status).toBe("active");
  });

  it("marks a channel that cannot refresh needs_attention when its token is refused", async () => {
    const workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    const { id } = await json<Channel>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: { platform: "zalo", name: "OA", credentials: zaloKit.credentials },
      }),
      201,
    );
    const signed = zaloKit.sign(zaloKit.fixtures["user-send-text"] ?? "", zaloKit.credentials, Date.now());
    await call("POST", `/webhooks/zalo/${id}`, { body: signed.body, headers: { "content-type": "application/json", ...signed.headers } });
    const conversation = await vi.waitFor(async () => {
      const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: workspace.apiKey }), 200);
      expect(list.data).toHaveLength(1);
      return list.data[0] as { id: string };
    });
    await env.DB.prepare("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").bind(Date.now(), conversation.id).run();
    const zalo = fakeZalo({ accepted: "nothing" });
    outbound = zalo.fake;

    await json(await reply(workspace.apiKey, conversation.id, "hello"), 422);
    expect(zalo.refreshes).toEqual([]);
    const after = await readChannel(workspace.apiKey, id);
    expect(after).toMatchObject({ status: "needs_attention" });
    expect(after.statusReason).toContain("unauthorized");
    expect((await statusEvents(workspace.apiKey)).map((event) => event.data.channel.status)).toEqual(["needs_attention"]);
  });
});

describe("tiktok shop authorization", () => {
  /** `routing`: the default rules stay on (order look-ups, automatic replies). */
  async function tiktokChannel(routing = false) {
    const workspace = await createWorkspace();
    if (!routing) await disableRouting(workspace.apiKey);
    const channel = await json<Channel>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: {
          platform: "tiktok",
          name: "Shop",
          credentials: { ...TIKTOK_TEST_APP, accessToken: "TTAT1", refreshToken: "TTRT1", shopCipher: "ROW_cipher" },
        },
      }),
      201,
    );
    return { workspace, channel };
  }

  it("marks the channel needs_attention on UPCOMING_AUTHORIZATION_EXPIRATION (type 7), once", async () => {
    const { workspace, channel } = await tiktokChannel();
    for (let i = 0; i < 2; i++)
      expect((await postTikTok(channel.id, tiktokFixtures["upcoming-authorization-expiration"])).status).toBe(200);
    const after = await vi.waitFor(async () => {
      const read = await readChannel(workspace.apiKey, channel.id);
      expect(read.status).toBe("needs_attention");
      return read;
    });
    expect(after.statusReason).toContain("2024-07-04T00:00:00.000Z");
    const events = await vi.waitFor(async () => {
      const listed = await statusEvents(workspace.apiKey);
      expect(listed).toHaveLength(1);
      return listed;
    });
    expect(events[0]?.data.channel).toMatchObject({ id: channel.id, platform: "tiktok", status: "needs_attention" });
  });

  it("disconnects the channel on SELLER_DEAUTHORIZATION (type 6) and forgets the shop's tokens", async () => {
    const { workspace, channel } = await tiktokChannel();
    expect((await postTikTok(channel.id, tiktokFixtures["seller-deauthorization"])).status).toBe(200);
    await vi.waitFor(async () => expect((await readChannel(workspace.apiKey, channel.id)).status).toBe("disconnected"));
    const events = await vi.waitFor(async () => {
      const listed = await statusEvents(workspace.apiKey);
      expect(listed).toHaveLength(1);
      return listed;
    });
    expect(events[0]?.data.channel).toEqual({
      id: channel.id,
      platform: "tiktok",
      status: "disconnected",
      statusReason: "the shop deauthorized the app",
    });
    // Webhooks still verify (the app's key and secret stay); the shop's tokens are gone.
    const intake = await postTikTok(channel.id, tiktokFixtures["new-message-text"]);
    expect(intake.status).toBe(200);
  });

  it("renews a TikTok Shop token due for refresh before the order look-up and the automatic reply use it", async () => {
    const { workspace, channel } = await tiktokChannel(true);
    await tokenExpiresAt(channel.id, Date.now() + 10 * 60_000);
    const refreshes: string[] = [];
    const used: string[] = [];
    const expiry = Math.floor(Date.now() / 1000) + 7 * 86400;
    outbound = captureOutbound("https://", (request) => {
      if (request.url.startsWith(TIKTOK_AUTH)) {
        refreshes.push(request.url);
        return Response.json({ code: 0, data: { access_token: "TTAT2", access_token_expire_in: expiry, refresh_token: "TTRT2" } });
      }
      const token = request.headers.get("x-tts-access-token") ?? "";
      used.push(`${new URL(request.url).pathname} ${token}`);
      if (token !== "TTAT2") return Response.json({ code: 105002, message: "Access token is expired" });
      if (request.url.includes("/order/202309/orders")) {
        return Response.json({ code: 0, data: { orders: [{ id: "576700112233445566", status: "IN_TRANSIT" }] } });
      }
      return Response.json({ code: 0, message: "Success", data: { message_id: "7373009988776600011" } });
    });
    expect((await postTikTok(channel.id, tiktokFixtures["new-message-text"])).status).toBe(200);
    await vi.waitFor(async () => {
      const sent = await json<{ data: unknown[] }>(await call("GET", "/v1/events?type=message.sent", { token: workspace.apiKey }), 200);
      expect(sent.data).toHaveLength(1);
    });
    expect(refreshes).toHaveLength(1);
    expect(used).toEqual(["/order/202309/orders TTAT2", "/customer_service/202309/conversations/7373009988776655443/messages TTAT2"]);
  });

  /**
   * A fake TikTok Shop whose auth host hands out TTAT2 for TTRT1; the order API takes only the
   * tokens in `orderTokens`, the send API only TTAT2. Every call is kept as `path token`.
   */
  function fakeTikTokShop(orderTokens: string[]) {
    const refreshes: string[] = [];
    const used: string[] = [];
    const expiry = Math.floor(Date.now() / 1000) + 7 * 86400;
    outbound = captureOutbound("https://", (request) => {
      if (request.url.startsWith(TIKTOK_AUTH)) {
        refreshes.push(new URL(request.url).searchParams.get("refresh_token") ?? "");
        return Response.json({ code: 0, data: { access_token: "TTAT2", access_token_expire_in: expiry, refresh_token: "TTRT2" } });
      }
      const token = request.headers.get("x-tts-access-token") ?? "";
      const path = new URL(request.url).pathname;
      used.push(`${path} ${token}`);
      if (path === "/order/202309/orders") {
        return orderTokens.includes(token)
          ? Response.json({ code: 0, data: { orders: [{ id: "576700112233445566", status: "IN_TRANSIT" }] } })
          : Response.json({ code: 105002, message: "Access token is expired" });
      }
      return token === "TTAT2"
        ? Response.json({ code: 0, message: "Success", data: { message_id: "7373009988776600012" } })
        : Response.json({ code: 105002, message: "Access token is expired" });
    });
    return { refreshes, used };
  }

  async function sentReplyTexts(apiKey: string): Promise<(string | null)[]> {
    const sent = await json<{ data: { data: { message: { text: string | null } } }[] }>(
      await call("GET", "/v1/events?type=message.sent", { token: apiKey }),
      200,
    );
    return sent.data.map((event) => event.data.message.text);
  }

  it("refreshes once after the order look-up is refused as unauthorized, looks the order up again and answers with its status", async () => {
    const { workspace, channel } = await tiktokChannel(true);
    // Not due for refresh as far as the gateway knows: only the platform's refusal tells.
    const { refreshes, used } = fakeTikTokShop(["TTAT2"]);
    expect((await postTikTok(channel.id, tiktokFixtures["new-message-text"])).status).toBe(200);
    const texts = await vi.waitFor(async () => {
      const listed = await sentReplyTexts(workspace.apiKey);
      expect(listed).toHaveLength(1);
      return listed;
    });
    expect(texts[0]).toBe("Your order 576700112233445566 is on its way.");
    expect(refreshes).toEqual(["TTRT1"]);
    expect(used).toEqual([
      "/order/202309/orders TTAT1",
      "/order/202309/orders TTAT2",
      "/customer_service/202309/conversations/7373009988776655443/messages TTAT2",
    ]);
    const after = await readChannel(workspace.apiKey, channel.id);
    expect(after.status).toBe("active");
    expect(await statusEvents(workspace.apiKey)).toEqual([]);
  });

  it("marks the channel needs_attention when the order look-up is refused again with the refreshed token, without refreshing twice", async () => {
    const { workspace, channel } = await tiktokChannel(true);
    const { refreshes, used } = fakeTikTokShop([]);
    expect((await postTikTok(channel.id, tiktokFixtures["new-message-text"])).status).toBe(200);
    const texts = await vi.waitFor(async () => {
      const listed = await sentReplyTexts(workspace.apiKey);
      expect(listed).toHaveLength(1);
      return listed;
    });
    // The buyer still hears back; the status waits for a person to mend the token.
    expect(texts[0]).toBe("We are checking order 576700112233445566 and will get back to you shortly.");
    expect(refreshes).toEqual(["TTRT1"]);
    expect(used.filter((call) => call.startsWith("/order/"))).toEqual(["/order/202309/orders TTAT1", "/order/202309/orders TTAT2"]);
    const after = await readChannel(workspace.apiKey, channel.id);
    expect(after).toMatchObject({ status: "needs_attention", statusReason: "the platform refused a freshly refreshed access token" });
    const events = await vi.waitFor(async () => {
      const listed = await statusEvents(workspace.apiKey);
      expect(listed).toHaveLength(1);
      return listed;
    });
    expect(events[0]?.data.channel).toMatchObject({ id: channel.id, status: "needs_attention" });
  });

  it("refreshes a TikTok Shop token refused as unauthorized through the auth host, then sends", async () => {
    const { workspace, channel } = await tiktokChannel();
    expect((await postTikTok(channel.id, tiktokFixtures["new-message-text"])).status).toBe(200);
    const conversation = await vi.waitFor(async () => {
      const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: workspace.apiKey }), 200);
      expect(list.data).toHaveLength(1);
      return list.data[0] as { id: string };
    });
    const refreshes: string[] = [];
    const tokens: string[] = [];
    const expiry = Math.floor(Date.now() / 1000) + 7 * 86400;
    outbound = captureOutbound("https://", (request) => {
      if (request.url.startsWith(TIKTOK_AUTH)) {
        refreshes.push(request.url);
        return Response.json({
          code: 0,
          message: "success",
          data: {
            access_token: "TTAT2",
            access_token_expire_in: expiry,
            refresh_token: "TTRT2",
            refresh_token_expire_in: expiry + 86400 * 30,
          },
        });
      }
      const token = request.headers.get("x-tts-access-token") ?? "";
      tokens.push(token);
      return token === "TTAT2"
        ? Response.json({ code: 0, message: "Success", data: { message_id: "7373009988776600009" } })
        : Response.json({ code: 105002, message: "Access token is expired" });
    });
    await json(await reply(workspace.apiKey, conversation.id, "Ships today"), 201);
    expect(tokens).toEqual(["TTAT1", "TTAT2"]);
    expect(refreshes).toHaveLength(1);
    const query = new URL(refreshes[0] ?? "").searchParams;
    expect(Object.fromEntries(query)).toEqual({
      ...{ app_key: TIKTOK_TEST_APP.appKey, app_secret: TIKTOK_TEST_APP.appSecret },
      refresh_token: "TTRT1",
      grant_type: "refresh_token",
    });
    expect((await readChannel(workspace.apiKey, channel.id)).tokenExpiresAt).toBe(new Date(expiry * 1000).toISOString());
  });
});
