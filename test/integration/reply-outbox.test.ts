// Replies as an outbox: recorded and claimed before they are sent, sent by one sender at a
// time, and resumed by the maintenance sweep when their sender vanished.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SEND_CLAIM_MS } from "../../src/actions/reply.ts";
import { consumeDeliveries } from "../../src/consumers/deliveries.ts";
import { runMaintenance } from "../../src/maintenance/index.ts";
import { call, captureOutbound, count, json, postTikTok, seenLedger } from "./helpers.ts";
import { failNextD1 } from "./production-limits.ts";
import { dm, merchantWorld, shop, TIKTOK_API } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const THREAD = "7373009988776655443";
const ORDER = { "576700112233445566": { orderId: "576700112233445566", status: "processing" } };
/** The statement that records what the platform said of a reply. */
const SETTLE = /^update "messages" set .*"status" = \?/;

async function conversationOf(apiKey: string): Promise<string> {
  return vi.waitFor(async () => {
    const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: apiKey }), 200);
    expect(list.data).toHaveLength(1);
    return list.data[0]?.id as string;
  });
}

function retryJob(workspaceId: string, messageId: string, attempt: number, id: string) {
  return { id, timestamp: new Date(), attempts: 1, body: { v: 1, kind: "reply", workspaceId, messageId, attempt } };
}

describe("the reply outbox", () => {
  it("sends an automatic reply once when recording what the platform said fails", async () => {
    const { channel } = await shop();
    const world = merchantWorld(ORDER);
    outbound = world.outbound;
    // The platform takes the reply, then the batch recording it fails: the inbound message is retried.
    failNextD1(SETTLE);
    await postTikTok(channel.id, dm("status of order 576700112233445566 please", "7373009988776655701", THREAD));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 10_000 });
    // The queue's retry has run the message again, to the end.
    await vi.waitFor(
      async () => {
        const seen = await seenLedger(channel.id, THREAD);
        expect(seen.get("7373009988776655701")?.finished).toBe(true);
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(world.platformReplies()).toHaveLength(1);
    // The reply stays recorded, pending and claimed, until the sweep settles it.
    expect(await count("SELECT count(*) AS n FROM messages WHERE direction = 'outbound' AND status = 'pending'")).toBe(1);
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
    const batches = ["a", "b"].map((id) => createMessageBatch(env.DELIVERIES_QUEUE_NAME, [retryJob(workspace.id, pending.id, 2, id)]));
    await Promise.all(batches.map((batch) => consumeDeliveries(batch, env, io)));
    expect(sends).toBe(1);
    for (const batch of batches) expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(1);
    expect(await count("SELECT count(*) AS n FROM messages WHERE id = ? AND status = 'sent'", pending.id)).toBe(1);
  });

  it("resumes a reply whose retry message was lost, once its claim lapses", async () => {
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

    // Before the claim lapses the sweep leaves it to its job; after, it enqueues the next attempt.
    expect((await runMaintenance(env, Date.now() + 60_000)).resumed.replies).toBe(0);
    const later = Date.now() + 3600_000 + SEND_CLAIM_MS + 1000;
    expect((await runMaintenance(env, later)).resumed.replies).toBe(1);
    await vi.waitFor(
      async () => expect(await count("SELECT count(*) AS n FROM messages WHERE id = ? AND status = 'sent'", pending.id)).toBe(1),
      { timeout: 10_000 },
    );
    expect(platform.captured).toHaveLength(1);
    expect((await runMaintenance(env, later)).resumed.replies).toBe(0);
  });

  it("records a resumed reply as failed once its attempts are spent", async () => {
    const { workspace, channel } = await shop();
    await json(await call("PUT", "/v1/rules", { token: workspace.apiKey, json: { rules: [] } }), 200);
    await postTikTok(channel.id, dm("hello", "7373009988776655704", THREAD));
    const conversationId = await conversationOf(workspace.apiKey);
    outbound = captureOutbound(TIKTOK_API, () => Response.json({ code: 0, data: { message_id: "7701" } }));
    // The platform took it, and the sender died before recording so.
    failNextD1(SETTLE);
    expect(
      (await call("POST", `/v1/conversations/${conversationId}/messages`, { token: workspace.apiKey, json: { text: "hi" } })).status,
    ).toBe(500);
    await env.DB.prepare("UPDATE messages SET send_attempts = 6 WHERE direction = 'outbound'").run();
    expect((await runMaintenance(env, Date.now() + SEND_CLAIM_MS + 1000)).resumed.replies).toBe(1);
    const [row] = (await env.DB.prepare("SELECT status, error FROM messages WHERE direction = 'outbound'").all()).results;
    expect(row).toMatchObject({ status: "failed", error: expect.stringMatching(/stopped before it was sent/) });
  });
});
