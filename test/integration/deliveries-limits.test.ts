// Per-endpoint rate limit and concurrency: the limiter's object, and bursts through the consumer.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LEASE_MS } from "../../src/deliver/limiter.ts";
import { createObjectLimiter } from "../../src/objects/endpoint-limiter.ts";
import { attemptsOf, storeEvent, subscriber, VirtualQueue, workspaceWithEndpoint } from "./deliveries-kit.ts";

describe("the endpoint limiter (one Durable Object per endpoint)", () => {
  it("admits R starts in any one-second window and says when the next one fits", async () => {
    const limiter = createObjectLimiter(env);
    const limits = { rateLimitPerSecond: 2, maxConcurrency: 10 };
    const t = 1_000_000;
    expect((await limiter.acquire("ep_a", limits, t, 1)).leaseIds).toHaveLength(1);
    expect((await limiter.acquire("ep_a", limits, t + 400, 1)).leaseIds).toHaveLength(1);
    expect(await limiter.acquire("ep_a", limits, t + 999, 1)).toEqual({
      leaseIds: [],
      denial: { admitted: false, reason: "rate", retryInMs: 1 },
    });
    expect((await limiter.acquire("ep_a", limits, t + 1000, 1)).leaseIds).toHaveLength(1);
    // Another endpoint has its own budget.
    expect((await limiter.acquire("ep_b", limits, t + 999, 1)).leaseIds).toHaveLength(1);
  });

  it("grants part of a request for several slots, and says why not the rest", async () => {
    const limiter = createObjectLimiter(env);
    const grant = await limiter.acquire("ep_d", { rateLimitPerSecond: 3, maxConcurrency: 10 }, 5_000_000, 5);
    expect(grant.leaseIds).toHaveLength(3);
    expect(new Set(grant.leaseIds).size).toBe(3);
    expect(grant.denial).toMatchObject({ admitted: false, reason: "rate" });
  });

  it("admits C requests in flight at once; a release frees a slot, and an unreleased one lapses", async () => {
    const limiter = createObjectLimiter(env);
    const limits = { rateLimitPerSecond: 100, maxConcurrency: 1 };
    const t = 2_000_000;
    const first = await limiter.acquire("ep_c", limits, t, 1);
    expect(first.leaseIds).toHaveLength(1);
    expect(await limiter.acquire("ep_c", limits, t + 10, 1)).toMatchObject({ leaseIds: [], denial: { reason: "concurrency" } });
    await limiter.release("ep_c", first.leaseIds);
    expect((await limiter.acquire("ep_c", limits, t + 30, 1)).leaseIds).toHaveLength(1);
    // Never released (a consumer that died mid-request): free again once the lease runs out.
    expect((await limiter.acquire("ep_c", limits, t + 40, 1)).leaseIds).toEqual([]);
    expect((await limiter.acquire("ep_c", limits, t + 30 + LEASE_MS, 1)).leaseIds).toHaveLength(1);
  });
});

describe("a burst to a rate-limited endpoint", () => {
  it("never exceeds R requests in any one-second window at the subscriber, and all N events arrive once", async () => {
    const R = 5;
    const N = 40;
    const { workspace, endpoint } = await workspaceWithEndpoint({ rateLimitPerSecond: R });
    const events = [];
    for (let i = 0; i < N; i++) events.push(await storeEvent(workspace.id));
    const queue = new VirtualQueue();
    const ok = subscriber(queue, () => new Response("ok"));
    await queue.fanOut(
      workspace.id,
      events.map((e) => e.id),
    );
    await queue.drain(ok.io);

    const ids = ok.seen.map((s) => s.request.headers.get("webhook-id"));
    expect(ids).toHaveLength(N);
    expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
    const times = ok.seen.map((s) => s.at).sort((a, b) => a - b);
    // R + 1 consecutive requests always span at least a second.
    for (let i = 0; i + R < times.length; i++) expect((times[i + R] ?? 0) - (times[i] ?? 0)).toBeGreaterThanOrEqual(1000);
    // Waiting is not failing: every event took exactly one attempt, none was dropped, and it did not crawl.
    for (const event of events) expect((await attemptsOf(endpoint.id, event.id)).map((a) => a.attempt)).toEqual([1]);
    expect(((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000).toBeLessThanOrEqual(N / R + 2);
  });

  it("never has more than maxConcurrency requests in flight, and delivers them all", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint({ maxConcurrency: 2, rateLimitPerSecond: 1000 });
    const events = [];
    for (let i = 0; i < 12; i++) events.push(await storeEvent(workspace.id));
    const queue = new VirtualQueue();
    let inFlight = 0;
    let most = 0;
    const delivered = new Set<string>();
    const slow: typeof fetch = async (_input, init) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      // Hold each request a moment so the others of its batch try their luck meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 20));
      delivered.add(new Headers(init?.headers).get("webhook-id") ?? "");
      inFlight -= 1;
      return new Response("ok");
    };
    await queue.fanOut(
      workspace.id,
      events.map((e) => e.id),
    );
    await queue.drain({ fetch: slow, random: () => 0.5 });
    expect(most).toBeLessThanOrEqual(2);
    // The limit was reached: some requests waited in the queue, and none of them counted as an attempt.
    expect(queue.history.some((p) => p.outcome.kind === "retry")).toBe(true);
    expect(delivered).toEqual(new Set(events.map((e) => e.id)));
    for (const event of events) expect((await attemptsOf(endpoint.id, event.id)).map((a) => a.attempt)).toEqual([1]);
  });
});
