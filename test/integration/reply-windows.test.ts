// Reply windows end to end: `replyWindow` on conversations per platform, Messenger's
// ad-started window, `conversation.reply_window_closing`, WhatsApp templates.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { conversationStub } from "../../src/objects/conversation.ts";
import type { ChannelTestKit } from "../contracts/kit.ts";
import { channelKits } from "../fixtures/kits.ts";
import { messengerFixtures } from "../fixtures/meta/index.ts";
import { messengerKit } from "../fixtures/meta/kit.ts";
import { whatsappKit } from "../fixtures/whatsapp/kit.ts";
import { call, captureOutbound, createEndpoint, createWorkspace, disableRouting, json } from "./helpers.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const HOUR = 3600_000;

interface Conversation {
  id: string;
  platformThreadId: string;
  lastInboundAt: string;
  replyWindow: { closesAt: string | null; rule: string };
}

async function channelOf(kit: ChannelTestKit) {
  const workspace = await createWorkspace();
  await disableRouting(workspace.apiKey);
  const platform = kit.adapter.platform;
  const channel = await json<{ id: string }>(
    await call("POST", "/v1/channels", { token: workspace.apiKey, json: { platform, name: platform, credentials: kit.credentials } }),
    201,
  );
  return { workspace, channel };
}

async function deliver(kit: ChannelTestKit, channelId: string, body: string) {
  const signed = kit.sign(body, kit.credentials, Date.now());
  const response = await call("POST", `/webhooks/${kit.adapter.platform}/${channelId}`, {
    body: signed.body,
    headers: { "content-type": "application/json", ...signed.headers },
  });
  expect(response.status).toBe(200);
}

async function conversations(apiKey: string, count: number): Promise<Conversation[]> {
  return vi.waitFor(async () => {
    const list = await json<{ data: Conversation[] }>(await call("GET", "/v1/conversations", { token: apiKey }), 200);
    expect(list.data).toHaveLength(count);
    return list.data;
  });
}

const WINDOW_HOURS: Record<string, [number | null, string]> = {
  whatsapp: [24, "whatsapp_customer_service_24h"],
  messenger: [24, "messenger_standard_24h"],
  instagram: [24, "instagram_standard_24h"],
  zalo: [48, "zalo_consultation_48h"],
  tiktok: [null, "none"],
  telegram: [null, "none"],
  line: [null, "none"],
  x: [null, "none"],
};

describe("replyWindow on conversations", () => {
  const kits = channelKits.filter((kit): kit is ChannelTestKit & { messageFixture: string } => Boolean(kit.messageFixture));

  it("covers every platform", () => {
    expect(kits.map((kit) => kit.adapter.platform).sort()).toEqual(Object.keys(WINDOW_HOURS).sort());
  });

  it.each(kits.map((kit) => [kit.adapter.platform, kit] as const))(
    "%s: the list and the conversation show its window",
    async (platform, kit) => {
      const { workspace, channel } = await channelOf(kit);
      await deliver(kit, channel.id, kit.fixtures[kit.messageFixture] ?? "");
      const [listed] = await conversations(workspace.apiKey, 1);
      const [hours, rule] = WINDOW_HOURS[platform] ?? [];
      const closesAt = hours === null ? null : new Date(Date.parse(listed?.lastInboundAt ?? "") + (hours ?? 0) * HOUR).toISOString();
      expect(listed?.replyWindow).toEqual({ closesAt, rule });
      const one = await json<Conversation>(await call("GET", `/v1/conversations/${listed?.id}`, { token: workspace.apiKey }), 200);
      expect(one.replyWindow).toEqual({ closesAt, rule });
    },
  );
});

describe("Messenger's ad-started window", () => {
  /** A postback `ago` ms old from `sender`, from a click-to-Messenger ad or not. */
  function postback(sender: string, ago: number, fromAd: boolean): string {
    let body = messengerFixtures["messenger-ad-referral-postback"]
      .replaceAll("7234567890123499", sender)
      .replace('"timestamp": 1717401900777', `"timestamp": ${Date.now() - ago}`)
      .replace("fakeMid009", `fakeMid${sender}`);
    if (!fromAd) body = body.replace('"source": "ADS"', '"source": "SHORTLINK"');
    return body;
  }

  it("lets an agent answer 3 days later a buyer who came from an ad, and refuses one who did not", async () => {
    const { workspace, channel } = await channelOf(messengerKit);
    outbound = captureOutbound("https://graph.facebook.com", () => Response.json({ recipient_id: "x", message_id: "m_sent_late" }));
    const threeDays = 3 * 24 * HOUR;
    await deliver(messengerKit, channel.id, postback("7000000000000001", threeDays, true));
    await deliver(messengerKit, channel.id, postback("7000000000000002", threeDays, false));
    const list = await conversations(workspace.apiKey, 2);
    const fromAd = list.find((c) => c.platformThreadId === "7000000000000001");
    const plain = list.find((c) => c.platformThreadId === "7000000000000002");
    expect(fromAd?.replyWindow).toEqual({
      closesAt: new Date(Date.parse(fromAd?.lastInboundAt ?? "") + 7 * 24 * HOUR).toISOString(),
      rule: "messenger_ad_referral_7d",
    });
    expect(plain?.replyWindow.rule).toBe("messenger_standard_24h");

    const reply = (id: string | undefined) =>
      call("POST", `/v1/conversations/${id}/messages`, { token: workspace.apiKey, json: { text: "Sorry for the wait!" } });
    await json(await reply(fromAd?.id), 201);
    const refused = await json<{ error: { message: string } }>(await reply(plain?.id), 422);
    expect(refused.error.message).toMatch(/24-hour standard messaging window is closed/);
    expect(outbound.captured).toHaveLength(1);
    expect(JSON.parse(outbound.captured[0]?.body ?? "{}")).toMatchObject({
      recipient: { id: "7000000000000001" },
      messaging_type: "RESPONSE",
      message: { text: "Sorry for the wait!" },
    });
  });
});

describe("Messenger: a buyer re-entering a known thread from an ad", () => {
  it("lengthens that thread's window to 7 days from the referral, once however often Meta redelivers it", async () => {
    const { workspace, channel } = await channelOf(messengerKit);
    outbound = captureOutbound("https://graph.facebook.com", () => Response.json({ recipient_id: "x", message_id: "m_after_ad" }));
    const threeDaysAgo = Date.now() - 3 * 24 * HOUR;
    const message = (messengerFixtures["messenger-text-message"] ?? "").replace(
      '"timestamp": 1717401600321',
      `"timestamp": ${threeDaysAgo}`,
    );
    await deliver(messengerKit, channel.id, message);
    const [before] = await conversations(workspace.apiKey, 1);
    expect(before?.replyWindow.rule).toBe("messenger_standard_24h");
    const reply = () =>
      call("POST", `/v1/conversations/${before?.id}/messages`, { token: workspace.apiKey, json: { text: "Still there?" } });
    await json(await reply(), 422);

    const clickedAt = Date.now() - 60_000;
    const referral = messengerFixtures["messenger-ad-referral-existing-thread"].replace(
      '"timestamp": 1717402500777',
      `"timestamp": ${clickedAt}`,
    );
    await deliver(messengerKit, channel.id, referral);
    await deliver(messengerKit, channel.id, referral);
    const expected = { closesAt: new Date(clickedAt + 7 * 24 * HOUR).toISOString(), rule: "messenger_ad_referral_7d" };
    await vi.waitFor(async () => {
      const one = await json<Conversation>(await call("GET", `/v1/conversations/${before?.id}`, { token: workspace.apiKey }), 200);
      expect(one.replyWindow).toEqual(expected);
    });
    // Not a message: the thread still holds only the buyer's one message.
    const thread = await json<{ data: unknown[] }>(
      await call("GET", `/v1/conversations/${before?.id}/messages`, { token: workspace.apiKey }),
      200,
    );
    expect(thread.data).toHaveLength(1);
    await json(await reply(), 201);
    expect(outbound.captured).toHaveLength(1);
  });
});

describe("conversation.reply_window_closing", () => {
  const WAMID = "wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQUI0RjFDMkQzRTRGNUE2QjdDOAA=";

  /** WhatsApp's text fixture from `customer`, sent so that its 24 h window closes in 4 to 5 s. */
  function closingSoon(customer: string): string {
    const sent = Math.floor(Date.now() / 1000) - 24 * 3600 + 5;
    return (whatsappKit.fixtures["text-message"] ?? "")
      .replaceAll("16505551234", customer)
      .replace(WAMID, `wamid.${customer}`)
      .replace(/"timestamp": "\d+"/, `"timestamp": "${sent}"`);
  }

  async function windowEvents(apiKey: string) {
    const page = await json<{ data: { id: string; data: { conversation: { id: string }; closesAt: string; rule: string } }[] }>(
      await call("GET", "/v1/events?type=conversation.reply_window_closing", { token: apiKey }),
      200,
    );
    return page.data;
  }

  it("is delivered once, settings.replyWindowWarningSeconds before the window closes, and not after a reply", async () => {
    const { workspace, channel } = await channelOf(whatsappKit);
    await json(await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { replyWindowWarningSeconds: 2 } }), 200);
    const endpoint = await createEndpoint(workspace.apiKey, undefined, ["conversation.reply_window_closing"]);
    outbound = captureOutbound("", (request) =>
      request.url.startsWith(whatsappKit.api?.origin ?? "-") ? (whatsappKit.api?.ok() ?? new Response()) : new Response("ok"),
    );
    await deliver(whatsappKit, channel.id, closingSoon("16505550001"));
    await deliver(whatsappKit, channel.id, closingSoon("16505550002"));
    const list = await conversations(workspace.apiKey, 2);
    const unanswered = list.find((c) => c.platformThreadId.endsWith(":16505550001"));
    const answered = list.find((c) => c.platformThreadId.endsWith(":16505550002"));
    // An agent answers the second buyer: that window needs no warning.
    await json(
      await call("POST", `/v1/conversations/${answered?.id}/messages`, { token: workspace.apiKey, json: { text: "On its way!" } }),
      201,
    );

    const stubs = [unanswered, answered].map((c) => conversationStub(env, channel.id, c?.platformThreadId ?? ""));
    // Too early: the alarm runs, announces nothing and waits again.
    for (const stub of stubs) await runDurableObjectAlarm(stub);
    expect(await windowEvents(workspace.apiKey)).toHaveLength(0);

    const closesAt = Date.parse(unanswered?.replyWindow.closesAt ?? "");
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAt - 2000 - Date.now()) + 100));
    for (const stub of stubs) await runDurableObjectAlarm(stub);
    const events = await windowEvents(workspace.apiKey);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({
        conversation: { id: unanswered?.id, platformThreadId: unanswered?.platformThreadId },
        closesAt: unanswered?.replyWindow.closesAt,
        rule: "whatsapp_customer_service_24h",
      }),
    ]);
    await vi.waitFor(() => expect(outbound?.captured.filter((c) => c.url === endpoint.url)).toHaveLength(1));
    const delivered = JSON.parse(outbound.captured.find((c) => c.url === endpoint.url)?.body ?? "{}");
    expect(delivered).toMatchObject({ id: events[0]?.id, type: "conversation.reply_window_closing" });

    // Alarms are at least once: another run announces nothing more.
    for (const stub of stubs) await runDurableObjectAlarm(stub);
    expect(await windowEvents(workspace.apiKey)).toHaveLength(1);
  }, 15_000);
});

describe("conversation.reply_window_closing after the bot's reply", () => {
  it("is not sent for a buyer the default rules answered, and is for one they did not", async () => {
    const workspace = await createWorkspace();
    const channel = await json<{ id: string }>(
      await call("POST", "/v1/channels", {
        token: workspace.apiKey,
        json: { platform: "whatsapp", name: "wa", credentials: whatsappKit.credentials },
      }),
      201,
    );
    await json(await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { replyWindowWarningSeconds: 2 } }), 200);
    outbound = captureOutbound("https://graph.facebook.com", () => whatsappKit.api?.ok() ?? new Response());
    const sent = Math.floor(Date.now() / 1000) - 24 * 3600 + 5;
    const message = (customer: string, text: string) =>
      (whatsappKit.fixtures["text-message"] ?? "")
        .replaceAll("16505551234", customer)
        .replace(/"id": "wamid[^"]*"/, `"id": "wamid.bot${customer}"`)
        .replace(/"timestamp": "\d+"/, `"timestamp": "${sent}"`)
        .replace(/"body": "(?:[^"\\]|\\.)*"/, `"body": ${JSON.stringify(text)}`);
    await deliver(whatsappKit, channel.id, message("16505550011", "How long does shipping take?"));
    await deliver(whatsappKit, channel.id, message("16505550012", "my cat is called Mochi"));
    // The bot answers the shipping question through the fake Cloud API.
    await vi.waitFor(() => expect(outbound?.captured).toHaveLength(1), { timeout: 5000 });
    expect(outbound.captured[0]?.body).toContain("16505550011");
    const list = await conversations(workspace.apiKey, 2);

    const closesAt = Date.parse(list[0]?.replyWindow.closesAt ?? "");
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAt - 2000 - Date.now()) + 100));
    for (const c of list) await runDurableObjectAlarm(conversationStub(env, channel.id, c.platformThreadId));
    const page = await json<{ data: { data: { conversation: { platformThreadId: string } } }[] }>(
      await call("GET", "/v1/events?type=conversation.reply_window_closing", { token: workspace.apiKey }),
      200,
    );
    expect(page.data.map((e) => e.data.conversation.platformThreadId)).toEqual(["106540352242922:16505550012"]);
  }, 15_000);
});

describe("WhatsApp message templates", () => {
  const template = {
    name: "order_update",
    language: "en_US",
    components: [{ type: "body", parameters: [{ type: "text", text: "A1001" }] }],
  };

  async function conversationOn(kit: ChannelTestKit) {
    const { workspace, channel } = await channelOf(kit);
    await deliver(kit, channel.id, kit.fixtures[kit.messageFixture ?? ""] ?? "");
    const [conversation] = await conversations(workspace.apiKey, 1);
    const send = (body: unknown) => call("POST", `/v1/conversations/${conversation?.id}/messages`, { token: workspace.apiKey, json: body });
    return { workspace, conversation, send };
  }

  it("sends a template after the window closed, with Cloud API's body, recorded and announced like any reply", async () => {
    // The fixture's message is from 2024: the 24-hour window closed long ago.
    const { workspace, conversation, send } = await conversationOn(whatsappKit);
    outbound = captureOutbound("https://graph.facebook.com", () => whatsappKit.api?.ok() ?? new Response());
    const refused = await json<{ error: { message: string } }>(await send({ text: "Hello again" }), 422);
    expect(refused.error.message).toMatch(/only an approved template message can be sent now/);

    const sent = await json<Record<string, unknown>>(await send({ template }), 201);
    expect(sent).toMatchObject({ direction: "outbound", status: "sent", author: { type: "agent", name: "Owner" }, text: null, template });
    expect(outbound.captured).toHaveLength(1);
    expect(outbound.captured[0]?.url).toBe("https://graph.facebook.com/v25.0/106540352242922/messages");
    expect(JSON.parse(outbound.captured[0]?.body ?? "{}")).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "16505551234",
      type: "template",
      template: { name: "order_update", language: { policy: "deterministic", code: "en_US" }, components: template.components },
    });
    const thread = await json<{ data: { direction: string; template: unknown }[] }>(
      await call("GET", `/v1/conversations/${conversation?.id}/messages`, { token: workspace.apiKey }),
      200,
    );
    expect(thread.data.find((m) => m.direction === "outbound")?.template).toEqual(template);
    await vi.waitFor(async () => {
      const events = await json<{ data: unknown[] }>(await call("GET", "/v1/events?type=message.sent", { token: workspace.apiKey }), 200);
      expect(events.data).toHaveLength(1);
    });
  });

  it.each(
    channelKits
      .filter((kit) => kit.adapter.platform !== "whatsapp" && kit.messageFixture)
      .map((kit) => [kit.adapter.platform, kit] as const),
  )("answers 422 on %s, sending nothing", async (_platform, kit) => {
    const { workspace, conversation, send } = await conversationOn(kit);
    outbound = captureOutbound("https://");
    const refused = await json<{ error: { code: string; details: { reason: string } } }>(await send({ template }), 422);
    expect(refused.error).toMatchObject({
      code: "unprocessable",
      details: { reason: expect.stringMatching(/message templates are WhatsApp's/) },
    });
    expect(outbound.captured).toHaveLength(0);
    const thread = await json<{ data: { direction: string }[] }>(
      await call("GET", `/v1/conversations/${conversation?.id}/messages`, { token: workspace.apiKey }),
      200,
    );
    expect(thread.data.map((m) => m.direction)).toEqual(["inbound"]);
  });

  it.each([
    ["both text and template", { text: "hi", template }, ""],
    ["neither", {}, ""],
    ["a template name WhatsApp would not have", { template: { ...template, name: "Order Update!" } }, "template.name"],
    ["a language that is not a code", { template: { ...template, language: "English" } }, "template.language"],
    ["an unknown component type", { template: { ...template, components: [{ type: "sidebar" }] } }, "template.components.0.type"],
  ])("answers 400 for %s", async (_label, body, path) => {
    const { send } = await conversationOn(whatsappKit);
    const answer = await json<{ error: { code: string; details?: { path: string }[] } }>(await send(body), 400);
    expect(answer.error.code).toBe("validation_failed");
    if (path) expect(answer.error.details?.map((d) => d.path)).toContain(path);
  });
});

describe("settings.replyWindowWarningSeconds", () => {
  it("defaults to 7200 and takes 1 s to 7 days, else a 400 naming the field", async () => {
    const workspace = await createWorkspace();
    const settings = await json<{ replyWindowWarningSeconds: number }>(await call("GET", "/v1/settings", { token: workspace.apiKey }), 200);
    expect(settings.replyWindowWarningSeconds).toBe(7200);
    for (const bad of [0, 7 * 24 * 3600 + 1, 1.5, "7200"]) {
      const answer = await json<{ error: { details: { path: string }[] } }>(
        await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { replyWindowWarningSeconds: bad } }),
        400,
      );
      expect(answer.error.details.map((d) => d.path)).toEqual(["replyWindowWarningSeconds"]);
    }
    const patched = await json<{ replyWindowWarningSeconds: number }>(
      await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { replyWindowWarningSeconds: 7 * 24 * 3600 } }),
      200,
    );
    expect(patched.replyWindowWarningSeconds).toBe(7 * 24 * 3600);
  });
});
