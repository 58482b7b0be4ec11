// GET /v1/metrics/traffic: DMs per minute, answered automatically versus escalated, counted
// from real traffic through the default rules.
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, type captureOutbound, createWorkspace, json, postTikTok } from "./helpers.ts";
import { dm, merchantWorld, shop } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

interface Figures {
  inbound: number;
  answeredAutomatically: number;
  escalated: number;
  agentReplies: number;
}
interface Traffic {
  from: string;
  to: string;
  bucketSeconds: number;
  totals: Figures;
  buckets: ({ start: string } & Figures)[];
}

describe("GET /v1/metrics/traffic", () => {
  it("counts DMs, automatic answers, escalations and agents' replies per minute", async () => {
    const { workspace, channel } = await shop();
    const world = merchantWorld({ "576700112233445566": { orderId: "576700112233445566", status: "shipped" } });
    outbound = world.outbound;
    const start = Date.now() - 60_000;
    const from = new Date(start).toISOString();
    const to = new Date(start + 120_000).toISOString();
    // An order question answered by the rules, and a complaint escalated to a human.
    await postTikTok(channel.id, dm("Hi, when will order 576700112233445566 ship?", "7373009988776655701", "7373000000000000001"));
    await postTikTok(channel.id, dm("This is a SCAM!!! still not arrived after 2 weeks 😡", "7373009988776655702", "7373000000000000002"));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), { timeout: 5000 });
    const ticket = await vi.waitFor(
      async () => {
        const page = await json<{ data: { conversationId: string }[] }>(await call("GET", "/v1/tickets", { token: workspace.apiKey }), 200);
        expect(page.data).toHaveLength(1);
        return page.data[0] as { conversationId: string };
      },
      { timeout: 5000 },
    );
    await json(
      await call("POST", `/v1/conversations/${ticket.conversationId}/messages`, {
        token: workspace.apiKey,
        json: { text: "Checking now." },
      }),
      201,
    );

    const traffic = await vi.waitFor(
      async () => {
        const answer = await json<Traffic>(
          await call("GET", `/v1/metrics/traffic?from=${from}&to=${to}`, { token: workspace.apiKey }),
          200,
        );
        expect(answer.totals.agentReplies).toBe(1);
        return answer;
      },
      { timeout: 5000 },
    );
    expect(traffic.totals).toEqual({ inbound: 2, answeredAutomatically: 1, escalated: 1, agentReplies: 1 });
    expect(traffic.bucketSeconds).toBe(60);
    // Two minutes by minute, empty minutes included; the counts land in the buckets.
    expect(traffic.buckets).toHaveLength(2);
    expect(traffic.buckets[0]?.start).toBe(from);
    expect(traffic.buckets[1]?.start).toBe(new Date(Date.parse(from) + 60_000).toISOString());
    const summed = traffic.buckets.reduce((sum, b) => sum + b.inbound + b.answeredAutomatically + b.escalated + b.agentReplies, 0);
    expect(summed).toBe(5);

    // Another workspace sees none of it.
    const other = await createWorkspace("Other");
    const theirs = await json<Traffic>(await call("GET", `/v1/metrics/traffic?from=${from}&to=${to}`, { token: other.apiKey }), 200);
    expect(theirs.totals).toEqual({ inbound: 0, answeredAutomatically: 0, escalated: 0, agentReplies: 0 });
  }, 20_000);

  it("defaults to the last hour by minute, and an agent key may read it", async () => {
    const workspace = await createWorkspace();
    const agent = await json<{ apiKey: string }>(
      await call("POST", "/v1/agents", { token: workspace.apiKey, json: { name: "Lan", role: "agent" } }),
      201,
    );
    const traffic = await json<Traffic>(await call("GET", "/v1/metrics/traffic", { token: agent.apiKey }), 200);
    expect(Date.parse(traffic.to) - Date.parse(traffic.from)).toBe(3_600_000);
    expect(traffic.buckets).toHaveLength(60);
    expect(traffic.buckets.every((b) => b.inbound === 0)).toBe(true);
  });

  it("refuses a range of more than 1440 buckets, a bucket under a minute and from after to, naming the field", async () => {
    const workspace = await createWorkspace();
    const tooMany = await json<{ error: { code: string; details: { path: string }[] } }>(
      await call("GET", "/v1/metrics/traffic?from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z", { token: workspace.apiKey }),
      400,
    );
    expect(tooMany.error.details.map((d) => d.path)).toEqual(["bucketSeconds"]);
    const tiny = await json<{ error: { details: { path: string }[] } }>(
      await call("GET", "/v1/metrics/traffic?bucketSeconds=10", { token: workspace.apiKey }),
      400,
    );
    expect(tiny.error.details.map((d) => d.path)).toContain("bucketSeconds");
    const backwards = await json<{ error: { details: { path: string }[] } }>(
      await call("GET", "/v1/metrics/traffic?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", { token: workspace.apiKey }),
      400,
    );
    expect(backwards.error.details.map((d) => d.path)).toEqual(["from"]);
    // Two days by hour is fine.
    const byHour = await json<Traffic>(
      await call("GET", "/v1/metrics/traffic?from=2026-01-01T00:00:00Z&to=2026-01-03T00:00:00Z&bucketSeconds=3600", {
        token: workspace.apiKey,
      }),
      200,
    );
    expect(byHour.buckets).toHaveLength(48);
  });
});
