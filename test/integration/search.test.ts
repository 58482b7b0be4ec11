// Finding conversations: GET /v1/conversations?q= over contacts' names and ids and messages'
// text (order numbers, Vietnamese without diacritics, Thai without spaces), &channelId=.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { telegramKit } from "../fixtures/telegram/kit.ts";
import { TIKTOK_TEST_APP } from "../fixtures/tiktok/index.ts";
import { call, captureOutbound, createWorkspace, disableRouting, json, postTikTok } from "./helpers.ts";
import { dm, TIKTOK_API } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

interface Conversation {
  id: string;
  channelId: string;
  platformThreadId: string;
}

/** The workspace each test searches: a TikTok shop with three buyers' threads and a Telegram buyer named Nguyễn Thị Hương. */
const world = { apiKey: "", tiktok: "", telegram: "", threads: {} as Record<string, string> };

async function telegramDm(channelId: string, text: string, messageId: number, from: { id: number; first_name: string; last_name: string }) {
  const body = JSON.stringify({
    update_id: 734500000 + messageId,
    message: { message_id: messageId, from: { ...from, is_bot: false }, chat: { ...from, type: "private" }, date: 1717401600, text },
  });
  const signed = telegramKit.sign(body, telegramKit.credentials, Date.now());
  return call("POST", `/webhooks/telegram/${channelId}`, {
    body: signed.body,
    headers: { "content-type": "application/json", ...signed.headers },
  });
}

// Storage is emptied before every test (setup.ts), so each one seeds its own.
beforeEach(async () => {
  const workspace = await createWorkspace();
  world.apiKey = workspace.apiKey;
  await disableRouting(workspace.apiKey);
  const tiktok = await json<{ id: string }>(
    await call("POST", "/v1/channels", {
      token: workspace.apiKey,
      json: { platform: "tiktok", name: "Shop", credentials: { ...TIKTOK_TEST_APP, accessToken: "tts-token", shopCipher: "ROW_cipher" } },
    }),
    201,
  );
  const telegram = await json<{ id: string }>(
    await call("POST", "/v1/channels", {
      token: workspace.apiKey,
      json: { platform: "telegram", name: "bot", credentials: telegramKit.credentials },
    }),
    201,
  );
  world.tiktok = tiktok.id;
  world.telegram = telegram.id;
  expect(
    (await postTikTok(tiktok.id, dm("Đơn hàng 576700112233445566 của tôi ở đâu vậy?", "7373009988776655801", "7373009988776600011")))
      .status,
  ).toBe(200);
  expect((await postTikTok(tiktok.id, dm("สั่งซื้อสินค้าแล้วแต่ยังไม่ได้รับ", "7373009988776655802", "7373009988776600012"))).status).toBe(200);
  expect((await postTikTok(tiktok.id, dm("Do you have this in SIZE M?", "7373009988776655803", "7373009988776600013"))).status).toBe(200);
  expect(
    (await telegramDm(telegram.id, "xin chào shop", 901, { id: 6012345601, first_name: "Nguyễn Thị", last_name: "Hương" })).status,
  ).toBe(200);
  const all = await vi.waitFor(
    async () => {
      const page = await json<{ data: Conversation[] }>(await call("GET", "/v1/conversations", { token: world.apiKey }), 200);
      expect(page.data).toHaveLength(4);
      return page.data;
    },
    { timeout: 5000 },
  );
  world.threads = Object.fromEntries(all.map((c) => [c.platformThreadId, c.id]));
});

async function search(query: string, token = world.apiKey): Promise<string[]> {
  const page = await json<{ data: Conversation[] }>(await call("GET", `/v1/conversations?${query}`, { token }), 200);
  return page.data.map((c) => c.platformThreadId).sort();
}

describe("GET /v1/conversations?q=", () => {
  it("finds an order number named in a message", async () => {
    expect(await search("q=576700112233445566")).toEqual(["7373009988776600011"]);
    expect(await search("q=2233445")).toEqual(["7373009988776600011"]);
  });

  it("finds Vietnamese text typed with or without diacritics, in any case", async () => {
    expect(await search(`q=${encodeURIComponent("cua toi o dau")}`)).toEqual(["7373009988776600011"]);
    expect(await search(`q=${encodeURIComponent("ĐƠN HÀNG")}`)).toEqual(["7373009988776600011"]);
    expect(await search("q=don%20hang")).toEqual(["7373009988776600011"]);
    expect(await search(`q=${encodeURIComponent("của tôi")}`)).toEqual(["7373009988776600011"]);
  });

  it("finds Thai words inside text written without spaces", async () => {
    expect(await search(`q=${encodeURIComponent("ยังไม่ได้รับ")}`)).toEqual(["7373009988776600012"]);
    expect(await search(`q=${encodeURIComponent("สินค้า")}`)).toEqual(["7373009988776600012"]);
  });

  it("finds a contact by display name (folded) and by platform user id", async () => {
    expect(await search(`q=${encodeURIComponent("nguyen thi huong")}`)).toEqual(["6012345601"]);
    expect(await search("q=HUONG")).toEqual(["6012345601"]);
    expect(await search("q=6012345601")).toEqual(["6012345601"]);
    // The TikTok buyer's id names all three of its threads.
    expect(await search("q=7190001234567890123")).toEqual(["7373009988776600011", "7373009988776600012", "7373009988776600013"]);
  });

  it("matches case-insensitively in English, and nothing for text no one wrote", async () => {
    expect(await search("q=size%20m")).toEqual(["7373009988776600013"]);
    expect(await search("q=refund")).toEqual([]);
  });

  it("narrows by channelId, alone or with q, and keeps pagination", async () => {
    expect(await search(`channelId=${world.telegram}`)).toEqual(["6012345601"]);
    expect(await search(`q=6012345601&channelId=${world.tiktok}`)).toEqual([]);
    const first = await json<{ data: Conversation[]; nextCursor: string }>(
      await call("GET", `/v1/conversations?q=7190001234567890123&limit=2`, { token: world.apiKey }),
      200,
    );
    expect(first.data).toHaveLength(2);
    const second = await json<{ data: Conversation[]; nextCursor: string | null }>(
      await call("GET", `/v1/conversations?q=7190001234567890123&limit=2&cursor=${first.nextCursor}`, { token: world.apiKey }),
      200,
    );
    expect(second.data).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
  });

  it("finds an agent's reply once sent, and never another workspace's conversations", async () => {
    outbound = captureOutbound(TIKTOK_API, () => Response.json({ code: 0, data: { message_id: "7373009988776600999" } }));
    const conversationId = world.threads["7373009988776600013"];
    await json(
      await call("POST", `/v1/conversations/${conversationId}/messages`, {
        token: world.apiKey,
        json: { text: "Yes, size M is in stock" },
      }),
      201,
    );
    expect(await search(`q=${encodeURIComponent("in stock")}`)).toEqual(["7373009988776600013"]);
    const other = await createWorkspace("Other");
    expect(await search("q=576700112233445566", other.apiKey)).toEqual([]);
  });

  it("refuses a query too short or too long, and a syntax-looking query is only text", async () => {
    for (const q of ["ab", "  đ ", "x".repeat(201)]) {
      const body = await json<{ error: { code: string; details: { path: string }[] } }>(
        await call("GET", `/v1/conversations?q=${encodeURIComponent(q)}`, { token: world.apiKey }),
        400,
      );
      expect(body.error.details.map((d) => d.path)).toEqual(["q"]);
    }
    expect(await search(`q=${encodeURIComponent('"size" OR NEAR(')}`)).toEqual([]);
  });

  it("writes one search row per message (D1's rows_written for the shadow tables aside)", async () => {
    const rows = await env.DB.prepare(
      "SELECT count(*) AS n FROM message_search WHERE workspace_id = (SELECT workspace_id FROM conversations WHERE id = ?)",
    )
      .bind(world.threads["7373009988776600011"])
      .first<{ n: number }>();
    // The four buyers' messages.
    expect(rows?.n).toBe(4);
  });

  it("indexes, when the migration runs, what was recorded before search existed", async () => {
    // Back to before 0010: its tables, triggers and record gone, and D1's messages table as it
    // was then (0015 moved messages to the conversation objects); one more buyer's message and
    // a reply recorded in it. 0015 runs again after 0010 and drops that table.
    for (const statement of [
      "DROP TRIGGER contact_search_created",
      "DROP TRIGGER contact_search_renamed",
      "DROP TABLE message_search",
      "DROP TABLE contact_search",
      "DELETE FROM d1_migrations WHERE name IN ('0010_search.sql', '0015_messages_in_conversation_objects.sql')",
      "CREATE TABLE messages (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, channel_id TEXT NOT NULL, conversation_id TEXT NOT NULL, contact_id TEXT NOT NULL, platform_message_id TEXT NOT NULL, direction TEXT NOT NULL, text TEXT, sent_at INTEGER NOT NULL, status TEXT NOT NULL, seq INTEGER NOT NULL, created_at INTEGER NOT NULL)",
    ])
      await env.DB.prepare(statement).run();
    const conversationId = world.threads["7373009988776600013"];
    const row = await env.DB.prepare("SELECT workspace_id, channel_id, contact_id FROM conversations WHERE id = ?")
      .bind(conversationId)
      .first<{ workspace_id: string; channel_id: string; contact_id: string }>();
    const insert = env.DB.prepare(
      "INSERT INTO messages (id, workspace_id, channel_id, conversation_id, contact_id, platform_message_id, direction, text, sent_at, status, seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 99, 1)",
    );
    await insert
      .bind(
        "msg_old1",
        row?.workspace_id,
        row?.channel_id,
        conversationId,
        row?.contact_id,
        "old-1",
        "outbound",
        "Giao hàng đã xong",
        "sent",
      )
      .run();
    await insert
      .bind("msg_old2", row?.workspace_id, row?.channel_id, conversationId, row?.contact_id, "old-2", "outbound", "never sent", "failed")
      .run();
    // The buyers' messages now live in their conversations' objects: one is put back in the old table, as it was then.
    const buyer = await env.DB.prepare("SELECT workspace_id, channel_id, contact_id FROM conversations WHERE id = ?")
      .bind(world.threads["7373009988776600011"])
      .first<{ workspace_id: string; channel_id: string; contact_id: string }>();
    await insert
      .bind(
        "msg_old3",
        buyer?.workspace_id,
        buyer?.channel_id,
        world.threads["7373009988776600011"],
        buyer?.contact_id,
        "old-3",
        "inbound",
        "Đơn hàng 576700112233445566",
        "received",
      )
      .run();
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
    expect(await search(`q=${encodeURIComponent("giao hang da")}`)).toEqual(["7373009988776600013"]);
    expect(await search("q=never%20sent")).toEqual([]);
    expect(await search("q=576700112233445566")).toEqual(["7373009988776600011"]);
    expect(await search("q=nguyen")).toEqual(["6012345601"]);
  });
});
