// Two agents on one inbox: who replied (author on the message and on message.sent), who was
// assigned ("me"), the ticket filters, and the audit list of it all.
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, json, postTikTok } from "./helpers.ts";
import { dm, merchantWorld, shop } from "./shop.ts";

let restore: (() => void) | undefined;
afterEach(() => restore?.());

interface Ticket {
  id: string;
  status: string;
  assignee: string | null;
  channelId: string;
}

describe("agents on the inbox", () => {
  it("records who replied, the bot or an agent, in the thread and in message.sent; assigns 'me'; filters tickets; audits", async () => {
    const { workspace, channel } = await shop();
    const world = merchantWorld();
    restore = world.outbound.restore;
    const lan = await json<{ id: string; apiKey: string }>(
      await call("POST", "/v1/agents", { token: workspace.apiKey, json: { name: "Lan", role: "agent" } }),
      201,
    );

    // The bot answers an FAQ; a complaint opens a ticket in another thread.
    await postTikTok(channel.id, dm("how long does shipping take?", "7373009988776655701", "7373009988776600001"));
    await postTikTok(channel.id, dm("This is a SCAM!!! still not arrived after 2 weeks 😡", "7373009988776655702", "7373009988776600002"));
    const ticket = await vi.waitFor(
      async () => {
        const page = await json<{ data: Ticket[] }>(await call("GET", "/v1/tickets?status=open", { token: lan.apiKey }), 200);
        expect(page.data).toHaveLength(1);
        return page.data[0] as Ticket;
      },
      { timeout: 5000 },
    );
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 5000 });

    // Filters: unassigned, mine, the channel, another channel, resolved.
    const ids = async (query: string) =>
      (await json<{ data: Ticket[] }>(await call("GET", `/v1/tickets?${query}`, { token: lan.apiKey }), 200)).data.map((t) => t.id);
    expect(await ids("assignee=none")).toEqual([ticket.id]);
    expect(await ids("assignee=me")).toEqual([]);
    expect(await ids(`channelId=${channel.id}`)).toEqual([ticket.id]);
    expect(await ids("channelId=ch_other")).toEqual([]);
    expect(await ids("status=resolved")).toEqual([]);

    const assigned = await json<Ticket>(
      await call("PATCH", `/v1/tickets/${ticket.id}`, { token: lan.apiKey, json: { assignee: "me" } }),
      200,
    );
    expect(assigned.assignee).toBe(lan.id);
    expect(await ids("assignee=me")).toEqual([ticket.id]);
    expect(await ids(`assignee=${lan.id}`)).toEqual([ticket.id]);
    expect(await ids("assignee=none")).toEqual([]);
    // The owner is someone else: "me" is the caller.
    expect((await json<{ data: Ticket[] }>(await call("GET", "/v1/tickets?assignee=me", { token: workspace.apiKey }), 200)).data).toEqual(
      [],
    );

    // Lan replies in the ticket's conversation, then resolves it.
    const conversations = await json<{ data: { id: string; platformThreadId: string }[] }>(
      await call("GET", "/v1/conversations", { token: lan.apiKey }),
      200,
    );
    const complaint = conversations.data.find((c) => c.platformThreadId === "7373009988776600002");
    const faq = conversations.data.find((c) => c.platformThreadId === "7373009988776600001");
    const sent = await json<{ id: string; author: unknown }>(
      await call("POST", `/v1/conversations/${complaint?.id}/messages`, { token: lan.apiKey, json: { text: "So sorry, checking now." } }),
      201,
    );
    expect(sent.author).toEqual({ type: "agent", agentId: lan.id, name: "Lan" });
    await json(await call("PATCH", `/v1/tickets/${ticket.id}`, { token: lan.apiKey, json: { status: "resolved" } }), 200);
    expect(await ids("status=resolved")).toEqual([ticket.id]);

    const authors = async (conversationId: string | undefined) =>
      (
        await json<{ data: { direction: string; author: unknown }[] }>(
          await call("GET", `/v1/conversations/${conversationId}/messages`, { token: lan.apiKey }),
          200,
        )
      ).data.map((m) => [m.direction, m.author]);
    expect(await authors(faq?.id)).toEqual(
      expect.arrayContaining([
        ["inbound", null],
        ["outbound", { type: "bot" }],
      ]),
    );
    expect(await authors(complaint?.id)).toEqual(
      expect.arrayContaining([
        ["inbound", null],
        ["outbound", { type: "agent", agentId: lan.id, name: "Lan" }],
      ]),
    );

    const events = await json<{ data: { data: { message: { text: string; author: unknown } } }[] }>(
      await call("GET", "/v1/events?type=message.sent", { token: lan.apiKey }),
      200,
    );
    expect(events.data.map((e) => [e.data.message.text, e.data.message.author])).toEqual(
      expect.arrayContaining([
        [expect.stringMatching(/ship/i), { type: "bot" }],
        ["So sorry, checking now.", { type: "agent", agentId: lan.id, name: "Lan" }],
      ]),
    );

    const audit = await json<{ data: { agentId: string; action: string; targetId: string; detail: unknown }[] }>(
      await call("GET", `/v1/audit?agentId=${lan.id}`, { token: workspace.apiKey }),
      200,
    );
    expect(audit.data.map((entry) => [entry.action, entry.targetId, entry.detail])).toEqual([
      ["PATCH /v1/tickets/:id", ticket.id, { status: "resolved" }],
      ["POST /v1/conversations/:id/messages", sent.id, { conversationId: complaint?.id, messageId: sent.id }],
      ["PATCH /v1/tickets/:id", ticket.id, { assignee: lan.id }],
    ]);
  });

  it("refuses a bad filter with its path", async () => {
    const { workspace } = await shop();
    const body = await json<{ error: { details: { path: string }[] } }>(
      await call("GET", `/v1/tickets?assignee=${"x".repeat(201)}&channelId=`, { token: workspace.apiKey }),
      400,
    );
    expect(body.error.details.map((d) => d.path).sort()).toEqual(["assignee", "channelId"]);
  });
});
