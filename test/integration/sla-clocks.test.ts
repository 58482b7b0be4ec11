// SLA clocks live in the workspace's event log object (src/objects/clock-log.ts), carried there
// with the calls the conversation makes anyway: none in D1, the metrics and the tickets read
// the log object, and a reply stops its conversation's clocks even after the object restarted.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { conversationStub } from "../../src/objects/conversation.ts";
import { slaByChannel } from "../../src/route/sla-metrics.ts";
import { call, type captureOutbound, count, countStoredClocks, json, postTikTok, storedClocks } from "./helpers.ts";
import { dm, merchantWorld, shop } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const SLOW = { timeout: 60_000, interval: 200 };
const ORDER = { "576700112233445566": { orderId: "576700112233445566", status: "processing" } };

interface SlaMetrics {
  overall: { inbound: number; answered: number; answeredInsideWindow: number; openBreaches: number; insideWindowRate: number | null };
  channels: { channelId: string; inbound: number; answered: number }[];
}

describe("SLA clocks in the workspace's log object", () => {
  it("writes no D1 row for a DM's clock: the clock is in its workspace's log object", async () => {
    const { workspace, channel } = await shop();
    outbound = merchantWorld().outbound;
    await postTikTok(channel.id, dm("hmm", "7373009914000000001", "7373009914000000100"));
    await vi.waitFor(async () => expect(await countStoredClocks(workspace.id, "1 = 1")).toBe(1), SLOW);

    expect(await count("SELECT count(*) AS n FROM sqlite_master WHERE name = 'sla_clocks'")).toBe(0);
    const [clock] = await storedClocks(workspace.id);
    expect(clock).toMatchObject({ channel_id: channel.id, kind: "first_response", window_seconds: 43200, stopped_at: null });
    expect((clock?.deadline as number) - (clock?.started_at as number)).toBe(43_200_000);
  });

  it("answers the metrics over more than 200 clocks across conversations, as computed from the clocks", { timeout: 120_000 }, async () => {
    const { workspace, channel } = await shop();
    const world = merchantWorld(ORDER);
    outbound = world.outbound;
    const threads = ["7373009915000000100", "7373009915000000200", "7373009915000000300", "7373009915000000400"];
    const posts = threads.flatMap((thread, t) =>
      Array.from({ length: 55 }, (_, i) =>
        postTikTok(channel.id, dm(`hmm ${t} ${i}`, String(7373009915000010000n + BigInt(t * 100 + i)), thread)),
      ),
    );
    for (const response of await Promise.all(posts)) expect(response.status).toBe(200);
    await vi.waitFor(async () => expect(await countStoredClocks(workspace.id, "1 = 1")).toBe(220), SLOW);

    // The bot answers one conversation: its 56 clocks stop, the other three's keep running.
    await postTikTok(channel.id, dm("status of order 576700112233445566 please", "7373009915000019999", threads[0]));
    await vi.waitFor(() => expect(world.platformReplies()).toHaveLength(1), SLOW);
    await vi.waitFor(async () => expect(await countStoredClocks(workspace.id, "stopped_at IS NOT NULL")).toBe(56), SLOW);

    const metrics = await json<SlaMetrics>(await call("GET", "/v1/metrics/sla", { token: workspace.apiKey }), 200);
    expect(metrics.overall).toMatchObject({ inbound: 221, answered: 56, answeredInsideWindow: 56, openBreaches: 0 });
    expect(metrics.channels).toEqual([expect.objectContaining({ channelId: channel.id, inbound: 221, answered: 56 })]);
    // Exactly what the pure figures say of the stored clocks (as the D1 rows were read before).
    const rows = (await storedClocks(workspace.id)).map((row) => ({
      channelId: row.channel_id as string,
      clock: row.kind as "first_response",
      startedAt: row.started_at as number,
      deadline: row.deadline as number,
      stoppedAt: row.stopped_at as number | null,
      breachedAt: row.breached_at as number | null,
    }));
    const { overall, channels } = slaByChannel(rows);
    expect(metrics).toMatchObject({ overall, channels });

    // A window after them all counts nothing.
    const later = new Date(Date.now() + 60_000).toISOString();
    const empty = await json<SlaMetrics>(
      await call("GET", `/v1/metrics/sla?from=${later}&to=${new Date(Date.now() + 120_000).toISOString()}`, { token: workspace.apiKey }),
      200,
    );
    expect(empty.overall).toMatchObject({ inbound: 0, answered: 0, insideWindowRate: null });
  });

  it("stops a clock by an agent's reply after the conversation's object restarted", async () => {
    const { workspace, channel } = await shop();
    const world = merchantWorld();
    outbound = world.outbound;
    const thread = "7373009916000000100";
    await postTikTok(channel.id, dm("hmm", "7373009916000000001", thread));
    await vi.waitFor(async () => expect(await countStoredClocks(workspace.id, "stopped_at IS NULL")).toBe(1), SLOW);

    // A fresh instance: nothing of the old one's memory, only its storage.
    await expect(
      runInDurableObject(conversationStub(env, channel.id, thread), (_instance, state) => state.abort("restart for the test")),
    ).rejects.toThrow("restart for the test");

    const { data } = await json<{ data: { id: string }[] }>(await call("GET", "/v1/conversations", { token: workspace.apiKey }), 200);
    const sent = await json<{ status: string }>(
      await call("POST", `/v1/conversations/${data[0]?.id}/messages`, { token: workspace.apiKey, json: { text: "Here to help!" } }),
      201,
    );
    expect(sent.status).toBe("sent");
    expect(await countStoredClocks(workspace.id, "stopped_at IS NULL")).toBe(0);
    const metrics = await json<SlaMetrics>(await call("GET", "/v1/metrics/sla", { token: workspace.apiKey }), 200);
    expect(metrics.overall).toMatchObject({ inbound: 1, answered: 1, answeredInsideWindow: 1, insideWindowRate: 1 });
  });
});
