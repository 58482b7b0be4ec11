// Endpoint life: secret rotation, disabling (410 and failing too long), held events, replay, the URL guard.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { deliveryRow, eventsOfType, storeEvent, subscriber, VirtualQueue, workspaceWithEndpoint } from "./deliveries-kit.ts";
import { call, captureOutbound, createWorkspace, json } from "./helpers.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const HOUR = 3600_000;

describe("secret rotation", () => {
  it("signs with both secrets for 24 hours, each verifiable with the standardwebhooks library, then with the new one only", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const rotated = await json<{ secret: string }>(
      await call("POST", `/v1/endpoints/${endpoint.id}/rotate-secret`, { token: workspace.apiKey }),
      200,
    );
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(rotated.secret).not.toBe(endpoint.secret);
    const read = await json<{ previousSecretExpiresAt: string }>(
      await call("GET", `/v1/endpoints/${endpoint.id}`, { token: workspace.apiKey }),
      200,
    );
    expect(Date.parse(read.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23.9 * HOUR);

    const during = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    const ok = subscriber(queue, () => new Response("ok"));
    await queue.fanOut(workspace.id, [during.id]);
    await queue.drain(ok.io);
    const [overlap] = ok.seen;
    if (!overlap) throw new Error("nothing delivered");
    const headers = Object.fromEntries(overlap.request.headers);
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(new Webhook(rotated.secret).verify(overlap.body, headers)).toEqual(JSON.parse(during.payload));
    expect(new Webhook(endpoint.secret).verify(overlap.body, headers)).toEqual(JSON.parse(during.payload));

    const after = await storeEvent(workspace.id);
    queue.now += 24 * HOUR + 1000;
    await queue.fanOut(workspace.id, [after.id]);
    await queue.drain(ok.io);
    const last = ok.seen.at(-1);
    if (!last) throw new Error("nothing delivered");
    const timestamp = Number(last.request.headers.get("webhook-timestamp"));
    const signature = last.request.headers.get("webhook-signature");
    expect(signature).toBe(new Webhook(rotated.secret).sign(after.id, new Date(timestamp * 1000), last.body));
    expect(signature).not.toContain(new Webhook(endpoint.secret).sign(after.id, new Date(timestamp * 1000), last.body));
  });

  it("answers 404 for another workspace's endpoint", async () => {
    const { endpoint } = await workspaceWithEndpoint();
    const stranger = await createWorkspace("Other");
    expect((await call("POST", `/v1/endpoints/${endpoint.id}/rotate-secret`, { token: stranger.apiKey })).status).toBe(404);
  });
});

describe("disabled endpoints keep their events", () => {
  it("after a 410, holds later events, lists them, refuses replay while disabled, and replays them with their ids once re-enabled", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const gone = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    await queue.fanOut(workspace.id, [gone.id]);
    await queue.drain(subscriber(queue, () => new Response(null, { status: 410 })).io);

    const later = await storeEvent(workspace.id);
    expect(await queue.fanOut(workspace.id, [later.id])).toBe(0);
    expect(await deliveryRow(endpoint.id, later.id)).toMatchObject({ status: "held", reason: "endpoint_disabled" });

    const failed = await json<{ data: { eventId: string; status: string; reason: string }[] }>(
      await call("GET", `/v1/endpoints/${endpoint.id}/failed-events`, { token: workspace.apiKey }),
      200,
    );
    expect(failed.data.map((f) => [f.eventId, f.status, f.reason]).sort()).toEqual(
      [
        [gone.id, "failed", "gone"],
        [later.id, "held", "endpoint_disabled"],
      ].sort(),
    );
    const since = new Date(Date.now() - HOUR).toISOString();
    const refused = await call("POST", `/v1/endpoints/${endpoint.id}/replay`, { token: workspace.apiKey, json: { since } });
    expect(refused.status).toBe(409);

    await json(await call("PATCH", `/v1/endpoints/${endpoint.id}`, { token: workspace.apiKey, json: { enabled: true } }), 200);
    outbound = captureOutbound(endpoint.url);
    expect(
      await json(await call("POST", `/v1/endpoints/${endpoint.id}/replay`, { token: workspace.apiKey, json: { since } }), 202),
    ).toEqual({
      replayed: 2,
    });
    await vi.waitFor(() => expect(new Set(outbound?.captured.map((c) => c.headers["webhook-id"]))).toEqual(new Set([gone.id, later.id])), {
      timeout: 5000,
    });
    const bodies = Object.fromEntries(outbound.captured.map((c) => [c.headers["webhook-id"], c.body]));
    expect(bodies).toEqual({ [gone.id]: gone.payload, [later.id]: later.payload });
    await vi.waitFor(async () => expect(await deliveryRow(endpoint.id, later.id)).toMatchObject({ status: "succeeded" }));
    // Replayed now, so a second call with the same `since` has nothing left to send.
    expect(
      await json(await call("POST", `/v1/endpoints/${endpoint.id}/replay`, { token: workspace.apiKey, json: { since } }), 202),
    ).toEqual({
      replayed: 0,
    });
  });

  it("disables an endpoint that has failed without a success for settings.deliveries.disableAfterFailingSeconds, with an event", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    await json(
      await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { deliveries: { disableAfterFailingSeconds: 3600 } } }),
      200,
    );
    const event = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    const start = queue.now;
    const down = subscriber(queue, () => new Response("down", { status: 500 }));
    await queue.fanOut(workspace.id, [event.id]);
    await queue.drain(down.io);

    // Attempts at 0 s, 5 s, 305 s, 2105 s and 9305 s: the fifth is past the hour, and the endpoint is disabled.
    expect(down.seen.map((s) => (s.at - start) / 1000)).toEqual([0, 5, 305, 2105, 9305]);
    const read = await json<{ enabled: boolean; disabledReason: string; failingSince: string }>(
      await call("GET", `/v1/endpoints/${endpoint.id}`, { token: workspace.apiKey }),
      200,
    );
    expect(read).toMatchObject({ enabled: false, disabledReason: "failing", failingSince: new Date(start).toISOString() });
    expect(await deliveryRow(endpoint.id, event.id)).toMatchObject({ status: "held", reason: "endpoint_disabled", attempts: 5 });
    expect(await eventsOfType(workspace.id, "endpoint.disabled")).toMatchObject([
      { data: { endpoint: { id: endpoint.id }, reason: "failing", failingSince: new Date(start).toISOString() } },
    ]);

    // Re-enabling starts the failure clock afresh.
    const enabled = await json<{ enabled: boolean; failingSince: null; disabledReason: null }>(
      await call("PATCH", `/v1/endpoints/${endpoint.id}`, { token: workspace.apiKey, json: { enabled: true } }),
      200,
    );
    expect(enabled).toMatchObject({ enabled: true, failingSince: null, disabledReason: null });
  });

  it("a success clears the failure clock", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const event = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    await queue.fanOut(workspace.id, [event.id]);
    await queue.drain(subscriber(queue, (n) => new Response(null, { status: n === 1 ? 500 : 200 })).io);
    const read = await json<{ failingSince: string | null }>(
      await call("GET", `/v1/endpoints/${endpoint.id}`, { token: workspace.apiKey }),
      200,
    );
    expect(read.failingSince).toBeNull();
  });
});

describe("replay requests", () => {
  it("validates its body and names unknown or foreign event ids", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const path = `/v1/endpoints/${endpoint.id}/replay`;
    expect((await call("POST", path, { token: workspace.apiKey, json: {} })).status).toBe(400);
    expect((await call("POST", path, { token: workspace.apiKey, json: { since: "yesterday" } })).status).toBe(400);
    expect((await call("POST", path, { token: workspace.apiKey, json: { eventIds: [] } })).status).toBe(400);

    const other = await createWorkspace("Other");
    const foreign = await storeEvent(other.id);
    const response = await call("POST", path, { token: workspace.apiKey, json: { eventIds: [foreign.id, "evt_nope"] } });
    const body = await json<{ error: { code: string; message: string; details: { path: string }[] } }>(response, 404);
    expect(body.error.message).toContain(foreign.id);
    expect(body.error.details.map((d) => d.path)).toEqual(["eventIds.0", "eventIds.1"]);
    expect(
      (await call("POST", "/v1/endpoints/ep_missing/replay", { token: workspace.apiKey, json: { since: new Date().toISOString() } }))
        .status,
    ).toBe(404);
  });

  it("re-sends a delivered event by id, and by time only what failed", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const delivered = await storeEvent(workspace.id);
    const queue = new VirtualQueue();
    await queue.fanOut(workspace.id, [delivered.id]);
    await queue.drain(subscriber(queue, () => new Response("ok")).io);
    const since = new Date(Date.now() - HOUR).toISOString();
    expect(
      await json(await call("POST", `/v1/endpoints/${endpoint.id}/replay`, { token: workspace.apiKey, json: { since } }), 202),
    ).toEqual({
      replayed: 0,
    });
    outbound = captureOutbound(endpoint.url);
    expect(
      await json(
        await call("POST", `/v1/endpoints/${endpoint.id}/replay`, { token: workspace.apiKey, json: { eventIds: [delivered.id] } }),
        202,
      ),
    ).toEqual({ replayed: 1 });
    await vi.waitFor(() => expect(outbound?.captured.map((c) => c.headers["webhook-id"])).toContain(delivered.id), { timeout: 5000 });
  });
});

describe("endpoint settings", () => {
  it("takes a rate limit and a concurrency, with defaults, within bounds", async () => {
    const workspace = await createWorkspace();
    const created = await json<{ id: string; rateLimitPerSecond: number; maxConcurrency: number }>(
      await call("POST", "/v1/endpoints", { token: workspace.apiKey, json: { url: "http://127.0.0.1:9999/x" } }),
      201,
    );
    expect(created).toMatchObject({ rateLimitPerSecond: 50, maxConcurrency: 20 });
    const patched = await json(
      await call("PATCH", `/v1/endpoints/${created.id}`, { token: workspace.apiKey, json: { rateLimitPerSecond: 5, maxConcurrency: 2 } }),
      200,
    );
    expect(patched).toMatchObject({ rateLimitPerSecond: 5, maxConcurrency: 2 });
    for (const bad of [{ rateLimitPerSecond: 0 }, { maxConcurrency: 101 }, { rateLimitPerSecond: 1.5 }]) {
      expect((await call("PATCH", `/v1/endpoints/${created.id}`, { token: workspace.apiKey, json: bad })).status).toBe(400);
    }
  });

  it("accepts operational event types as explicit subscriptions", async () => {
    const workspace = await createWorkspace();
    const created = await json<{ eventTypes: string[] }>(
      await call("POST", "/v1/endpoints", {
        token: workspace.apiKey,
        json: { url: "http://127.0.0.1:9999/ops", eventTypes: ["delivery.exhausted", "delivery.replayed", "endpoint.disabled"] },
      }),
      201,
    );
    expect(created.eventTypes).toEqual(["delivery.exhausted", "delivery.replayed", "endpoint.disabled"]);
  });
});

describe("SSRF guard at creation", () => {
  /** The worker as deployed: private endpoints not allowed. */
  async function strictCall(method: string, path: string, apiKey: string, body: unknown) {
    const request = new Request(`https://gateway.test${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return worker.fetch(request, { ...env, ALLOW_PRIVATE_ENDPOINTS: "false" }, createExecutionContext());
  }

  it.each([
    "http://hooks.example.com/",
    "https://127.0.0.1/",
    "https://2130706433/",
    "https://0x7f.1/",
    "https://0177.0.0.1/",
    "https://127.1/",
    "https://10.0.0.8/",
    "https://172.31.255.255/",
    "https://192.168.0.10/",
    "https://100.100.100.200/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:a9fe:a9fe]/",
    "https://[fd00:ec2::254]/",
    "https://[fe80::1]/",
    "https://localhost/",
    "https://localhost./",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://127.0.0.1.nip.io/",
    "https://intranet/",
  ])("refuses %s with a 422 that names the field", async (url) => {
    const workspace = await createWorkspace();
    const response = await strictCall("POST", "/v1/endpoints", workspace.apiKey, { url });
    const body = await json<{ error: { code: string; message: string; details: { path: string }[] } }>(response, 422);
    expect(body.error.code).toBe("unprocessable");
    expect(body.error.message).toMatch(/^url /);
    expect(body.error.details[0]?.path).toBe("url");
  });

  it("accepts a public https URL, and refuses a private one in PATCH too", async () => {
    const workspace = await createWorkspace();
    const created = await json<{ id: string; url: string }>(
      await strictCall("POST", "/v1/endpoints", workspace.apiKey, { url: "https://hooks.example.com/switchboard" }),
      201,
    );
    expect(created.url).toBe("https://hooks.example.com/switchboard");
    expect((await strictCall("PATCH", `/v1/endpoints/${created.id}`, workspace.apiKey, { url: "https://[::1]:8443/" })).status).toBe(422);
  });
});
