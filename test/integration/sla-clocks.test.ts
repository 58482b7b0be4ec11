// SLA clocks live in the workspace's event log object (src/objects/clock-log.ts), carried there
// with the calls the conversation makes anyway: none in D1, the metrics and the tickets read
// the log object, and a reply stops its conversation's clocks even after the object restarted.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ClockRecord } from "../../src/objects/clock-log.ts";
import { conversationStub } from "../../src/objects/conversation.ts";
import { slaByChannel } from "../../src/route/sla-metrics.ts";
import { eventLog } from "./deliveries-kit.ts";
import { call, type captureOutbound, count, countStoredClocks, createWorkspace, json, postTikTok, storedClocks } from "./helpers.ts";
import { dm, merchantWorld, shop } from "./shop.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const SLOW = { timeout: 60_000, interval: 200 };
const DAY = 86_400_000;
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

describe("the clock log (objects/clock-log.ts)", () => {
  function clock(id: string, startedAt: number): ClockRecord {
    return {
      id,
      channelId: "ch_1",
      conversationId: "cv_1",
      subjectId: `msg_${id}`,
      clock: "first_response",
      startedAt,
      deadline: startedAt + 60_000,
      windowSeconds: 60,
      stoppedAt: null,
      warnedAt: null,
      breachedAt: null,
    };
  }

  it("takes every fact once: a re-run starts nothing twice, and stops, warns and breaches at the first time only", async () => {
    const workspace = await createWorkspace();
    const log = eventLog(workspace.id);
    const at = Date.now();
    await log.append([], [{ change: "started", clock: clock("sla_a", at) }]);
    await log.append([], [{ change: "started", clock: { ...clock("sla_a", at + 5), deadline: at + 1 } }]);
    await log.recordClocks([
      { change: "warned", id: "sla_a", at: at + 10 },
      { change: "breached", id: "sla_a", at: at + 20 },
      { change: "stopped", ids: ["sla_a", "sla_missing"], at: at + 30 },
    ]);
    await log.recordClocks([
      { change: "warned", id: "sla_a", at: at + 11 },
      { change: "breached", id: "sla_a", at: at + 21 },
      { change: "stopped", ids: ["sla_a"], at: at + 31 },
    ]);
    expect(await log.clocks(["sla_a", "sla_missing"])).toEqual([
      { ...clock("sla_a", at), warnedAt: at + 10, breachedAt: at + 20, stoppedAt: at + 30 },
    ]);
  });

  it("purges clocks with the events, but keeps at least the metrics' widest range (93 days)", async () => {
    const workspace = await createWorkspace();
    await json(await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { deliveries: { retentionDays: 7 } } }), 200);
    const now = Date.now();
    const event = {
      id: "evt_clocklog000001",
      workspaceId: workspace.id,
      type: "order.updated",
      payload: "{}",
      createdAt: now,
      fannedOutAt: now,
    };
    await eventLog(workspace.id).append(
      [event],
      [
        { change: "started", clock: clock("sla_old", now - 94 * DAY) },
        { change: "started", clock: clock("sla_kept", now - 92 * DAY) },
      ],
    );

    expect(await runDurableObjectAlarm((env.EVENT_LOG as unknown as DurableObjectNamespace).getByName(workspace.id))).toBe(true);
    expect((await eventLog(workspace.id).clocks(["sla_old", "sla_kept"])).map((c) => c.id)).toEqual(["sla_kept"]);
    const range = `from=${new Date(now - 93 * DAY).toISOString()}&to=${new Date(now).toISOString()}`;
    const metrics = await json<SlaMetrics>(await call("GET", `/v1/metrics/sla?${range}`, { token: workspace.apiKey }), 200);
    expect(metrics.overall).toMatchObject({ inbound: 1, answered: 0 });
  });
});
