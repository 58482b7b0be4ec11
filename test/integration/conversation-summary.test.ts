// The conversation's D1 summary (last message time, reply window facts) is written by its
// object at most once per SUMMARY_INTERVAL_MS (3 s): the first message inserts the row in its own batch, later
// ones wait in the object's state for its alarm or a later message's batch.
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { conversationStub } from "../../src/objects/conversation.ts";
import { type ConversationState, SUMMARY_INTERVAL_MS } from "../../src/objects/conversation-state.ts";
import { lineKit } from "../fixtures/line/kit.ts";
import { admittedMessages, call, createTikTokChannel, createWorkspace, disableRouting, json, postTikTok } from "./helpers.ts";
import { watchD1 } from "./production-limits.ts";
import { dm } from "./shop.ts";

const THREAD = "7373009988776655443";
/** The buyers' messages are sent at these platform times (seconds), one a second apart. */
const SENT_AT = 1_796_000_000;

/** A DM of `thread` sent at SENT_AT + `second`. */
function dmAt(second: number, messageId: string, thread = THREAD): string {
  return dm(`message ${second}`, messageId, thread).replace(/"create_time":\s*\d+/, `"create_time": ${SENT_AT + second}`);
}

/** Counts every insert and update of a D1 `conversations` row, with triggers, from now on. */
async function countSummaryWrites(): Promise<() => Promise<{ insert: number; update: number }>> {
  await env.DB.batch([
    env.DB.prepare("CREATE TABLE IF NOT EXISTS test_summary_writes (op TEXT NOT NULL)"),
    env.DB.prepare("DELETE FROM test_summary_writes"),
    env.DB.prepare(
      "CREATE TRIGGER IF NOT EXISTS test_summary_insert AFTER INSERT ON conversations BEGIN INSERT INTO test_summary_writes VALUES ('insert'); END",
    ),
    env.DB.prepare(
      "CREATE TRIGGER IF NOT EXISTS test_summary_update AFTER UPDATE ON conversations BEGIN INSERT INTO test_summary_writes VALUES ('update'); END",
    ),
  ]);
  return async () => {
    const rows = await env.DB.prepare("SELECT op, count(*) AS n FROM test_summary_writes GROUP BY op").all<{ op: string; n: number }>();
    const of = (op: string) => rows.results.find((r) => r.op === op)?.n ?? 0;
    return { insert: of("insert"), update: of("update") };
  };
}

afterEach(async () => {
  await env.DB.batch([
    env.DB.prepare("DROP TRIGGER IF EXISTS test_summary_insert"),
    env.DB.prepare("DROP TRIGGER IF EXISTS test_summary_update"),
  ]);
});

async function lastMessageAt(conversationId: string): Promise<number | null> {
  const row = await env.DB.prepare("SELECT last_message_at AS at FROM conversations WHERE id = ?")
    .bind(conversationId)
    .first<{ at: number }>();
  return row?.at ?? null;
}

async function conversationIds(apiKey: string): Promise<{ id: string; lastMessageAt: string }[]> {
  const list = await json<{ data: { id: string; lastMessageAt: string }[] }>(
    await call("GET", "/v1/conversations", { token: apiKey }),
    200,
  );
  return list.data;
}

/** Every message id in `ids` finished in the conversation's object. */
async function processed(channelId: string, ids: string[], thread = THREAD): Promise<void> {
  await vi.waitFor(
    async () => {
      const seen = await admittedMessages(channelId, thread);
      for (const id of ids) expect(seen.get(id)?.finished, id).toBe(true);
    },
    { timeout: 15_000, interval: 50 },
  );
}

async function pendingSummary(channelId: string, thread = THREAD) {
  return runInDurableObject(
    conversationStub(env, channelId, thread),
    async (_instance, object) => object.storage.kv.get<ConversationState>("state")?.pendingSummary ?? null,
  );
}

describe("the conversation's D1 summary", () => {
  let workspace: { id: string; apiKey: string };
  let channel: { id: string };
  beforeEach(async () => {
    workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    channel = await createTikTokChannel(workspace.apiKey);
  });

  it("is inserted by the first message, then written at most once per interval during a burst; the last one lands", async () => {
    const writes = await countSummaryWrites();
    const started = Date.now();
    await postTikTok(channel.id, dmAt(0, "7585000000000000100"));
    await processed(channel.id, ["7585000000000000100"]);
    expect(await writes()).toEqual({ insert: 1, update: 0 });
    const [conversation] = await conversationIds(workspace.apiKey);
    if (!conversation) throw new Error("no conversation");

    const burst = Array.from({ length: 8 }, (_, i) => `758500000000000011${i}`);
    for (const [i, id] of burst.entries()) await postTikTok(channel.id, dmAt(i + 1, id));
    await processed(channel.id, burst);
    // The last message's time lands, by the alarm if no later message's batch took it.
    await vi.waitFor(async () => expect(await lastMessageAt(conversation.id)).toBe((SENT_AT + burst.length) * 1000), {
      timeout: 15_000,
      interval: 50,
    });
    const elapsedSeconds = (Date.now() - started) / 1000;
    const { insert, update } = await writes();
    expect(insert).toBe(1);
    expect(update).toBeGreaterThanOrEqual(1);
    // One write per interval at most (the insert's included), not one per message.
    expect(update).toBeLessThanOrEqual(Math.ceil((elapsedSeconds * 1000) / SUMMARY_INTERVAL_MS));
    expect(update).toBeLessThan(burst.length);
    expect(await pendingSummary(channel.id)).toBeNull();
  });

  it("keeps a summary that waits in the object's storage, and its alarm writes it after the object restarts", async () => {
    const started = Date.now();
    await postTikTok(channel.id, dmAt(0, "7585000000000000200"));
    await processed(channel.id, ["7585000000000000200"]);
    const [conversation] = await conversationIds(workspace.apiKey);
    if (!conversation) throw new Error("no conversation");
    await postTikTok(channel.id, dmAt(5, "7585000000000000201"));
    await processed(channel.id, ["7585000000000000201"]);

    const pending = await pendingSummary(channel.id);
    // Both messages within the interval: the second's summary waits (on a slower run it may have gone at once).
    if (Date.now() - started < SUMMARY_INTERVAL_MS) expect(pending).not.toBeNull();
    if (pending) {
      expect(pending.summary?.lastMessageAt).toBe((SENT_AT + 5) * 1000);
      // The object stops (its memory of the last write goes with it); its alarm stays.
      await evictDurableObject(conversationStub(env, channel.id, THREAD));
      await vi.waitFor(
        async () => {
          await runDurableObjectAlarm(conversationStub(env, channel.id, THREAD));
          expect(await pendingSummary(channel.id)).toBeNull();
        },
        { timeout: 15_000, interval: 200 },
      );
    }
    expect(await lastMessageAt(conversation.id)).toBe((SENT_AT + 5) * 1000);
    expect((await conversationIds(workspace.apiKey))[0]?.lastMessageAt).toBe(new Date((SENT_AT + 5) * 1000).toISOString());
  });

  it("writes the messages' search text with the summary, one search row a write, and finds every message once the last write lands", async () => {
    const started = Date.now();
    const words = ["apricot", "blueberry", "cherimoya", "durian", "elderberry", "feijoa"];
    const ids = words.map((_, i) => `758500000000000050${i}`);
    for (const [i, id] of ids.entries()) await postTikTok(channel.id, dm(`do you sell ${words[i]}?`, id, THREAD));
    await processed(channel.id, ids);
    await vi.waitFor(
      async () => {
        await runDurableObjectAlarm(conversationStub(env, channel.id, THREAD));
        expect(await pendingSummary(channel.id)).toBeNull();
      },
      { timeout: 15_000, interval: 200 },
    );
    const elapsedSeconds = (Date.now() - started) / 1000;
    const [conversation] = await conversationIds(workspace.apiKey);
    for (const word of words) {
      const found = await json<{ data: { id: string }[] }>(
        await call("GET", `/v1/conversations?q=${word}`, { token: workspace.apiKey }),
        200,
      );
      expect(
        found.data.map((c) => c.id),
        word,
      ).toEqual([conversation?.id]);
    }
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM message_search WHERE conversation_id = ?")
      .bind(conversation?.id)
      .first<{ n: number }>();
    // The first message's row, then at most one a second with the summary (or the alarm's).
    expect(rows?.n).toBeGreaterThanOrEqual(1);
    expect(rows?.n).toBeLessThanOrEqual(Math.min(words.length, 1 + Math.ceil(elapsedSeconds)));
  });

  it("reads the contact and the conversation from D1 once per instance, not once per message", async () => {
    const reads = watchD1(/^select "status", "display_name" from "contacts"/);
    const ids = ["7585000000000000600", "7585000000000000601", "7585000000000000602"];
    for (const id of ids) {
      await postTikTok(channel.id, dm("hello again", id, THREAD));
      await processed(channel.id, [id]);
    }
    expect(reads()).toBe(1);
    // A new instance knows nothing yet: its first message reads once more.
    await evictDurableObject(conversationStub(env, channel.id, THREAD));
    await postTikTok(channel.id, dm("still there?", "7585000000000000603", THREAD));
    await processed(channel.id, ["7585000000000000603"]);
    expect(reads()).toBe(2);
  });

  it("leaves the list's order and filters as they were: newest conversation first, each with its last message's time", async () => {
    await postTikTok(channel.id, dmAt(0, "7585000000000000300", "7373009988776650001"));
    await processed(channel.id, ["7585000000000000300"], "7373009988776650001");
    await postTikTok(channel.id, dmAt(1, "7585000000000000301", "7373009988776650002"));
    await processed(channel.id, ["7585000000000000301"], "7373009988776650002");
    // The older conversation gets a burst; its summary coalesces.
    const burst = ["7585000000000000302", "7585000000000000303", "7585000000000000304"];
    for (const [i, id] of burst.entries()) await postTikTok(channel.id, dmAt(10 + i, id, "7373009988776650001"));
    await processed(channel.id, burst, "7373009988776650001");
    await vi.waitFor(
      async () => {
        const list = await conversationIds(workspace.apiKey);
        expect(list.map((c) => c.lastMessageAt)).toEqual([
          new Date((SENT_AT + 1) * 1000).toISOString(),
          new Date((SENT_AT + 12) * 1000).toISOString(),
        ]);
      },
      { timeout: 15_000, interval: 50 },
    );
    const filtered = await json<{ data: unknown[] }>(
      await call("GET", `/v1/conversations?channelId=${channel.id}`, { token: workspace.apiKey }),
      200,
    );
    expect(filtered.data).toHaveLength(2);
  });

  it("writes a LINE reply token at once, within the interval too: an agent's reply reads it from D1", async () => {
    const line = await json<{ id: string }>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: { platform: "line", name: "LINE", credentials: lineKit.credentials },
      }),
      201,
    );
    const user = "Uf2b1c3d4e5f60718293a4b5c6d7e8f90";
    const lineDm = (n: number) =>
      (lineKit.fixtures["text-message"] ?? "")
        .replace('"520011223344556677"', `"5200112233445566${n}"`)
        .replace("01HZX3M8Q7TB4V2N9C6D5E4F3G", `01HZX3M8Q7TB4V2N9C6D5E4F${n}`)
        .replace("7f1b2c3d4e5f40718293a4b5c6d7e8f9", `reply-token-${n}`)
        .replace('"timestamp": 1717401600123', `"timestamp": ${1717401600123 + n * 1000}`);
    for (const n of [10, 11]) {
      const signed = lineKit.sign(lineDm(n), lineKit.credentials, Date.now());
      expect((await call("POST", `/webhooks/line/${line.id}`, { body: signed.body, headers: signed.headers })).status).toBe(200);
      await processed(line.id, [`5200112233445566${n}`], user);
    }
    const row = await env.DB.prepare("SELECT reply_token AS token FROM conversations WHERE channel_id = ?")
      .bind(line.id)
      .first<{ token: string }>();
    expect(row?.token).toBe("reply-token-11");
    expect(await pendingSummary(line.id, user)).toBeNull();
  });
});
