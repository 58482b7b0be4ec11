// The conversation object's message table (src/objects/message-log.ts) on its own, in a
// real object's SQLite: the outbox's claims and sweep, and the AI's reply count. And the
// search row the record batch writes beside it in D1, which a re-run must not repeat.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { conversationStub } from "../../src/objects/conversation.ts";
import { MessageLog, type MessageRow } from "../../src/objects/message-log.ts";
import { openDb } from "../../src/storage/db.ts";
import { messageSearchStatement } from "../../src/storage/inbox.ts";

function reply(id: string, patch: Partial<MessageRow> = {}): MessageRow {
  return {
    id,
    workspaceId: "ws_log",
    channelId: "ch_log",
    conversationId: "cv_log",
    contactId: "ct_log",
    platformMessageId: `outbound:${id}`,
    direction: "outbound",
    text: "on it",
    attachments: "[]",
    sentAt: 1000,
    status: "pending",
    error: null,
    author: "ai",
    template: null,
    authorAgentId: null,
    authorName: null,
    routing: null,
    seq: 1,
    platformIndex: null,
    listedAt: null,
    createdAt: 1000,
    sendClaimedUntil: 61_000,
    sendAttempts: 1,
    ...patch,
  };
}

async function inObject<T>(thread: string, work: (log: MessageLog) => T): Promise<T> {
  return runInDurableObject(conversationStub(env, "ch_log", thread), async (_instance, object) => work(new MessageLog(object.storage.sql)));
}

describe("a conversation object's messages", () => {
  it("stores a message once, and gives each send attempt to one claimer", async () => {
    await inObject("claims", (log) => {
      expect(log.insertIfNew(reply("msg_a"))).toBe(true);
      expect(log.insertIfNew(reply("msg_a", { text: "other" }))).toBe(false);
      expect(log.get("msg_a")?.text).toBe("on it");
      // Attempt 2 goes to the first claimer only; attempt 3 waits until 2 was tried.
      expect(log.claimReply("msg_a", 3, 90_000)).toBeNull();
      expect(log.claimReply("msg_a", 2, 90_000)).toMatchObject({ sendAttempts: 2, sendClaimedUntil: 90_000 });
      expect(log.claimReply("msg_a", 2, 95_000)).toBeNull();
      log.update("msg_a", { status: "sent", sendClaimedUntil: null });
      expect(log.claimReply("msg_a", 3, 99_000)).toBeNull();
    });
  });

  it("sweeps only pending replies whose claim lapsed, claiming them again, and knows when the next lapses", async () => {
    await inObject("sweep", (log) => {
      log.insertIfNew(reply("msg_lapsed", { sendClaimedUntil: 5_000 }));
      log.insertIfNew(reply("msg_live", { seq: 2, sendClaimedUntil: 50_000 }));
      log.insertIfNew(reply("msg_failed", { seq: 3, status: "failed", sendClaimedUntil: null }));
      expect(log.nextLapse()).toBe(5_000);
      expect(log.takeAbandoned(10_000, 70_000).map((m) => [m.id, m.sendClaimedUntil])).toEqual([["msg_lapsed", 70_000]]);
      expect(log.takeAbandoned(10_000, 70_000)).toEqual([]);
      expect(log.nextLapse()).toBe(50_000);
      log.update("msg_live", { status: "sent", sendClaimedUntil: null });
      log.update("msg_lapsed", { status: "sent", sendClaimedUntil: null });
      expect(log.nextLapse()).toBeNull();
    });
  });

  it("counts the AI's replies that were not refused by the platform", async () => {
    await inObject("ai", (log) => {
      log.insertIfNew(reply("msg_ai1", { status: "sent" }));
      log.insertIfNew(reply("msg_ai2", { seq: 2, status: "failed" }));
      log.insertIfNew(reply("msg_bot", { seq: 3, author: "bot", status: "sent" }));
      log.insertIfNew(reply("msg_in", { seq: 4, direction: "inbound", author: null, status: "received" }));
      expect(log.countAiReplies()).toBe(1);
      expect(log.recent(2).map((m) => m.id)).toEqual(["msg_bot", "msg_in"]);
    });
  });

  it("indexes a message's text for search once, however often its record batch runs", async () => {
    const db = openDb(env.DB);
    for (let run = 0; run < 3; run++) await messageSearchStatement(db, "msg_searched1", "Đơn hàng 123", "cv_search", "ws_search");
    const rows = await env.DB.prepare("SELECT body FROM message_search WHERE workspace_id = 'ws_search'").all<{ body: string }>();
    // Folded as the query is: Đ is d.
    expect(rows.results).toEqual([{ body: "dơn hàng 123" }]);
  });
});
