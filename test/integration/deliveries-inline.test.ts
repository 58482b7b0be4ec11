// Deliveries attempted where their events were made (deliver/inline.ts): the pipeline's
// fast path. Only what does not succeed at once may reach the DELIVERIES queue.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { inlineSink } from "../../src/actions/event-sink.ts";
import { deliveryDeps } from "../../src/consumers/deliveries.ts";
import { deliverDue, InlineDeliveries } from "../../src/deliver/inline.ts";
import { resumeStalledDeliveries, STALL_GRACE_MS } from "../../src/maintenance/resume-stalled.ts";
import { listWorkspaceEndpoints } from "../../src/storage/endpoints.ts";
import {
  attemptsOf,
  db,
  deliveryRow,
  eventLog,
  storedEvent,
  subscriber,
  sweepEventLog,
  VirtualQueue,
  workspaceWithEndpoint,
} from "./deliveries-kit.ts";
import { watchObjectSql } from "./production-limits.ts";

function orderEvent(workspaceId: string, at: number) {
  const id = `evt_inline${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  return { id, type: "order.updated", timestamp: new Date(at).toISOString(), data: { workspaceId, orderId: "576", status: "shipped" } };
}

/** Writes `count` events through an inline sink, as the Conversation object does, and returns them with the sink. */
async function writeInline(workspaceId: string, queue: VirtualQueue, count = 1) {
  const sink = inlineSink(db(), eventLog(workspaceId), workspaceId, await listWorkspaceEndpoints(db(), workspaceId));
  const events = Array.from({ length: count }, () => orderEvent(workspaceId, queue.now));
  await sink.write([], events, queue.now);
  return { sink, events };
}

describe("inline deliveries", () => {
  it("attempts each delivery once, keeps a success in the endpoint's history only, and sends nothing to the queue", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const queue = new VirtualQueue();
    const { sink, events } = await writeInline(workspace.id, queue);
    const event = events[0] as (typeof events)[0];
    expect(sink.due.map((d) => [d.endpoint.id, d.event.id])).toEqual([[endpoint.id, event.id]]);

    const up = subscriber(queue, () => new Response("ok"));
    await deliverDue(deliveryDeps(env, db(), { ...up.io, now: () => queue.now }), queue, sink.due);

    expect(up.seen.map((s) => s.request.headers.get("webhook-id"))).toEqual([event.id]);
    expect(up.seen[0]?.body).toBe(JSON.stringify(event));
    expect(await attemptsOf(endpoint.id, event.id)).toMatchObject([{ attempt: 1, status: "succeeded", response_status: 200 }]);
    // A success needs no delivery row in D1; the event is marked fanned out, so no sweep sends it again.
    expect(await deliveryRow(endpoint.id, event.id)).toBeNull();
    expect((await storedEvent(workspace.id, event.id))?.fanned_out_at).not.toBeNull();
    expect(queue.messages).toEqual([]);
    queue.now += STALL_GRACE_MS + 60_000;
    expect(await resumeStalledDeliveries(env, queue.now, queue)).toEqual({ deliveries: 0 });
    expect(await sweepEventLog(workspace.id, queue.now, queue)).toEqual({ fannedOut: 0, purged: 0 });

    // The same events written again (a re-run) hand back nothing: they were delivered.
    const again = inlineSink(db(), eventLog(workspace.id), workspace.id, await listWorkspaceEndpoints(db(), workspace.id));
    await again.write([], events, queue.now);
    expect(again.due).toEqual([]);
  });

  it("marks a queue batch's events fanned out in one call to the workspace's log, after its last round", async () => {
    const { workspace } = await workspaceWithEndpoint();
    const queue = new VirtualQueue();
    const up = subscriber(queue, () => new Response("ok"));
    const deliveries = new InlineDeliveries(deliveryDeps(env, db(), { ...up.io, now: () => queue.now }), queue);
    const marks = watchObjectSql(/^UPDATE events SET fanned_out_at/);
    const written = [];
    // Three conversations finishing one after another: three rounds.
    for (let i = 0; i < 3; i++) {
      const { sink, events } = await writeInline(workspace.id, queue);
      written.push(...events);
      deliveries.add(sink.due);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(up.seen.length).toBeGreaterThan(0);
    await deliveries.settled();
    expect(up.seen.map((s) => s.request.headers.get("webhook-id")).sort()).toEqual(written.map((e) => e.id).sort());
    expect(marks()).toBe(1);
    for (const event of written) expect((await storedEvent(workspace.id, event.id))?.fanned_out_at).not.toBeNull();
  });

  it("hands a failed attempt to the queue on the retry schedule, where the next attempt succeeds", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const queue = new VirtualQueue();
    const { sink, events } = await writeInline(workspace.id, queue);
    const flaky = subscriber(queue, (n) => new Response(n === 1 ? "busy" : "ok", { status: n === 1 ? 503 : 200 }));
    await deliverDue(deliveryDeps(env, db(), { ...flaky.io, now: () => queue.now }), queue, sink.due);

    expect(queue.messages.map((m) => [m.body, (m.visibleAt - queue.now) / 1000])).toEqual([
      [{ v: 1, kind: "event", workspaceId: workspace.id, eventId: events[0]?.id, endpointId: endpoint.id }, 5],
    ]);
    await queue.drain(flaky.io);
    expect((await attemptsOf(endpoint.id, events[0]?.id ?? "")).map((a) => [a.attempt, a.status, a.response_status])).toEqual([
      [1, "failed", 503],
      [2, "succeeded", 200],
    ]);
  });

  it("keeps to the endpoint's rate limit: what it turns away waits in the queue, unclaimed, and is delivered once", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint({ rateLimitPerSecond: 1 });
    const queue = new VirtualQueue();
    const { sink, events } = await writeInline(workspace.id, queue, 3);
    const up = subscriber(queue, () => new Response("ok"));
    await deliverDue(deliveryDeps(env, db(), { ...up.io, now: () => queue.now }), queue, sink.due);

    expect(up.seen).toHaveLength(1);
    expect(queue.messages).toHaveLength(2);
    const waiting = await env.DB.prepare(
      "SELECT count(*) AS n FROM event_deliveries WHERE endpoint_id = ? AND status = 'pending' AND attempts = 0 AND claim_token IS NULL",
    )
      .bind(endpoint.id)
      .first<{ n: number }>();
    expect(waiting?.n).toBe(2);

    await queue.drain(up.io);
    expect(up.seen.map((s) => s.request.headers.get("webhook-id")).sort()).toEqual(events.map((e) => e.id).sort());
    // At most one start per second.
    const starts = up.seen.map((s) => s.at).sort((a, b) => a - b);
    for (let i = 1; i < starts.length; i++) expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("leaves nothing behind when the consumer dies before attempting: the event, not fanned out, is its log's stall sweep's", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const queue = new VirtualQueue();
    const { events } = await writeInline(workspace.id, queue);
    // No deliverDue: the consumer died here. Before the grace, the sweep leaves the event alone.
    expect(await sweepEventLog(workspace.id, queue.now + 60_000, queue)).toEqual({ fannedOut: 0, purged: 0 });
    queue.now += STALL_GRACE_MS + 60_000;
    expect(await sweepEventLog(workspace.id, queue.now, queue)).toEqual({ fannedOut: 1, purged: 0 });
    const up = subscriber(queue, () => new Response("ok"));
    await queue.drain(up.io);
    expect(up.seen.map((s) => s.request.headers.get("webhook-id"))).toEqual([events[0]?.id]);
    expect(await deliveryRow(endpoint.id, events[0]?.id ?? "")).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("a re-run of a write whose deliveries nobody recorded sends the event as first stored, not its rebuild", async () => {
    const { workspace } = await workspaceWithEndpoint();
    const queue = new VirtualQueue();
    const { events } = await writeInline(workspace.id, queue);
    const first = events[0] as (typeof events)[0];
    // The run that stored it failed before anyone attempted it; the re-run builds the event again, a second later.
    const rebuilt = { ...first, timestamp: new Date(queue.now + 1000).toISOString() };
    const rerun = inlineSink(db(), eventLog(workspace.id), workspace.id, await listWorkspaceEndpoints(db(), workspace.id));
    await rerun.write([], [rebuilt], queue.now + 1000);
    expect(rerun.due.map((d) => d.event.payload)).toEqual([JSON.stringify(first)]);
  });
});
