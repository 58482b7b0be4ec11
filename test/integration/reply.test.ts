import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { consumeDeliveries } from "../../src/consumers/deliveries.ts";
import { TIKTOK_TEST_APP, tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { call, captureOutbound, createEndpoint, createWorkspace, disableRouting, json, postTikTok } from "./helpers.ts";

const TIKTOK_API = "https://open-api.tiktokglobalshop.com";
let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

/** A workspace whose TikTok channel can reply, with one buyer conversation in it. */
async function conversationWithBuyer(credentials: Record<string, string> = { accessToken: "tts-token", shopCipher: "ROW_cipher" }) {
  const workspace = await createWorkspace();
  await disableRouting(workspace.apiKey);
  const channel = await json<{ id: string }>(
    await call("POST", "/v1/channels", {
      token: workspace.apiKey,
      json: { platform: "tiktok", name: "Shop", credentials: { ...TIKTOK_TEST_APP, ...credentials } },
    }),
    201,
  );
  await postTikTok(channel.id, tiktokFixtures["new-message-text"]);
  const conversation = await vi.waitFor(async () => {
    const list = await json<{ data: { id: string; platformThreadId: string }[] }>(
      await call("GET", "/v1/conversations", { token: workspace.apiKey }),
      200,
    );
    expect(list.data).toHaveLength(1);
    return list.data[0] as { id: string; platformThreadId: string };
  });
  return { workspace, channel, conversation };
}

function reply(apiKey: string, conversationId: string, text: string) {
  return call("POST", `/v1/conversations/${conversationId}/messages`, { token: apiKey, json: { text } });
}

describe("agent replies", () => {
  it("sends through TikTok Shop's API, stores the outbound message and emits message.sent", async () => {
    const { workspace, conversation } = await conversationWithBuyer();
    const endpoint = await createEndpoint(workspace.apiKey, undefined, ["message.sent"]);
    const platform = captureOutbound(TIKTOK_API, (request) =>
      request.url.startsWith(TIKTOK_API)
        ? Response.json({ code: 0, message: "Success", data: { message_id: "7373009988776600001" } })
        : new Response("ok"),
    );
    outbound = platform;
    const sent = await json<Record<string, unknown>>(await reply(workspace.apiKey, conversation.id, "It ships today!"), 201);
    expect(sent).toMatchObject({
      direction: "outbound",
      status: "sent",
      author: { type: "agent", agentId: expect.stringMatching(/^agt_/), name: "Owner" },
      text: "It ships today!",
      platformMessageId: "7373009988776600001",
    });

    expect(platform.captured).toHaveLength(1);
    expect(platform.captured[0]?.url).toContain("/customer_service/202309/conversations/7373009988776655443/messages?");
    expect(JSON.parse(platform.captured[0]?.body ?? "{}")).toEqual({ type: "TEXT", content: '{"content":"It ships today!"}' });

    const thread = await json<{ data: { direction: string }[] }>(
      await call("GET", `/v1/conversations/${conversation.id}/messages`, { token: workspace.apiKey }),
      200,
    );
    expect(thread.data.map((m) => m.direction).sort()).toEqual(["inbound", "outbound"]);
    const events = await vi.waitFor(async () => {
      const page = await json<{ data: { type: string; data: { message: { text: string } } }[] }>(
        await call("GET", "/v1/events?type=message.sent", { token: workspace.apiKey }),
        200,
      );
      expect(page.data).toHaveLength(1);
      return page.data;
    });
    expect(events[0]?.data.message.text).toBe("It ships today!");
    expect(endpoint.eventTypes).toEqual(["message.sent"]);
  });

  it("answers 422 with the reason when the platform would refuse, sending nothing", async () => {
    const { workspace, conversation } = await conversationWithBuyer({});
    outbound = captureOutbound(TIKTOK_API);
    const refused = await json<{ error: { code: string; message: string } }>(await reply(workspace.apiKey, conversation.id, "hello"), 422);
    expect(refused.error.code).toBe("unprocessable");
    expect(refused.error.message).toMatch(/accessToken and shopCipher/);
    expect(outbound.captured).toHaveLength(0);
  });

  it("answers 422 and records the failure when the platform's API rejects the reply", async () => {
    const { workspace, conversation } = await conversationWithBuyer();
    outbound = captureOutbound(TIKTOK_API, () => Response.json({ code: 105001, message: "Invalid access token" }, { status: 401 }));
    const failed = await json<{ error: { message: string; details: { message: { status: string } } } }>(
      await reply(workspace.apiKey, conversation.id, "hello"),
      422,
    );
    expect(failed.error.message).toMatch(/Invalid access token/);
    expect(failed.error.details.message.status).toBe("failed");
  });

  it("keeps a rate-limited reply pending and sends it on the retry", async () => {
    const { workspace, channel, conversation } = await conversationWithBuyer();
    outbound = captureOutbound(TIKTOK_API, () => new Response("slow down", { status: 429, headers: { "retry-after": "30" } }));
    const pending = await json<{ id: string; status: string; error: string }>(await reply(workspace.apiKey, conversation.id, "hello"), 202);
    expect(pending).toMatchObject({ status: "pending", error: expect.stringMatching(/HTTP 429/) });

    // The retry job, as the DELIVERIES queue hands it over once the delay has passed.
    const batch = createMessageBatch(env.DELIVERIES_QUEUE_NAME, [
      {
        id: "r1",
        timestamp: new Date(),
        attempts: 1,
        body: {
          v: 1,
          kind: "reply",
          workspaceId: workspace.id,
          channelId: channel.id,
          platformThreadId: conversation.platformThreadId,
          messageId: pending.id,
          attempt: 2,
        },
      },
    ]);
    const ctx = createExecutionContext();
    await consumeDeliveries(batch, env, {
      now: () => Date.now(),
      random: () => 0.5,
      fetch: async () => Response.json({ code: 0, data: { message_id: "7373009988776600002" } }),
    });
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["r1"]);
    const thread = await json<{ data: { id: string; status: string; platformMessageId: string }[] }>(
      await call("GET", `/v1/conversations/${conversation.id}/messages`, { token: workspace.apiKey }),
      200,
    );
    expect(thread.data.find((m) => m.id === pending.id)).toMatchObject({ status: "sent", platformMessageId: "7373009988776600002" });
  });

  it("answers 404 for another workspace's conversation and 400 for an empty text", async () => {
    const { workspace, conversation } = await conversationWithBuyer();
    const other = await createWorkspace("Other");
    expect((await reply(other.apiKey, conversation.id, "hi")).status).toBe(404);
    expect((await reply(workspace.apiKey, conversation.id, "   ")).status).toBe(400);
  });
});
