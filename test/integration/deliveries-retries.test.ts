// Fault tests on a virtual clock: subscribers down, slow, throttling; a consumer that crashes.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RETRY_DELAYS_SECONDS } from "../../src/deliver/policy.ts";
import {
  attemptsOf,
  deliveryRow,
  eventsOfType,
  type Seen,
  storeEvent,
  subscriber,
  VirtualQueue,
  workspaceWithEndpoint,
} from "./deliveries-kit.ts";
import { call, captureOutbound, json } from "./helpers.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const ids = (seen: Seen[]) => seen.map((s) => s.request.headers.get("webhook-id"));
const gapsInSeconds = (seen: Seen[]) => seen.slice(1).map((s, i) => (s.at - (seen[i]?.at ?? 0)) / 1000);

describe("retries", () => {
  it("delivers exactly once after the subscriber was down for its first 3 attempts, one webhook-id throughout, every attempt recorded", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const event = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    const down = subscriber(queue, (n) => new Response(n <= 3 ? "down" : "ok", { status: n <= 3 ? 503 : 200 }));
    await queue.fanOut(workspace.id, [event.id]);
    await queue.drain(down.io);

    expect(ids(down.seen)).toEqual([event.id, event.id, event.id, event.id]);
    expect(down.seen.map((s) => s.body)).toEqual(Array(4).fill(event.payload));
    // Immediately, then 5 s, 5 min, 30 min (random() = 0.5 puts the jitter at zero).
    expect(gapsInSeconds(down.seen)).toEqual([5, 300, 1800]);
    expect((await attemptsOf(endpoint.id, event.id)).map((a) => [a.attempt, a.status, a.response_status])).toEqual([
      [1, "failed", 503],
      [2, "failed", 503],
      [3, "failed", 503],
      [4, "succeeded", 200],
    ]);
    expect(await deliveryRow(endpoint.id, event.id)).toMatchObject({ status: "succeeded", attempts: 4 });
    expect(queue.messages).toEqual([]);
  });

  it("counts a subscriber slower than the timeout as a failure and retries it", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const event = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    let calls = 0;
    const slowThenFast: typeof fetch = (_input, init) => {
      calls += 1;
      if (calls > 1) return Promise.resolve(new Response("ok"));
      // Never answers; only the gateway's timeout ends the wait.
      return new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    };
    await queue.fanOut(workspace.id, [event.id]);
    const [first] = await queue.step({ fetch: slowThenFast, random: () => 0.5, timeoutMs: 50 });
    expect(first?.outcome).toEqual({ kind: "retry", delaySeconds: 5 });
    expect(await attemptsOf(endpoint.id, event.id)).toMatchObject([{ attempt: 1, status: "failed", error: "no answer within 50 ms" }]);

    await queue.drain({ fetch: slowThenFast, random: () => 0.5, timeoutMs: 50 });
    expect((await attemptsOf(endpoint.id, event.id)).map((a) => a.status)).toEqual(["failed", "succeeded"]);
  });

  it("honours Retry-After on 429: an early or duplicate wake-up does not attempt before it", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const event = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    const throttled = subscriber(queue, (n) =>
      n === 1 ? new Response("slow down", { status: 429, headers: { "retry-after": "120" } }) : new Response("ok"),
    );
    await queue.fanOut(workspace.id, [event.id]);
    const start = queue.now;
    const [first] = await queue.step(throttled.io);
    expect(first?.outcome).toEqual({ kind: "retry", delaySeconds: 120 });

    // A second wake-up for the same delivery arrives a minute later: it waits out the rest.
    queue.now = start + 60_000;
    queue.push({ v: 1, kind: "event", workspaceId: workspace.id, eventId: event.id, endpointId: endpoint.id });
    const early = await queue.step(throttled.io);
    expect(early.map((p) => p.outcome)).toEqual([{ kind: "retry", delaySeconds: 60 }]);
    expect(throttled.seen).toHaveLength(1);

    await queue.drain(throttled.io);
    expect(throttled.seen).toHaveLength(2);
    expect((throttled.seen[1]?.at ?? 0) - start).toBeGreaterThanOrEqual(120_000);
    expect(await attemptsOf(endpoint.id, event.id)).toHaveLength(2);
  });

  it("uses the workspace's own schedule from settings.deliveries.retryDelaysSeconds", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    await json(
      await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { deliveries: { retryDelaysSeconds: [10, 20] } } }),
      200,
    );
    const event = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    const down = subscriber(queue, () => new Response("down", { status: 500 }));
    await queue.fanOut(workspace.id, [event.id]);
    await queue.drain(down.io);
    expect(gapsInSeconds(down.seen)).toEqual([10, 20]);
    expect(await deliveryRow(endpoint.id, event.id)).toMatchObject({ status: "failed", reason: "exhausted", attempts: 3 });
  });
});

describe("a consumer that throws in the middle of a batch", () => {
  it("leaves the other messages alone, retries the failed one, and the subscriber sees only the same webhook-id again", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const events = [await storeEvent(workspace.id), await storeEvent(workspace.id), await storeEvent(workspace.id)];
    const victim = events[1]?.id ?? "";
    // D1 fails the write that settles the second event's delivery, after the subscriber got it.
    await env.DB.prepare(
      `CREATE TRIGGER fail_once BEFORE UPDATE ON event_deliveries WHEN NEW.event_id = '${victim}' AND NEW.attempts > OLD.attempts
       BEGIN SELECT RAISE(ABORT, 'injected D1 failure'); END`,
    ).run();
    const queue = new VirtualQueue();
    const ok = subscriber(queue, () => new Response("ok"));
    await queue.fanOut(
      workspace.id,
      events.map((e) => e.id),
    );
    const processed = await queue.step(ok.io);
    expect(processed.map((p) => p.outcome.kind)).toEqual(["ack", "retry", "ack"]);
    expect(await deliveryRow(endpoint.id, victim)).toMatchObject({ status: "pending", attempts: 0 });

    await env.DB.prepare("DROP TRIGGER fail_once").run();
    await queue.drain(ok.io);
    const seenIds = ids(ok.seen);
    expect(seenIds.filter((id) => id === victim)).toHaveLength(2);
    expect(new Set(seenIds)).toEqual(new Set(events.map((e) => e.id)));
    expect(seenIds).toHaveLength(4);
    for (const event of events) expect(await deliveryRow(endpoint.id, event.id)).toMatchObject({ status: "succeeded", attempts: 1 });
    // The endpoint's history was written before D1 failed: both POSTs of the victim are in it.
    expect(await attemptsOf(endpoint.id, victim)).toHaveLength(2);
  });

  it("sends a message that has been retried many times afresh, so the queue's retry limit never dead-letters it", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const event = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    await queue.fanOut(workspace.id, [event.id]);
    const original = queue.messages[0];
    if (!original) throw new Error("no wake-up enqueued");
    original.attempts = 10;
    const [processed] = await queue.step(subscriber(queue, () => new Response("down", { status: 500 })).io);
    expect(processed?.outcome).toEqual({ kind: "ack" });
    expect(queue.messages).toMatchObject([
      { attempts: 1, visibleAt: queue.now + 5000, body: { eventId: event.id, endpointId: endpoint.id } },
    ]);
  });
});

describe("exhausted deliveries", () => {
  it("keeps an exhausted delivery after 8 attempts over ~27.6 h, reports it, and replays it with the same event id", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    await json(
      await call("PATCH", `/v1/endpoints/${endpoint.id}`, {
        token: workspace.apiKey,
        json: { eventTypes: ["order.updated", "delivery.exhausted"] },
      }),
      200,
    );
    const event = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    const down = subscriber(queue, () => new Response("down", { status: 500 }));
    await queue.fanOut(workspace.id, [event.id]);
    const start = queue.now;
    await queue.drain(down.io);

    const forEvent = down.seen.filter((s) => s.request.headers.get("webhook-id") === event.id);
    expect(forEvent).toHaveLength(8);
    expect(gapsInSeconds(forEvent)).toEqual([...RETRY_DELAYS_SECONDS]);
    expect(((forEvent.at(-1)?.at ?? 0) - start) / 3600_000).toBeCloseTo(27.6, 1);
    expect(await deliveryRow(endpoint.id, event.id)).toMatchObject({ status: "failed", reason: "exhausted", attempts: 8 });

    // The operational event was delivered (and failed) too, but its own exhaustion reports nothing: no loop.
    const exhausted = await eventsOfType(workspace.id, "delivery.exhausted");
    expect(exhausted).toHaveLength(1);
    expect(exhausted[0]?.data).toMatchObject({ event: { id: event.id, type: "order.updated" }, reason: "exhausted", attempts: 8 });

    const failed = await json<{ data: { eventId: string }[] }>(
      await call("GET", `/v1/endpoints/${endpoint.id}/failed-events`, { token: workspace.apiKey }),
      200,
    );
    expect(failed.data.map((f) => f.eventId)).toContain(event.id);

    outbound = captureOutbound(endpoint.url);
    const replay = await json(
      await call("POST", `/v1/endpoints/${endpoint.id}/replay`, { token: workspace.apiKey, json: { eventIds: [event.id] } }),
      202,
    );
    expect(replay).toEqual({ replayed: 1 });
    await vi.waitFor(() => expect(outbound?.captured.some((c) => c.headers["webhook-id"] === event.id)).toBe(true), { timeout: 5000 });
    const again = outbound.captured.find((c) => c.headers["webhook-id"] === event.id);
    expect(again?.body).toBe(event.payload);
    await vi.waitFor(async () => expect(await deliveryRow(endpoint.id, event.id)).toMatchObject({ status: "succeeded", replays: 1 }));
    expect(await eventsOfType(workspace.id, "delivery.replayed")).toMatchObject([{ data: { eventIds: [event.id], since: null } }]);
  });
});
