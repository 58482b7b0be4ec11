// A conversation's messages live in its object (src/objects/message-log.ts): the API pages
// them through one call to it, with the limits and cursors of every list, however long the
// conversation grows.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { MAX_PAGE_SIZE } from "../../src/api/schemas.ts";
import { conversationStub } from "../../src/objects/conversation.ts";
import { MessageLog, type MessageRow } from "../../src/objects/message-log.ts";
import { call, countStoredMessages, createTikTokChannel, createWorkspace, disableRouting, json, postTikTok } from "./helpers.ts";
import { dm } from "./shop.ts";

const THREAD = "7373009988776655443";
const STORED = 260;

interface Page {
  data: { id: string; text: string | null; direction: string; status: string }[];
  nextCursor: string | null;
}

function message(conversation: { id: string; workspaceId: string; channelId: string; contactId: string }, i: number): MessageRow {
  // Every third pair shares its moment, so ties are broken by id across page edges.
  const at = 1_700_000_000_000 + Math.floor(i / 2) * 1000;
  return {
    id: `msg_paged${String(i).padStart(4, "0")}`,
    workspaceId: conversation.workspaceId,
    channelId: conversation.channelId,
    conversationId: conversation.id,
    contactId: conversation.contactId,
    platformMessageId: `paged-${i}`,
    direction: i % 5 === 0 ? "outbound" : "inbound",
    text: `message ${i}`,
    attachments: "[]",
    sentAt: at,
    status: i % 5 === 0 ? "sent" : "received",
    error: null,
    author: i % 5 === 0 ? "bot" : null,
    template: null,
    authorAgentId: null,
    authorName: null,
    routing: null,
    seq: 1000 + i,
    platformIndex: null,
    listedAt: null,
    createdAt: at,
    sendClaimedUntil: null,
    sendAttempts: 0,
  };
}

async function readAll(apiKey: string, conversationId: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor ? `?limit=${limit}&cursor=${cursor}` : `?limit=${limit}`;
    const page: Page = await json<Page>(await call("GET", `/v1/conversations/${conversationId}/messages${query}`, { token: apiKey }), 200);
    expect(page.data.length).toBeLessThanOrEqual(limit);
    ids.push(...page.data.map((m) => m.id));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor && pages < 1000);
  return ids;
}

describe("a conversation's messages, from its object", () => {
  it(`pages ${STORED}+ messages newest first, with every limit and cursor`, async () => {
    const workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    const channel = await createTikTokChannel(workspace.apiKey);
    expect((await postTikTok(channel.id, dm("the first message", "7373009988776650001", THREAD))).status).toBe(200);
    const conversation = await vi.waitFor(async () => {
      const list = await json<{ data: { id: string; channelId: string; contactId: string }[] }>(
        await call("GET", "/v1/conversations", { token: workspace.apiKey }),
        200,
      );
      expect(list.data).toHaveLength(1);
      return list.data[0] as { id: string; channelId: string; contactId: string };
    });
    await vi.waitFor(async () => expect(await countStoredMessages("1 = 1")).toBe(1));
    // Older history, written straight into the object's table as its own writes would.
    await runInDurableObject(conversationStub(env, channel.id, THREAD), async (_instance, object) => {
      const log = new MessageLog(object.storage.sql);
      for (let i = 0; i < STORED; i++) log.insertIfNew(message({ ...conversation, workspaceId: workspace.id }, i));
    });

    const expected = [
      // The DM just received is the newest.
      ...(
        await json<Page>(await call("GET", `/v1/conversations/${conversation.id}/messages?limit=1`, { token: workspace.apiKey }), 200)
      ).data.map((m) => m.id),
      ...Array.from({ length: STORED }, (_, i) => `msg_paged${String(i).padStart(4, "0")}`).reverse(),
    ];
    expect(expected[0]).not.toMatch(/paged/);
    for (const limit of [MAX_PAGE_SIZE, 7, 1]) expect(await readAll(workspace.apiKey, conversation.id, limit)).toEqual(expected);

    // The default page, then one past the largest limit.
    const first = await json<Page>(await call("GET", `/v1/conversations/${conversation.id}/messages`, { token: workspace.apiKey }), 200);
    expect(first.data.length).toBeGreaterThan(0);
    expect(first.nextCursor).not.toBeNull();
    const tooMany = await call("GET", `/v1/conversations/${conversation.id}/messages?limit=${MAX_PAGE_SIZE + 1}`, {
      token: workspace.apiKey,
    });
    expect(tooMany.status).toBe(400);
    const badCursor = await call("GET", `/v1/conversations/${conversation.id}/messages?cursor=nonsense`, { token: workspace.apiKey });
    expect(badCursor.status).toBe(400);
    // Another workspace's key finds no such conversation.
    const other = await createWorkspace("Other");
    expect((await call("GET", `/v1/conversations/${conversation.id}/messages`, { token: other.apiKey })).status).toBe(404);
  });
});
