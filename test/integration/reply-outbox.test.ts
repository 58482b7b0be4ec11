// Replies as an outbox in the conversation's own object: recorded and claimed before they
// are sent, sent by one sender at a time, and resumed by the object's alarm when their
// sender vanished.
import {
  createExecutionContext,
  createMessageBatch,
  evictDurableObject,
  getQueueResult,
  runDurableObjectAlarm,
  runInDurableObject,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_REPLY_ATTEMPTS, SEND_CLAIM_MS } from "../../src/actions/reply.ts";
import { consumeDeliveries } from "../../src/consumers/deliveries.ts";
import { conversationStub } from "../../src/objects/conversation.ts";
import { storedEventCount } from "./deliveries-kit.ts";
import { admittedMessages, call, captureOutbound, countStoredMessages, json, postTikTok, storedMessages } from "./helpers.ts";
import { failNextObjectSql } from "./production-limits.ts";
import { dm, merchantWorld, shop, TIKTOK_API } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const THREAD = "7373009988776655443";
const ORDER = { "576700112233445566": { orderId: "576700112233445566", status: "processing" } };
/** Announcing a sent reply: `message.sent` into the workspace's event log (TikTok has no reply token, so no D1 batch goes with it). */
const ANNOUNCE_SENT = /^INSERT INTO events /;
const failAnnouncingSent = () => failNextObjectSql(ANNOUNCE_SENT, "message.sent");

async function conversationOf(apiKey: string): Promise<string> {
  return vi.waitFor(async () => {
    const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: apiKey }), 200);
    expect(list.data).toHaveLength(1);
    return list.data[0]?.id as string;
  });
}

function retryJob(workspaceId: string, channelId: string, messageId: string, attempt: number, id: string) {
  return {
    id,
    timestamp: new Date(),
    attempts: 1,
    body: { v: 1, kind: "reply", workspaceId, channelId, platformThreadId: THREAD, messageId, attempt },
  };
}

/** Time passes for the object's outbox: every pending reply's claim lapsed a moment ago. */
async function lapseClaims(channelId: string, patch = ""): Promise<void> {
  await runInDurableObject(conversationStub(env, channelId, THREAD), async (_instance, object) => {
    object.storage.sql.exec(`UPDATE messages SET send_claimed_until = ?${patch} WHERE status = 'pending'`, Date.now() - 1);
  });
}

async function statusOf(conversationId: string, apiKey: string, id: string) {
  const page = await json<{ data: { id: string; status: string; error: string | null }[] }>(
    await call("GET", `/v1/conversations/${conversationId}/messages`, { token: apiKey }),
    200,
  );
  return page.data.find((m) => m.id === id);
}

describe("the reply outbox", () => {
  it("sends an automatic reply once when announcing it fails, and the re-run announces it", async () => {
    const { workspace, channel } = await shop();
    const world = merchantWorld(ORDER);
    outbound = world.outbound;
    // The platform takes the reply, then announcing it fails: the inbound message is retried.
    failAnnouncingSent();
    await postTikTok(channel.id, dm("status of order 576700112233445566 please", "7373009988776655701", THREAD));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 10_000 });
    // The queue's retry has run the message again, to the end.
    await vi.waitFor(
      async () => {
        const seen = await admittedMessages(channel.id, THREAD);
        expect(seen.get("7373009988776655701")?.finished).toBe(true);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(world.platformReplies()).toHaveLength(1);
    // The object recorded it sent before the announcement: no sweep sends it again, and the re-run announced it once.
    expect(await countStoredMessages("direction = 'outbound' AND status = 'sent'")).toBe(1);
    expect(await countStoredMessages("direction = 'outbound' AND status = 'pending'")).toBe(0);
    expect(await storedEventCount(workspace.id, "message.sent")).toBe(1);
  });

  it("keeps an agent's reply sent, and sends it once, when announcing it fails", async () => {
    const { workspace, channel } = await shop();
    await json(await call("PUT", "/v1/rules", { token: workspace.apiKey, json: { rules: [] } }), 200);
    await postTikTok(channel.id, dm("hello", "7373009988776655709", THREAD));
    const conversationId = await conversationOf(workspace.apiKey);
    outbound = captureOutbound(TIKTOK_API, () => Response.json({ code: 0, data: { message_id: "7709" } }));
    failAnnouncingSent();
    const response = await call("POST", `/v1/conversations/${conversationId}/messages`, {
      token: workspace.apiKey,
      json: { text: "on its way" },
    });
    // The request fails as a whole (the agent is told), though the platform took the reply once
    // and the object holds it as sent: a resend by the agent is a new message, as it was before.
    await json(response, 500);
    expect(outbound.captured).toHaveLength(1);
    expect(await countStoredMessages("direction = 'outbound' AND status = 'sent'")).toBe(1);
    // Not announced: the append is what failed, and the agent was told (a TikTok reply has no D1 batch after it).
    expect(await storedEventCount(workspace.id, "message.sent")).toBe(0);
  });

  it("sends once when two copies of one retry job arrive together", async () => {
    const { workspace, channel } = await shop();
    await json(await call("PUT", "/v1/rules", { token: workspace.apiKey, json: { rules: [] } }), 200);
    outbound = captureOutbound(TIKTOK_API, () => new Response("slow down", { status: 429, headers: { "retry-after": "3600" } }));
    await postTikTok(channel.id, dm("hello", "7373009988776655702", THREAD));
    const conversationId = await conversationOf(workspace.apiKey);
    const pending = await json<{ id: string; status: string }>(
      await call("POST", `/v1/conversations/${conversationId}/messages`, { token: workspace.apiKey, json: { text: "one moment" } }),
      202,
    );

    let sends = 0;
    const io = {
      now: () => Date.now(),
      random: () => 0.5,
      fetch: async () => {
        sends += 1;
        return Response.json({ code: 0, data: { message_id: `77${sends}` } });
      },
    };
    const batches = ["a", "b"].map((id) =>
      createMessageBatch(env.DELIVERIES_QUEUE_NAME, [retryJob(workspace.id, channel.id, pending.id, 2, id)]),
    );
    await Promise.all(batches.map((batch) => consumeDeliveries(batch, env, io)));
    expect(sends).toBe(1);
    for (const batch of batches) expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(1);
    expect(await countStoredMessages("id = ? AND status = 'sent'", pending.id)).toBe(1);
  });

  it("resumes a reply whose retry message was lost, from the object's alarm once its claim lapses", async () => {
    const { workspace, channel } = await shop();
    await json(await call("PUT", "/v1/rules", { token: workspace.apiKey, json: { rules: [] } }), 200);
    await postTikTok(channel.id, dm("hello", "7373009988776655703", THREAD));
    const conversationId = await conversationOf(workspace.apiKey);
    // Asked to come back in an hour: the retry job sits in the queue, and is lost there.
    outbound = captureOutbound(TIKTOK_API, () => new Response("slow down", { status: 429, headers: { "retry-after": "3600" } }));
    const pending = await json<{ id: string }>(
      await call("POST", `/v1/conversations/${conversationId}/messages`, { token: workspace.apiKey, json: { text: "on it" } }),
      202,
    );
    outbound.restore();
    const platform = captureOutbound(TIKTOK_API, () => Response.json({ code: 0, data: { message_id: "7700" } }));
    outbound = platform;
    const stub = conversationStub(env, channel.id, THREAD);

    // Before the claim lapses the alarm leaves the reply to its job; after, it enqueues the next attempt.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await storedMessages("id = ?", pending.id))[0]).toMatchObject({ status: "pending", send_attempts: 1 });
    await lapseClaims(channel.id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await vi.waitFor(async () => expect((await statusOf(conversationId, workspace.apiKey, pending.id))?.status).toBe("sent"), {
      timeout: 10_000,
    });
    expect(platform.captured).toHaveLength(1);
    // Settled: the outbox is empty, so nothing more to resume.
    await runDurableObjectAlarm(stub);
    expect(platform.captured).toHaveLength(1);
  });

  it("resumes a reply recorded before its sender died, after the object restarted", async () => {
    const { workspace, channel } = await shop();
    await json(await call("PUT", "/v1/rules", { token: workspace.apiKey, json: { rules: [] } }), 200);
    await postTikTok(channel.id, dm("hello", "7373009988776655705", THREAD));
    const conversationId = await conversationOf(workspace.apiKey);
    const stub = conversationStub(env, channel.id, THREAD);
    // A sender recorded the reply, pending and claimed, and died before sending it.
    const now = Date.now();
    const { message } = await stub.recordReply({
      id: "msg_abandoned1",
      workspaceId: workspace.id,
      channelId: channel.id,
      conversationId,
      contactId: "ct_unused",
      platformMessageId: "outbound:msg_abandoned1",
      direction: "outbound",
      text: "we are on it",
      attachments: "[]",
      sentAt: now,
      status: "pending",
      error: null,
      author: "bot",
      template: null,
      authorAgentId: null,
      authorName: null,
      routing: null,
      platformIndex: null,
      listedAt: null,
      createdAt: now,
      sendClaimedUntil: now + SEND_CLAIM_MS,
      sendAttempts: 1,
    });
    // The object restarts: what it held in memory is gone, its storage and alarm are not.
    await evictDurableObject(stub);
    outbound = captureOutbound(TIKTOK_API, () => Response.json({ code: 0, data: { message_id: "7702" } }));
    await lapseClaims(channel.id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await vi.waitFor(async () => expect((await statusOf(conversationId, workspace.apiKey, message.id))?.status).toBe("sent"), {
      timeout: 10_000,
    });
    expect(outbound.captured).toHaveLength(1);
    expect(await storedEventCount(workspace.id, "message.sent")).toBe(1);
  });

  it("records a resumed reply as failed once its attempts are spent", async () => {
    const { workspace, channel } = await shop();
    await json(await call("PUT", "/v1/rules", { token: workspace.apiKey, json: { rules: [] } }), 200);
    await postTikTok(channel.id, dm("hello", "7373009988776655704", THREAD));
    const conversationId = await conversationOf(workspace.apiKey);
    outbound = captureOutbound(TIKTOK_API, () => new Response("slow down", { status: 429, headers: { "retry-after": "3600" } }));
    const pending = await json<{ id: string }>(
      await call("POST", `/v1/conversations/${conversationId}/messages`, { token: workspace.apiKey, json: { text: "hi" } }),
      202,
    );
    // Its last attempt's sender died too.
    await lapseClaims(channel.id, `, send_attempts = ${MAX_REPLY_ATTEMPTS}`);
    expect(await runDurableObjectAlarm(conversationStub(env, channel.id, THREAD))).toBe(true);
    expect(await statusOf(conversationId, workspace.apiKey, pending.id)).toMatchObject({
      status: "failed",
      error: expect.stringMatching(/stopped before it was sent/),
    });
  });
});
