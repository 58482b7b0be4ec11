// Production's sizes: lists at their largest page with more items than that, a conversation
// with hundreds of unanswered messages, replays of the largest allowed set. Each case binds
// more than D1's 100 parameters (https://developers.cloudflare.com/d1/platform/limits/) if
// a statement takes one parameter per item.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_REPLAY_EVENT_IDS } from "../../src/deliver/replay.ts";
import { conversationStub } from "../../src/objects/conversation.ts";
import {
  admittedMessages,
  call,
  type captureOutbound,
  count,
  countStoredClocks,
  countStoredMessages,
  createEndpoint,
  json,
  postTikTok,
} from "./helpers.ts";
import { asInvocation, countSubrequest, D1_QUERIES_PER_INVOCATION, peakUsage, SUBREQUESTS_PER_INVOCATION } from "./production-limits.ts";
import { dm, merchantWorld, shop } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const SLOW = { timeout: 60_000, interval: 200 };

/** `n` DMs at once, message ids from `firstId` up, each in its own thread unless `thread` is given. */
async function flood(channelId: string, n: number, text: (i: number) => string, options: { firstId: bigint; thread?: string }) {
  const posts = Array.from({ length: n }, (_, i) => {
    const id = String(options.firstId + BigInt(i));
    return postTikTok(channelId, dm(text(i), id, options.thread ?? `7300000000000${String(i).padStart(6, "0")}`));
  });
  for (const response of await Promise.all(posts)) expect(response.status).toBe(200);
}

describe("at production's sizes", () => {
  it("lists 120 open tickets on one page of 200, each with its clock", { timeout: 90_000 }, async () => {
    const { workspace, channel } = await shop();
    outbound = merchantWorld().outbound;
    await flood(channel.id, 120, (i) => `This is a SCAM!!! order never came, buyer ${i} 😡`, { firstId: 7373009900000000000n });
    await vi.waitFor(async () => expect(await count("SELECT count(*) AS n FROM tickets WHERE status = 'open'")).toBe(120), SLOW);

    const page = await json<{ data: { sla: { windowSeconds: number } | null }[]; nextCursor: string | null }>(
      await call("GET", "/v1/tickets?status=open&limit=200", { token: workspace.apiKey }),
      200,
    );
    expect(page.data).toHaveLength(120);
    expect(page.nextCursor).toBeNull();
    expect(page.data.every((ticket) => ticket.sla?.windowSeconds === 43200)).toBe(true);
  });

  it("answers a buyer with 150 unanswered messages once, and the agent's reply stops every clock", { timeout: 120_000 }, async () => {
    const { workspace, channel } = await shop();
    const world = merchantWorld({ "576700112233445566": { orderId: "576700112233445566", status: "processing" } });
    outbound = world.outbound;
    const thread = "7373009988776655443";
    await flood(channel.id, 150, (i) => `hmm ${i}`, { firstId: 7373009911000000000n, thread });
    await vi.waitFor(async () => expect(await countStoredClocks(workspace.id, "stopped_at IS NULL")).toBe(150), SLOW);
    expect(world.platformReplies()).toEqual([]);

    // The bot answers an order question once, and that answer stops all 151 first-response clocks.
    await postTikTok(channel.id, dm("status of order 576700112233445566 please", "7373009911000009999", thread));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), SLOW);
    await vi.waitFor(async () => expect(await countStoredClocks(workspace.id, "stopped_at IS NULL")).toBe(0), SLOW);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(world.platformReplies()).toHaveLength(1);

    // 150 more nobody answers, then an agent does: sent once, recorded, every clock stopped.
    await flood(channel.id, 150, (i) => `hmm… ${i}`, { firstId: 7373009912000000000n, thread });
    await vi.waitFor(async () => expect(await countStoredClocks(workspace.id, "stopped_at IS NULL")).toBe(150), SLOW);
    const { data } = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: workspace.apiKey }), 200);
    const conversationId = data[0]?.id;
    const sent = await json<{ status: string }>(
      await call("POST", `/v1/conversations/${conversationId}/messages`, { token: workspace.apiKey, json: { text: "Sorry, here now!" } }),
      201,
    );
    expect(sent.status).toBe("sent");
    expect(world.platformReplies()).toEqual([expect.stringContaining("576700112233445566"), "Sorry, here now!"]);
    expect(await countStoredClocks(workspace.id, "stopped_at IS NULL")).toBe(0);
  });

  it("still knows a message after 150 others and a restart of the conversation's object", { timeout: 120_000 }, async () => {
    const { channel } = await shop();
    const world = merchantWorld({ "576700112233445566": { orderId: "576700112233445566", status: "processing" } });
    outbound = world.outbound;
    const thread = "7373009988776655444";
    const first = dm("status of order 576700112233445566 please", "7373009913000000000", thread);
    await postTikTok(channel.id, first);
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), SLOW);
    await flood(channel.id, 150, (i) => `hmm ${i}`, { firstId: 7373009913000000001n, thread });
    await vi.waitFor(async () => {
      const admitted = [...(await admittedMessages(channel.id, thread)).values()];
      expect(admitted.filter((message) => message.finished)).toHaveLength(151);
    }, SLOW);
    const nextSeq = await runInDurableObject(conversationStub(env, channel.id, thread), async (_instance, state) => {
      // As an object of an earlier version kept it: its ledger table goes when the object starts again.
      state.storage.sql.exec("CREATE TABLE IF NOT EXISTS seen (platform_message_id TEXT PRIMARY KEY, seq INTEGER NOT NULL)");
      return state.storage.kv.get<{ nextSeq: number }>("state")?.nextSeq;
    });

    // A fresh instance: nothing of the old one's memory, only its storage.
    await expect(
      runInDurableObject(conversationStub(env, channel.id, thread), (_instance, state) => state.abort("restart for the test")),
    ).rejects.toThrow("restart for the test");
    await postTikTok(channel.id, first);
    // A later message of the same thread: once it is answered, the redelivery before it was handled.
    await postTikTok(channel.id, dm("status of order 576700112233445566 please", "7373009913000000999", thread));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(2), SLOW);

    const seen = await admittedMessages(channel.id, thread);
    expect(seen.size).toBe(152);
    expect(seen.get("7373009913000000000")).toEqual({ seq: 1, finished: true });
    // The redelivery took no position: the later message has the next one the old instance left.
    expect(seen.get("7373009913000000999")).toEqual({ seq: nextSeq, finished: true });
    // The stored messages are the de-duplication: the ledger table is gone.
    const tables = await runInDurableObject(conversationStub(env, channel.id, thread), async (_instance, state) =>
      state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'seen'").toArray(),
    );
    expect(tables).toEqual([]);
    expect(await countStoredMessages("channel_id = ? AND direction = 'inbound'", channel.id)).toBe(152);
  });

  it(`replays the largest allowed set of event ids (${MAX_REPLAY_EVENT_IDS})`, { timeout: 90_000 }, async () => {
    const { workspace, channel } = await shop();
    await json(await call("PUT", "/v1/rules", { token: workspace.apiKey, json: { rules: [] } }), 200);
    outbound = merchantWorld().outbound;
    const endpoint = await createEndpoint(workspace.apiKey, undefined, ["message.received"]);
    await flood(channel.id, MAX_REPLAY_EVENT_IDS, (i) => `hello ${i}`, { firstId: 7373009913000000000n });
    const events = await vi.waitFor(async () => {
      const page = await json<{ data: { id: string }[] }>(
        await call("GET", `/v1/events?type=message.received&limit=${MAX_REPLAY_EVENT_IDS}`, { token: workspace.apiKey }),
        200,
      );
      expect(page.data).toHaveLength(MAX_REPLAY_EVENT_IDS);
      return page.data;
    }, SLOW);

    const replayed = await json<{ replayed: number }>(
      await call("POST", `/v1/endpoints/${endpoint.id}/replay`, { token: workspace.apiKey, json: { eventIds: events.map((e) => e.id) } }),
      202,
    );
    expect(replayed.replayed).toBe(MAX_REPLAY_EVENT_IDS);
  });
});

describe("the test runtime refuses what Cloudflare refuses", () => {
  it("refuses a D1 value or row over 2,000,000 bytes, as deployed D1 does", async () => {
    await env.DB.exec("CREATE TABLE big (a TEXT, b TEXT)");
    const insert = (a: string, b: string) => env.DB.prepare("INSERT INTO big (a, b) VALUES (?, ?)").bind(a, b).run();
    await insert("x".repeat(1_000_000), "y".repeat(999_000));
    await expect(insert("x".repeat(2_000_001), "")).rejects.toThrow(/too big/);
    await expect(insert("x".repeat(1_000_000), "y".repeat(1_000_001))).rejects.toThrow(/row too big/);
    // The worker's own statements go through the same binding.
    await expect(env.DB.prepare("SELECT ?").bind("z".repeat(2_000_001)).all()).rejects.toThrow(/too big/);
  });

  it("refuses more than 100 bound parameters", async () => {
    const params = Array.from({ length: 101 }, (_, i) => i);
    await expect(
      env.DB.prepare(`SELECT ${params.map(() => "?").join(", ")}`)
        .bind(...params)
        .all(),
    ).rejects.toThrow(/too many SQL variables/);
  });
});

describe("each invocation's budget", () => {
  it("fails the invocation that makes more D1 queries or subrequests than Cloudflare allows", async () => {
    const queries = () =>
      asInvocation("test", async () => {
        await env.DB.prepare("SELECT 1").first();
        for (let i = 1; i < D1_QUERIES_PER_INVOCATION; i++) countSubrequest("d1");
        await env.DB.prepare("SELECT 1").first();
      });
    await expect(queries()).rejects.toThrow(/too many queries in one invocation/);
    // Each invocation has its own budget.
    await asInvocation("test", () => env.DB.prepare("SELECT 1").first());
    expect(() =>
      asInvocation("test", () => {
        for (let i = 0; i <= SUBREQUESTS_PER_INVOCATION; i++) countSubrequest("fetch");
      }),
    ).toThrow(/Too many subrequests/);
  });

  it("counts what the worker's own handlers do", { timeout: 90_000 }, async () => {
    peakUsage.clear();
    const { workspace, channel } = await shop();
    outbound = merchantWorld().outbound;
    // The consumer itself POSTs to the endpoint: subrequests of the queue invocation.
    await createEndpoint(workspace.apiKey);
    await postTikTok(channel.id, dm("hello", "7373009914000000001"));
    await vi.waitFor(() => expect(peakUsage.get("queue")?.subrequests ?? 0).toBeGreaterThan(0), SLOW);
    expect(peakUsage.get("fetch")?.d1Queries ?? 0).toBeGreaterThan(0);
  });
});
