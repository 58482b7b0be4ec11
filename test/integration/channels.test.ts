// Every channel end to end in the Workers runtime: signed delivery → queue → Durable Object
// → D1 → signed message.received at an intercepted endpoint; a redelivery adds nothing; a
// reply goes out through a fake of the platform's API, and is refused when the platform would.
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EventSchema } from "../../src/events/schema.ts";
import type { ChannelTestKit } from "../contracts/kit.ts";
import { channelKits } from "../fixtures/kits.ts";
import { telegramKit } from "../fixtures/telegram/kit.ts";
import { tiktokKit } from "../fixtures/tiktok/kit.ts";
import { zaloKit } from "../fixtures/zalo/kit.ts";
import { call, captureOutbound, countStoredMessages, createEndpoint, createWorkspace, disableRouting, json } from "./helpers.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const endToEnd = channelKits.filter((kit): kit is ChannelTestKit & Required<Pick<ChannelTestKit, "messageFixture" | "api">> =>
  Boolean(kit.messageFixture && kit.api),
);

async function deliver(kit: ChannelTestKit, channelId: string, fixture: string) {
  const signed = kit.sign(fixture, kit.credentials, Date.now());
  return call("POST", `/webhooks/${kit.adapter.platform}/${channelId}`, {
    body: signed.body,
    headers: { "content-type": "application/json", ...signed.headers },
  });
}

describe.each(endToEnd.map((kit) => [kit.adapter.platform, kit] as const))("%s end to end", (platform, kit) => {
  async function setUp() {
    const workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    const channel = await json<{ id: string }>(
      await call("POST", "/v1/channels", { token: workspace.apiKey, json: { platform, name: platform, credentials: kit.credentials } }),
      201,
    );
    const endpoint = await createEndpoint(workspace.apiKey, undefined, ["message.received", "message.sent"]);
    outbound = captureOutbound("", (request) => (request.url.startsWith(kit.api.origin) ? kit.api.ok() : new Response("ok")));
    const all = outbound.captured;
    return {
      workspace,
      channel,
      endpoint,
      /** Deliveries to this test's endpoint. */
      captured: {
        get length() {
          return all.filter((c) => c.url === endpoint.url).length;
        },
        at: (i: number) => all.filter((c) => c.url === endpoint.url)[i],
      },
      /** Calls to the platform's API. */
      platformCalls: () => all.filter((c) => c.url.startsWith(kit.api.origin)),
    };
  }

  it("delivers one signed message.received, however often the platform redelivers", async () => {
    const { workspace, channel, endpoint, captured } = await setUp();
    const fixture = kit.fixtures[kit.messageFixture] ?? "";
    expect((await deliver(kit, channel.id, fixture)).status).toBe(200);
    await vi.waitFor(() => expect(captured.length).toBe(1), { timeout: 5000 });
    const delivery = captured.at(0);
    if (!delivery) throw new Error("nothing delivered");
    const event = EventSchema.parse(new Webhook(endpoint.secret).verify(delivery.body, delivery.headers));
    expect(event).toMatchObject({ type: "message.received", data: { channel: { id: channel.id, platform } } });

    expect((await deliver(kit, channel.id, fixture)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await countStoredMessages("workspace_id = ?", workspace.id)).toBe(1);
    expect(captured.length).toBe(1);
  });

  it("sends a reply through the platform's API, and refuses one the platform would", async () => {
    const { workspace, channel, platformCalls } = await setUp();
    await deliver(kit, channel.id, kit.fixtures[kit.messageFixture] ?? "");
    const conversation = await vi.waitFor(async () => {
      const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: workspace.apiKey }), 200);
      expect(list.data).toHaveLength(1);
      return list.data[0] as { id: string };
    });
    // The fixture's message is old: platforms with a reply window would refuse a reply now.
    const reply = () =>
      call("POST", `/v1/conversations/${conversation.id}/messages`, { token: workspace.apiKey, json: { text: "Thanks, on it!" } });
    const stale = await reply();
    if (stale.status === 422) {
      expect(await stale.json()).toMatchObject({ error: { code: "unprocessable" } });
      expect(platformCalls()).toHaveLength(0);
    } else {
      expect(stale.status).toBe(201);
      expect(platformCalls()).toHaveLength(1);
    }
    const before = platformCalls().length;

    // A customer message just now opens every window.
    await env.DB.prepare("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").bind(Date.now(), conversation.id).run();
    const fresh = await json<{ status: string; direction: string; text: string }>(await reply(), 201);
    expect(fresh).toMatchObject({ status: "sent", direction: "outbound", text: "Thanks, on it!" });
    expect(platformCalls()).toHaveLength(before + 1);
    expect(platformCalls().at(-1)?.body).toContain("Thanks, on it!");
  });

  it("keeps a rate-limited reply pending instead of losing it", async () => {
    const { workspace, channel } = await setUp();
    outbound?.restore();
    outbound = captureOutbound(kit.api.origin, () => kit.api.rateLimited());
    await deliver(kit, channel.id, kit.fixtures[kit.messageFixture] ?? "");
    const conversation = await vi.waitFor(async () => {
      const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: workspace.apiKey }), 200);
      expect(list.data).toHaveLength(1);
      return list.data[0] as { id: string };
    });
    await env.DB.prepare("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").bind(Date.now(), conversation.id).run();
    const pending = await json<{ status: string; error: string }>(
      await call("POST", `/v1/conversations/${conversation.id}/messages`, { token: workspace.apiKey, json: { text: "hello" } }),
      202,
    );
    expect(pending.status).toBe("pending");
    expect(outbound.captured.length).toBeGreaterThan(0);
  });
});

describe("telegram button taps", () => {
  it("answers the callback query once, however often Telegram redelivers the tap", async () => {
    const kit = telegramKit;
    const workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    const channel = await json<{ id: string }>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: { platform: "telegram", name: "bot", credentials: kit.credentials },
      }),
      201,
    );
    outbound = captureOutbound("https://api.telegram.org", () => Response.json({ ok: true, result: true }));
    const answers = () => (outbound?.captured ?? []).filter((c) => c.url.endsWith("/answerCallbackQuery"));
    const tap = kit.fixtures["callback-query"] ?? "";
    expect((await deliver(kit, channel.id, tap)).status).toBe(200);
    await vi.waitFor(() => expect(answers()).toHaveLength(1), { timeout: 5000 });
    expect(JSON.parse(answers()[0]?.body ?? "{}")).toEqual({ callback_query_id: JSON.parse(tap).callback_query.id });

    expect((await deliver(kit, channel.id, tap)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answers()).toHaveLength(1);
  });
});

describe("zalo anonymous buyers", () => {
  it("answers a buyer who does not follow the OA through the anonymous API, naming the webhook's conversation_id", async () => {
    const kit = zaloKit;
    const workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    const channel = await json<{ id: string }>(
      await call("POST", "/v1/channels", { token: workspace.apiKey, json: { platform: "zalo", name: "oa", credentials: kit.credentials } }),
      201,
    );
    outbound = captureOutbound("https://openapi.zalo.me", () =>
      Response.json({ error: 0, message: "Success", data: { message_id: "9f8e7d6c5b4a39281799" } }),
    );
    expect((await deliver(kit, channel.id, kit.fixtures["anonymous-send-text"] ?? "")).status).toBe(200);
    const conversation = await vi.waitFor(async () => {
      const list = await json<{ data: { id: string; platformThreadId: string }[] }>(
        await call("GET", "/v1/conversations", { token: workspace.apiKey }),
        200,
      );
      expect(list.data).toHaveLength(1);
      return list.data[0] as { id: string; platformThreadId: string };
    });
    expect(conversation.platformThreadId).toBe("c0ffee00c0ffee00c0ffee00c0ffee00");
    // The fixture is from 2024: a message just now opens Zalo's 48-hour window.
    await env.DB.prepare("UPDATE conversations SET last_inbound_at = ? WHERE id = ?").bind(Date.now(), conversation.id).run();
    const sent = await json<{ status: string; platformMessageId: string }>(
      await call("POST", `/v1/conversations/${conversation.id}/messages`, { token: workspace.apiKey, json: { text: "Dạ còn hàng ạ." } }),
      201,
    );
    expect(sent).toMatchObject({ status: "sent", platformMessageId: "9f8e7d6c5b4a39281799" });
    const calls = outbound.captured;
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe("https://openapi.zalo.me/v2.0/oa/message");
    expect(JSON.parse(calls[0]?.body ?? "{}")).toEqual({
      recipient: { anonymous_id: "b1a2c3d4e5f6a7b8c9d0e1f2a3b4c5d6", conversation_id: "c0ffee00c0ffee00c0ffee00c0ffee00" },
      message: { text: "Dạ còn hàng ạ." },
    });
  });
});

describe("tiktok throttling", () => {
  it("keeps a reply pending when TikTok Shop answers 200 with code 36009002", async () => {
    const kit = tiktokKit;
    const workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    const channel = await json<{ id: string }>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: { platform: "tiktok", name: "shop", credentials: kit.credentials },
      }),
      201,
    );
    outbound = captureOutbound("https://open-api.tiktokglobalshop.com", () =>
      Response.json({ code: 36009002, message: "Too many requests", request_id: "r1" }),
    );
    await deliver(kit, channel.id, kit.fixtures["new-message-text"] ?? "");
    const conversation = await vi.waitFor(async () => {
      const list = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: workspace.apiKey }), 200);
      expect(list.data).toHaveLength(1);
      return list.data[0] as { id: string };
    });
    const pending = await json<{ status: string; error: string }>(
      await call("POST", `/v1/conversations/${conversation.id}/messages`, { token: workspace.apiKey, json: { text: "hello" } }),
      202,
    );
    expect(pending).toMatchObject({ status: "pending", error: expect.stringMatching(/36009002/) });
    expect(outbound.captured).toHaveLength(1);
  });
});
