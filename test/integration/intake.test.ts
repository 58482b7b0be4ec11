import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { app } from "../../src/app.ts";
import { MAX_ZALO_BODY_BYTES } from "../../src/channels/zalo/verify.ts";
import { MAX_QUEUE_MESSAGE_BYTES } from "../../src/consumers/messages.ts";
import { MESSENGER_TEST_CHANNEL, messengerFixtures } from "../fixtures/meta/index.ts";
import { signMeta } from "../fixtures/meta/kit.ts";
import { TIKTOK_TEST_APP, tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { X_TEST_APP } from "../fixtures/x/index.ts";
import { ZALO_TEST_CHANNEL, zaloFixtures } from "../fixtures/zalo/index.ts";
import { signZaloBody, withTimestamp as withZaloTimestamp } from "../fixtures/zalo/sign.ts";
import { signTikTok, withTimestamp } from "../helpers/tiktok.ts";
import { storedEventCount } from "./deliveries-kit.ts";
import { call, count, countStoredMessages, createTikTokChannel, createWorkspace, json, postTikTok } from "./helpers.ts";

async function channel() {
  const workspace = await createWorkspace();
  return createTikTokChannel(workspace.apiKey);
}

/** Queues are not reset between tests, so counts are scoped to this test's channel. */
async function nothingStored(channelId: string) {
  // Give a (wrongly) enqueued message time to be consumed before asserting it was not.
  await new Promise((resolve) => setTimeout(resolve, 150));
  const owner = await env.DB.prepare("SELECT workspace_id AS id FROM channels WHERE id = ?").bind(channelId).first<{ id: string }>();
  expect(await storedEventCount(owner?.id ?? "")).toBe(0);
  expect(await count("SELECT count(*) n FROM dead_letters WHERE channel_id = ?", channelId)).toBe(0);
}

describe("webhook intake", () => {
  it("answers 200 with a valid signature", async () => {
    const { id } = await channel();
    const response = await postTikTok(id, tiktokFixtures["new-message-text"]);
    expect(await json(response, 200)).toEqual({ ok: true });
  });

  it("answers 401 to a wrong signature and stores nothing", async () => {
    const { id } = await channel();
    const response = await postTikTok(id, tiktokFixtures["new-message-text"], { signature: "0".repeat(64) });
    expect(await json(response, 401)).toMatchObject({ error: { code: "unauthorized" } });
    await nothingStored(id);
  });

  it("answers 401 to a missing signature", async () => {
    const { id } = await channel();
    const response = await call("POST", `/webhooks/tiktok/${id}`, { body: tiktokFixtures["new-message-text"] });
    expect(response.status).toBe(401);
    await nothingStored(id);
  });

  it("answers 401 to a correctly signed but stale delivery (a replay)", async () => {
    const { id } = await channel();
    const response = await postTikTok(id, tiktokFixtures["new-message-text"], { fresh: false });
    expect(response.status).toBe(401);
    await nothingStored(id);
  });

  it("answers 401 when the channel's secret differs from the signer's", async () => {
    const workspace = await createWorkspace();
    const created = await json<{ id: string }>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: { platform: "tiktok", name: "Other", credentials: { appKey: TIKTOK_TEST_APP.appKey, appSecret: "another-secret" } },
      }),
      201,
    );
    expect((await postTikTok(created.id, tiktokFixtures["new-message-text"])).status).toBe(401);
  });

  it("answers 404 to an unknown channel, an unknown platform, or a platform the channel is not", async () => {
    const { id } = await channel();
    expect((await postTikTok("ch_doesnotexist000000000000", tiktokFixtures["new-message-text"])).status).toBe(404);
    const body = tiktokFixtures["new-message-text"];
    expect((await call("POST", `/webhooks/myspace/${id}`, { body })).status).toBe(404);
    expect((await call("POST", `/webhooks/whatsapp/${id}`, { body })).status).toBe(404);
  });

  it("answers 413 to a body over 1 MiB, by length or as it streams", async () => {
    const { id } = await channel();
    const big = `{"pad":"${"x".repeat(1_048_576)}"}`;
    const signature = signTikTok(TIKTOK_TEST_APP.appKey, TIKTOK_TEST_APP.appSecret, big);
    const declared = await call("POST", `/webhooks/tiktok/${id}`, { body: big, headers: { authorization: signature } });
    expect(await json(declared, 413)).toMatchObject({ error: { code: "payload_too_large" } });

    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 1_100_000) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await app.fetch(
      new Request(`https://gateway.test/webhooks/tiktok/${id}`, { method: "POST", body: stream, headers: { authorization: signature } }),
      env,
    );
    expect(streamed.status).toBe(413);
  });

  it("answers 413 to a Zalo body over its own bound, which it must parse before verifying, and takes one at the bound", async () => {
    const workspace = await createWorkspace();
    const { id } = await json<{ id: string }>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: { platform: "zalo", name: "OA", credentials: { ...ZALO_TEST_CHANNEL } },
      }),
      201,
    );
    const fixture = withZaloTimestamp(zaloFixtures["user-send-text"], Date.now());
    const paddedTo = (bytes: number) => {
      const body = `{"padding":"${"x".repeat(bytes - new TextEncoder().encode(fixture).length - '"padding":"",'.length)}",${fixture.slice(1)}`;
      expect(new TextEncoder().encode(body).length).toBe(bytes);
      return body;
    };
    const post = (body: string) =>
      call("POST", `/webhooks/zalo/${id}`, {
        body,
        headers: { "content-type": "application/json", "x-zevent-signature": signZaloBody(body, ZALO_TEST_CHANNEL.oaSecretKey) },
      });

    expect(await json(await post(paddedTo(MAX_ZALO_BODY_BYTES + 1)), 413)).toMatchObject({ error: { code: "payload_too_large" } });
    expect(await json(await post(paddedTo(MAX_ZALO_BODY_BYTES)), 200)).toEqual({ ok: true });
    await vi.waitFor(async () => expect(await countStoredMessages("channel_id = ? AND direction = 'inbound'", id)).toBe(1));
  });

  it("accepts a signed body just under 1 MiB and carries it past the queue's message limit", async () => {
    const workspace = await createWorkspace();
    const { id } = await createTikTokChannel(workspace.apiKey);
    const base = withTimestamp(tiktokFixtures["new-message-text"], Math.floor(Date.now() / 1000));
    const big = base.replace('"data": {', `"padding": "${"p".repeat(900_000)}",\n  "data": {`);
    const signature = signTikTok(TIKTOK_TEST_APP.appKey, TIKTOK_TEST_APP.appSecret, big);
    const response = await call("POST", `/webhooks/tiktok/${id}`, { body: big, headers: { authorization: signature } });
    expect(response.status).toBe(200);
    expect(await count("SELECT count(*) n FROM inbound_blobs")).toBe(1);
    await vi.waitFor(async () => expect(await countStoredMessages("channel_id = ?", id)).toBe(1));
  });

  describe("a body that grows when the queue serializes it", () => {
    async function messengerChannel() {
      const workspace = await createWorkspace();
      const channel = await json<{ id: string }>(
        await call("POST", "/v1/channels", {
          token: workspace.apiKey,
          json: { platform: "messenger", name: "Page", credentials: { ...MESSENGER_TEST_CHANNEL } },
        }),
        201,
      );
      return { workspaceId: workspace.id, channelId: channel.id };
    }

    /** The text-message fixture with a top-level `padding` of `quotes` escaped quotes and `plain` letters. */
    function padded(mid: string, quotes: number, plain: number): string {
      const fixture = messengerFixtures["messenger-text-message"].replace("fakeMid001", mid);
      return `{"padding":"${'\\"'.repeat(quotes)}${"x".repeat(plain)}",${fixture.slice(1)}`;
    }

    /** Counted here as the queue counts it, independently of intake: the message's JSON in UTF-8. */
    function queuedSize(ids: { workspaceId: string; channelId: string }, body: string): number {
      const message = { v: 1, ...ids, platform: "messenger", receivedAt: Date.now(), body };
      return new TextEncoder().encode(JSON.stringify(message)).byteLength;
    }

    function post(channelId: string, body: string) {
      return call("POST", `/webhooks/messenger/${channelId}`, {
        body,
        headers: { "content-type": "application/json", "x-hub-signature-256": signMeta(body, MESSENGER_TEST_CHANNEL.appSecret) },
      });
    }

    it("acknowledges a ~98 KB delivery of quote characters and processes it, though it escapes to ~195 KB", async () => {
      const ids = await messengerChannel();
      const body = padded("quotesMid01", 48_700, 0);
      expect(new TextEncoder().encode(body).byteLength).toBeLessThan(98_304);
      expect(queuedSize(ids, body)).toBeGreaterThan(128_000);

      expect(await json(await post(ids.channelId, body), 200)).toEqual({ ok: true });
      expect(await count("SELECT count(*) n FROM inbound_blobs")).toBe(1);
      await vi.waitFor(async () => expect(await countStoredMessages("channel_id = ? AND direction = 'inbound'", ids.channelId)).toBe(1));
      expect(await count("SELECT count(*) n FROM dead_letters WHERE channel_id = ?", ids.channelId)).toBe(0);
    });

    it("sends a message of exactly the limit inline, and one byte more by reference", async () => {
      const ids = await messengerChannel();
      const quotes = 20_000;
      const sized = (mid: string, bytes: number) => {
        const plain = bytes - queuedSize(ids, padded(mid, quotes, 0));
        const body = padded(mid, quotes, plain);
        expect(queuedSize(ids, body)).toBe(bytes);
        return body;
      };

      expect((await post(ids.channelId, sized("atLimitMid1", MAX_QUEUE_MESSAGE_BYTES))).status).toBe(200);
      expect(await count("SELECT count(*) n FROM inbound_blobs")).toBe(0);
      expect((await post(ids.channelId, sized("overLimitM1", MAX_QUEUE_MESSAGE_BYTES + 1))).status).toBe(200);
      expect(await count("SELECT count(*) n FROM inbound_blobs")).toBe(1);
      await vi.waitFor(async () => expect(await countStoredMessages("channel_id = ? AND direction = 'inbound'", ids.channelId)).toBe(2));
    });
  });

  it("answers 400 to an X POST that does not begin with {, even signed by the CRC handshake, and keeps nothing", async () => {
    const workspace = await createWorkspace();
    const { id } = await json<{ id: string }>(
      await call("POST", "/v1/channels", { token: workspace.apiKey, json: { platform: "x", name: "X", credentials: { ...X_TEST_APP } } }),
      201,
    );
    const forged = "anyone can have this string signed";
    const crc = await json<{ response_token: string }>(await call("GET", `/webhooks/x/${id}?crc_token=${encodeURIComponent(forged)}`), 200);

    const sent: unknown[] = [];
    const recordingQueue = { send: async (message: unknown) => void sent.push(message), sendBatch: async () => undefined };
    const response = await app.fetch(
      new Request(`https://gateway.test/webhooks/x/${id}`, {
        method: "POST",
        body: forged,
        headers: { "x-twitter-webhooks-signature": crc.response_token },
      }),
      { ...env, INBOUND_QUEUE: recordingQueue as unknown as Queue },
    );
    expect(await json(response, 400)).toMatchObject({ error: { code: "bad_request" } });
    expect(sent).toEqual([]);
    expect(await count("SELECT count(*) n FROM inbound_blobs")).toBe(0);
    expect(await count("SELECT count(*) n FROM dead_letters WHERE channel_id = ?", id)).toBe(0);
  });

  it("refuses clearly, without the secret, a channel whose sealed credentials were copied from another row", async () => {
    const { id: victim } = await channel();
    const workspace = await createWorkspace();
    const other = await json<{ id: string }>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: { platform: "tiktok", name: "Other", credentials: { appKey: TIKTOK_TEST_APP.appKey, appSecret: "the-other-shops-secret" } },
      }),
      201,
    );
    // Anyone able to write to D1 copies the other channel's sealed credentials into this row.
    await env.DB.prepare("UPDATE channels SET credentials_sealed = (SELECT credentials_sealed FROM channels WHERE id = ?) WHERE id = ?")
      .bind(other.id, victim)
      .run();

    // Signed with the other shop's secret, which the moved value holds: it must not verify.
    const body = withTimestamp(tiktokFixtures["new-message-text"], Math.floor(Date.now() / 1000));
    const response = await call("POST", `/webhooks/tiktok/${victim}`, {
      body,
      headers: { authorization: signTikTok(TIKTOK_TEST_APP.appKey, "the-other-shops-secret", body) },
    });
    const text = await response.text();
    expect(response.status, text).toBe(500);
    expect(JSON.parse(text)).toMatchObject({
      error: { code: "internal", message: expect.stringContaining(`channel:${victim}:credentials does not open`) },
    });
    expect(text).not.toContain("the-other-shops-secret");
    await nothingStored(victim);
    expect(await count("SELECT count(*) n FROM inbound_blobs")).toBe(0);
  });

  it("lets a channel whose sealed credentials do not open be repaired by sending every credential again", async () => {
    const workspace = await createWorkspace();
    const { id } = await createTikTokChannel(workspace.apiKey);
    const other = await createTikTokChannel(workspace.apiKey);
    await env.DB.prepare("UPDATE channels SET credentials_sealed = (SELECT credentials_sealed FROM channels WHERE id = ?) WHERE id = ?")
      .bind(other.id, id)
      .run();

    const partial = await call("PATCH", `/v1/channels/${id}`, {
      token: workspace.apiKey,
      json: { credentials: { appKey: TIKTOK_TEST_APP.appKey } },
    });
    expect(await json(partial, 400)).toMatchObject({
      error: { code: "validation_failed", message: expect.stringMatching(/does not open.*send every credential to replace them/) },
    });
    const complete = await call("PATCH", `/v1/channels/${id}`, { token: workspace.apiKey, json: { credentials: { ...TIKTOK_TEST_APP } } });
    expect(complete.status, await complete.text()).toBe(200);
    expect((await postTikTok(id, tiktokFixtures["new-message-text"])).status).toBe(200);
  });

  it("answers 503 when the delivery cannot be enqueued, so the platform retries", async () => {
    const { id } = await channel();
    const body = withTimestamp(tiktokFixtures["new-message-text"], Math.floor(Date.now() / 1000));
    const failingQueue = {
      send: () => Promise.reject(new Error("queue unavailable")),
      sendBatch: () => Promise.reject(new Error("queue unavailable")),
    };
    const response = await app.fetch(
      new Request(`https://gateway.test/webhooks/tiktok/${id}`, {
        method: "POST",
        body,
        headers: { authorization: signTikTok(TIKTOK_TEST_APP.appKey, TIKTOK_TEST_APP.appSecret, body) },
      }),
      { ...env, INBOUND_QUEUE: failingQueue as unknown as Queue },
    );
    expect(await json(response, 503)).toMatchObject({ error: { code: "unavailable" } });
  });

  it("answers 405 to a GET on a platform without a handshake", async () => {
    const { id } = await channel();
    expect((await call("GET", `/webhooks/tiktok/${id}`)).status).toBe(405);
  });

  it("serves GET /health", async () => {
    expect(await json(await call("GET", "/health"), 200)).toEqual({ ok: true });
  });
});
