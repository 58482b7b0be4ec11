import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import { consumeDeliveries, type DeliveryIo } from "../../src/consumers/deliveries.ts";
import worker from "../../src/index.ts";
import { attemptsOf, deliveryRow, eventsOfType, storeEvent, VirtualQueue, workspaceWithEndpoint } from "./deliveries-kit.ts";
import { call, count, json } from "./helpers.ts";

/** A stored event and an endpoint to deliver it to. */
async function scenario() {
  const { workspace, endpoint } = await workspaceWithEndpoint();
  const { id: eventId, payload } = await storeEvent(workspace.id);
  const body = { v: 1, kind: "event", workspaceId: workspace.id, eventId, endpointId: endpoint.id };
  return { workspace, endpoint, eventId, payload, body };
}

function io(answer: (request: Request) => Promise<Response> | Response): DeliveryIo & { requests: Request[] } {
  const requests: Request[] = [];
  return {
    requests,
    now: () => Date.now(),
    random: () => 0.5,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      requests.push(request.clone());
      return answer(request);
    },
  };
}

async function runBatch(body: unknown, fake: DeliveryIo, consumerEnv: Env = env) {
  const batch = createMessageBatch(env.DELIVERIES_QUEUE_NAME, [{ id: "m1", timestamp: new Date(), attempts: 1, body }]);
  const ctx = createExecutionContext();
  await consumeDeliveries(batch, consumerEnv, fake);
  return getQueueResult(batch, ctx);
}

describe("delivery attempts", () => {
  it("acks a 2xx and records a succeeded attempt the standardwebhooks library verifies", async () => {
    const { workspace, endpoint, eventId, payload, body } = await scenario();
    const fake = io(() => new Response("thanks", { status: 200 }));
    const result = await runBatch(body, fake);
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(result.retryMessages).toEqual([]);
    const request = fake.requests[0];
    if (!request) throw new Error("no request made");
    expect(request.redirect).toBe("manual");
    expect(new Webhook(endpoint.secret).verify(await request.text(), Object.fromEntries(request.headers))).toEqual(JSON.parse(payload));

    const attempts = await json<{ data: Record<string, unknown>[] }>(
      await call("GET", `/v1/endpoints/${endpoint.id}/attempts`, { token: workspace.apiKey }),
      200,
    );
    expect(attempts.data).toEqual([
      {
        id: expect.stringMatching(/^att_/),
        eventId,
        attempt: 1,
        status: "succeeded",
        responseStatus: 200,
        responseBody: "thanks",
        durationMs: expect.any(Number),
        error: null,
        createdAt: expect.any(String),
      },
    ]);
    expect(await deliveryRow(endpoint.id, eventId)).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("never sends with an endpoint secret copied from another endpoint's row, and records why", async () => {
    const { endpoint, eventId, body } = await scenario();
    const other = await workspaceWithEndpoint();
    await env.DB.prepare("UPDATE endpoints SET secret_sealed = (SELECT secret_sealed FROM endpoints WHERE id = ?) WHERE id = ?")
      .bind(other.endpoint.id, endpoint.id)
      .run();
    const fake = io(() => new Response("thanks", { status: 200 }));
    const result = await runBatch(body, fake);
    expect(fake.requests).toHaveLength(0);
    expect(result.retryMessages).toHaveLength(1);
    const attempts = await attemptsOf(endpoint.id, eventId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: "failed", response_status: null });
    expect(String(attempts[0]?.error)).toContain(`endpoint:${endpoint.id}:secret does not open`);
    expect(String(attempts[0]?.error)).not.toContain(other.endpoint.secret);
  });

  it("delivers with the new secret alone after a rotation away from one that does not open", async () => {
    const { workspace, endpoint, payload, body } = await scenario();
    const other = await workspaceWithEndpoint();
    await env.DB.prepare("UPDATE endpoints SET secret_sealed = (SELECT secret_sealed FROM endpoints WHERE id = ?) WHERE id = ?")
      .bind(other.endpoint.id, endpoint.id)
      .run();
    const rotated = await json<{ secret: string }>(
      await call("POST", `/v1/endpoints/${endpoint.id}/rotate-secret`, { token: workspace.apiKey }),
      200,
    );
    const fake = io(() => new Response("thanks", { status: 200 }));
    expect((await runBatch(body, fake)).explicitAcks).toEqual(["m1"]);
    const request = fake.requests[0];
    if (!request) throw new Error("no request made");
    const headers = Object.fromEntries(request.headers);
    expect(headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(new Webhook(rotated.secret).verify(await request.text(), headers)).toEqual(JSON.parse(payload));
  });

  it.each([500, 302, 400, 429])("retries an HTTP %i and records it as failed", async (status) => {
    const { endpoint, eventId, body } = await scenario();
    const result = await runBatch(
      body,
      io(() => new Response("nope", { status, headers: status === 302 ? { location: "https://elsewhere.example" } : {} })),
    );
    expect(result.retryMessages).toEqual([{ msgId: "m1" }]);
    expect(await attemptsOf(endpoint.id, eventId)).toEqual([
      { attempt: 1, status: "failed", response_status: status, error: `HTTP ${status}`, response_body: "nope" },
    ]);
    expect(await deliveryRow(endpoint.id, eventId)).toMatchObject({ status: "pending", attempts: 1 });
  });

  it("keeps only the first KiB of the subscriber's answer, never splitting a character", async () => {
    const { endpoint, eventId, body } = await scenario();
    await runBatch(
      body,
      io(() => new Response(`${"a".repeat(1023)}é and much more`, { status: 500 })),
    );
    const [attempt] = await attemptsOf(endpoint.id, eventId);
    expect(attempt?.response_body).toBe("a".repeat(1023));
  });

  it("retries when the subscriber cannot be reached, recording the error", async () => {
    const { endpoint, eventId, body } = await scenario();
    const result = await runBatch(
      body,
      io(() => Promise.reject(new TypeError("connection refused"))),
    );
    expect(result.retryMessages).toHaveLength(1);
    expect(await attemptsOf(endpoint.id, eventId)).toEqual([
      { attempt: 1, status: "failed", response_status: null, error: "connection refused", response_body: null },
    ]);
  });

  it("disables the endpoint on 410 Gone and reports it as endpoint.disabled", async () => {
    const { workspace, endpoint, eventId, body } = await scenario();
    const result = await runBatch(
      body,
      io(() => new Response(null, { status: 410 })),
    );
    expect(result.explicitAcks).toEqual(["m1"]);
    const read = await json<{ enabled: boolean; disabledReason: string }>(
      await call("GET", `/v1/endpoints/${endpoint.id}`, { token: workspace.apiKey }),
      200,
    );
    expect(read).toMatchObject({ enabled: false, disabledReason: "gone" });
    expect(await deliveryRow(endpoint.id, eventId)).toMatchObject({ status: "failed", reason: "gone" });
    const [disabled] = await eventsOfType(workspace.id, "endpoint.disabled");
    expect(disabled?.data).toMatchObject({ workspaceId: workspace.id, endpoint: { id: endpoint.id }, reason: "gone" });
  });

  it("checks the URL again at delivery time and refuses one that is no longer allowed", async () => {
    // Created while private endpoints were allowed (the test default); the deployment no longer allows them.
    const { endpoint, eventId, body } = await scenario();
    const fake = io(() => new Response("ok"));
    const result = await runBatch(body, fake, { ...env, ALLOW_PRIVATE_ENDPOINTS: "false" });
    expect(fake.requests).toHaveLength(0);
    expect(result.retryMessages).toHaveLength(1);
    const [attempt] = await attemptsOf(endpoint.id, eventId);
    expect(attempt).toMatchObject({
      status: "failed",
      response_status: null,
      error: expect.stringMatching(/^url refused: must use https/),
    });
  });

  it("never POSTs an event over the size limit, and records why", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const big = await storeEvent(workspace.id, { data: { workspaceId: workspace.id, blob: "x".repeat(300 * 1024) } });
    const queue = new VirtualQueue();
    expect(await queue.fanOut(workspace.id, [big.id])).toBe(0);
    expect(queue.messages).toHaveLength(0);
    const row = await deliveryRow(endpoint.id, big.id);
    expect(row).toMatchObject({
      status: "failed",
      reason: "too_large",
      last_error: expect.stringContaining("the limit is 262144 (256 KiB)"),
    });
    const failed = await json<{ data: { eventId: string; reason: string }[] }>(
      await call("GET", `/v1/endpoints/${endpoint.id}/failed-events`, { token: workspace.apiKey }),
      200,
    );
    expect(failed.data).toMatchObject([{ eventId: big.id, status: "failed", reason: "too_large" }]);
  });

  it("dead-letters a malformed queue message instead of retrying it forever", async () => {
    const result = await runBatch(
      { nonsense: true },
      io(() => new Response("ok")),
    );
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(await count("SELECT count(*) n FROM dead_letters WHERE queue = 'deliveries'")).toBe(1);
  });

  it("routes each queue's batches to its consumer through the worker's queue handler", async () => {
    const batch = createMessageBatch(env.INBOUND_DLQ_NAME, [
      { id: "dlq1", timestamp: new Date(), attempts: 1, body: { v: 1, workspaceId: "ws_x", channelId: "ch_x" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dlq1"]);
    expect(await count("SELECT count(*) n FROM dead_letters WHERE channel_id = 'ch_x' AND queue = 'inbound'")).toBe(1);
  });

  it("never acks a dead letter it could not record: retries it alone, later each time", async () => {
    const unavailable = () => {
      throw new Error("D1_ERROR: database unavailable");
    };
    const brokenDb = { prepare: unavailable, batch: unavailable, exec: unavailable } as unknown as D1Database;
    const batch = createMessageBatch(env.INBOUND_DLQ_NAME, [
      { id: "lost1", timestamp: new Date(), attempts: 3, body: { v: 1, workspaceId: "ws_z", channelId: "ch_z" } },
    ]);
    // getQueueResult does not report a retry's delay: read it off the call.
    const retry = vi.spyOn(batch.messages[0] as Message<unknown>, "retry");
    const ctx = createExecutionContext();
    await worker.queue(batch, { ...env, DB: brokenDb } as Env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: "lost1" }]);
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 240 });
    expect(await count("SELECT count(*) n FROM dead_letters WHERE channel_id = 'ch_z'")).toBe(0);
  });

  it("dispatches by the environment's queue names, and never acks a queue it does not know", async () => {
    const renamed = { ...env, INBOUND_DLQ_NAME: "eu-inbound-dlq" } as unknown as Env;
    const known = createMessageBatch("eu-inbound-dlq", [
      { id: "dlq2", timestamp: new Date(), attempts: 1, body: { v: 1, workspaceId: "ws_y", channelId: "ch_y" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(known, renamed, ctx);
    expect((await getQueueResult(known, ctx)).explicitAcks).toEqual(["dlq2"]);
    expect(await count("SELECT count(*) n FROM dead_letters WHERE channel_id = 'ch_y' AND queue = 'inbound'")).toBe(1);

    const stale = createMessageBatch(env.INBOUND_DLQ_NAME, [{ id: "dlq3", timestamp: new Date(), attempts: 1, body: {} }]);
    const staleCtx = createExecutionContext();
    await worker.queue(stale, renamed, staleCtx);
    const result = await getQueueResult(stale, staleCtx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryBatch.retry).toBe(true);
  });
});
