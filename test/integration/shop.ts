// A merchant as the routing tests need one: a TikTok Shop channel that can reply, an order
// API, and a platform API that accepts every reply.
import { TIKTOK_TEST_APP, tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { withMessageId } from "../helpers/tiktok.ts";
import { call, captureOutbound, createWorkspace, json } from "./helpers.ts";

export const TIKTOK_API = "https://open-api.tiktokglobalshop.com";
export const ORDERS = "http://127.0.0.1:9999/orders/";

/** A workspace with a TikTok Shop channel that can reply, and settings.orderLookup pointing at ORDERS. */
export async function shop() {
  const workspace = await createWorkspace();
  const channel = await json<{ id: string }>(
    await call("POST", "/v1/channels", {
      token: workspace.apiKey,
      json: { platform: "tiktok", name: "Shop", credentials: { ...TIKTOK_TEST_APP, accessToken: "tts-token", shopCipher: "ROW_cipher" } },
    }),
    201,
  );
  await json(
    await call("PATCH", "/v1/settings", {
      token: workspace.apiKey,
      json: { orderLookup: { url: `${ORDERS}{orderId}`, headers: { authorization: "Bearer order-api-key" } } },
    }),
    200,
  );
  return { workspace, channel };
}

/**
 * Outbound fetch answered as a merchant's world would: the order API from `orders`, the
 * platform accepting every reply. The caller restores it.
 */
export function merchantWorld(orders: Record<string, object> = {}) {
  const outbound = captureOutbound("", (request) => {
    if (request.url.startsWith(TIKTOK_API)) return Response.json({ code: 0, data: { message_id: `77${Date.now()}` } });
    if (request.url.startsWith(ORDERS)) {
      const id = decodeURIComponent(request.url.slice(ORDERS.length));
      const order = orders[id];
      return order ? Response.json(order) : new Response("not found", { status: 404 });
    }
    return new Response("ok");
  });
  const platformReplies = () =>
    outbound.captured.filter((c) => c.url.startsWith(TIKTOK_API)).map((c) => JSON.parse(JSON.parse(c.body).content).content as string);
  return { outbound, platformReplies, captured: outbound.captured };
}

/** A buyer's text DM in conversation `thread`, with a fresh message id. */
export function dm(text: string, messageId: string, thread = "7373009988776655443") {
  const body = withMessageId(tiktokFixtures["new-message-text"], messageId, thread);
  return body.replace(/"content": ".*"/, `"content": ${JSON.stringify(JSON.stringify({ content: text }))}`);
}
