// TikTok Shop's BUYER_ENTER_FROM_*: where the buyer opened the chat from is the conversation's
// context. From an order, "when will my order arrive?" is answered with that order's status, without
// asking for its number; the ticket shows it.
import { afterEach, describe, expect, it, vi } from "vitest";
import { tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { withMessageId } from "../helpers/tiktok.ts";
import { call, type captureOutbound, json, postTikTok } from "./helpers.ts";
import { dm, merchantWorld, shop } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const THREAD = "7373009988776655443";
const ORDER = "576700112233445566";

/** The push TikTok Shop sends when the buyer opens the chat from `type`'s page. */
function enteredFrom(type: string, content: Record<string, string>, messageId: string): string {
  return withMessageId(tiktokFixtures["new-message-text"], messageId, THREAD)
    .replace('"type": "TEXT"', `"type": "${type}"`)
    .replace(/"content": ".*"/, `"content": ${JSON.stringify(JSON.stringify(content))}`);
}

describe("where the buyer opened the chat from", () => {
  it("answers an order question with the order the chat was opened from", { timeout: 30_000 }, async () => {
    const { channel } = await shop();
    const world = merchantWorld({ [ORDER]: { orderId: ORDER, status: "shipped", carrier: "J&T Express", trackingNumber: "JT0123" } });
    outbound = world.outbound;
    expect((await postTikTok(channel.id, enteredFrom("BUYER_ENTER_FROM_ORDER", { order_id: ORDER }, "7373009988776655801"))).status).toBe(
      200,
    );
    // The context is not a message: nothing is answered for it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.platformReplies()).toEqual([]);

    await postTikTok(channel.id, dm("when will my order arrive?", "7373009988776655802", THREAD));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 10_000 });
    expect(world.platformReplies()[0]).toContain(ORDER);
    expect(world.captured.some((c) => c.url.endsWith(`/orders/${ORDER}`))).toBe(true);
  });

  it("shows a product the chat was opened from on the ticket", { timeout: 30_000 }, async () => {
    const { workspace, channel } = await shop();
    outbound = merchantWorld().outbound;
    await postTikTok(channel.id, enteredFrom("BUYER_ENTER_FROM_PRODUCT", { product_id: "1729384756102938475" }, "7373009988776655811"));
    await postTikTok(channel.id, dm("I want to talk to a real person", "7373009988776655812", THREAD));
    const tickets = await vi.waitFor(
      async () => {
        const page = await json<{ data: { context: Record<string, unknown> }[] }>(
          await call("GET", "/v1/tickets?status=open", { token: workspace.apiKey }),
          200,
        );
        expect(page.data).toHaveLength(1);
        return page.data;
      },
      { timeout: 10_000 },
    );
    expect(tickets[0]?.context.enteredFrom).toEqual({ source: "product", refId: "1729384756102938475" });
  });
});
