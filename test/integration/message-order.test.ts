// A conversation's messages are listed in the platform's order, not in the order its pushes
// arrived: TikTok Shop's `index` ("(14) New message": newer = larger) places a late delivery
// among the messages it came before. Replies, which have no index, stay where they were sent.
import { afterEach, describe, expect, it, vi } from "vitest";
import { TIKTOK_TEST_APP, tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { withMessageId } from "../helpers/tiktok.ts";
import { call, captureOutbound, createWorkspace, disableRouting, json, postTikTok } from "./helpers.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const THREAD = "7373009988776655443";

interface Listed {
  data: { text: string | null; direction: string }[];
  nextCursor: string | null;
}

/** The buyer's message `text` at the platform's position `index` (a string, as TikTok sends it; none when undefined). */
function buyerMessage(text: string, messageId: string, index: string | undefined, thread = THREAD): string {
  const body = JSON.parse(withMessageId(tiktokFixtures["new-message-text"], messageId, thread));
  body.data.content = JSON.stringify({ content: text });
  if (index !== undefined) body.data.index = index;
  // Indented like the fixture: postTikTok moves its signed timestamp to now.
  return JSON.stringify(body, null, 2);
}

async function tiktokConversation() {
  const workspace = await createWorkspace();
  await disableRouting(workspace.apiKey);
  const channel = await json<{ id: string }>(
    await call("POST", "/v1/channels", {
      token: workspace.apiKey,
      json: { platform: "tiktok", name: "Shop", credentials: { ...TIKTOK_TEST_APP, accessToken: "TTAT1", shopCipher: "ROW_cipher" } },
    }),
    201,
  );
  return { apiKey: workspace.apiKey, channelId: channel.id };
}

/** Delivers one push and waits until the conversation holds `count` messages: pushes are processed in the order sent. */
async function deliver(world: { apiKey: string; channelId: string }, body: string, count: number): Promise<string> {
  expect((await postTikTok(world.channelId, body)).status).toBe(200);
  return vi.waitFor(
    async () => {
      const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: world.apiKey }), 200);
      const id = list.data[0]?.id ?? "";
      const messages = await json<Listed>(await call("GET", `/v1/conversations/${id}/messages`, { token: world.apiKey }), 200);
      expect(messages.data).toHaveLength(count);
      return id;
    },
    { timeout: 10_000 },
  );
}

/** Every page of the list, `limit` at a time, oldest first as an agent reads it. */
async function readThread(apiKey: string, conversationId: string, limit: number): Promise<(string | null)[]> {
  const texts: (string | null)[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `?limit=${limit}&cursor=${cursor}` : `?limit=${limit}`;
    const page: Listed = await json<Listed>(
      await call("GET", `/v1/conversations/${conversationId}/messages${query}`, { token: apiKey }),
      200,
    );
    texts.push(...page.data.map((m) => m.text));
    cursor = page.nextCursor;
  } while (cursor);
  return texts.reverse();
}

describe("message order within a conversation", () => {
  it("lists two messages delivered in reverse order in the platform's index order", async () => {
    const world = await tiktokConversation();
    await deliver(world, buyerMessage("second", "7373009988776600002", "7373009988776600102"), 1);
    const conversationId = await deliver(world, buyerMessage("first", "7373009988776600001", "7373009988776600101"), 2);
    expect(await readThread(world.apiKey, conversationId, 50)).toEqual(["first", "second"]);
  });

  it("places each late message before the ones the platform orders after it, around a reply, on every page", async () => {
    const world = await tiktokConversation();
    outbound = captureOutbound("https://", () =>
      Response.json({ code: 0, message: "Success", data: { message_id: "7373009988776609999" } }),
    );
    // The buyer wrote 1, 2, 3 (indexes 9, 10, 11: compared as numbers, not as text); 3 arrives first and is answered.
    const conversationId = await deliver(world, buyerMessage("three", "7373009988776600013", "11"), 1);
    const reply = await call("POST", `/v1/conversations/${conversationId}/messages`, { token: world.apiKey, json: { text: "reply" } });
    expect(reply.status).toBe(201);
    await deliver(world, buyerMessage("one", "7373009988776600011", "9"), 3);
    await deliver(world, buyerMessage("two", "7373009988776600012", "10"), 4);
    // A message without an index is listed on arrival.
    await deliver(world, withMessageId(tiktokFixtures["new-message-text"], "7373009988776600014", THREAD), 5);
    const expected = ["one", "two", "three", "reply", "Hi, when will order 576700112233445566 ship?"];
    expect(await readThread(world.apiKey, conversationId, 50)).toEqual(expected);
    // The cursor carries the index: pages of one and of two walk the same order.
    expect(await readThread(world.apiKey, conversationId, 1)).toEqual(expected);
    expect(await readThread(world.apiKey, conversationId, 2)).toEqual(expected);
  });

  it("compares indexes only within one conversation", async () => {
    const world = await tiktokConversation();
    const other = "7373009988776655999";
    await deliver(world, buyerMessage("this thread", "7373009988776600021", "500"), 1);
    expect((await postTikTok(world.channelId, buyerMessage("no index", "7373009988776600022", undefined, other))).status).toBe(200);
    // A smaller index than this thread's message: it must not be placed by it, but after "no index", its own thread's earlier message.
    const conversations = await vi.waitFor(async () => {
      const list = await json<{ data: { id: string; platformThreadId: string }[] }>(
        await call("GET", "/v1/conversations", { token: world.apiKey }),
        200,
      );
      expect(list.data).toHaveLength(2);
      return list.data;
    });
    const otherId = conversations.find((c) => c.platformThreadId === other)?.id ?? "";
    expect((await postTikTok(world.channelId, buyerMessage("index 1", "7373009988776600023", "1", other))).status).toBe(200);
    await vi.waitFor(async () => expect(await readThread(world.apiKey, otherId, 50)).toHaveLength(2), { timeout: 10_000 });
    expect(await readThread(world.apiKey, otherId, 50)).toEqual(["no index", "index 1"]);
  });
});
