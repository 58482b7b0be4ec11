import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { consumeDeliveries, type DeliveryIo } from "../../src/consumers/deliveries.ts";
import { QUEUES } from "../../src/consumers/messages.ts";
import worker from "../../src/index.ts";
import { call, count, createEndpoint, createWorkspace, json } from "./helpers.ts";

/** A stored event and an endpoint to deliver it to. */
async function scenario() {
  const workspace = await createWorkspace();
  const endpoint = await createEndpoint(workspace.apiKey);
  const eventId = "evt_test0000000000000000001";
  const payload = JSON.stringify({
    id: eventId,
    type: "order.updated",
    timestamp: new Date().toISOString(),
    data: { workspaceId: workspace.id },
  });
  await env.DB.prepare("INSERT INTO events (id, workspace_id, type, payload, created_at) VALUES (?, ?, 'order.updated', ?, ?)")
    .bind(eventId, workspace.id, payload, Date.now())
    .run();
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

async function runBatch(body: unknown, attempts: number, fake: DeliveryIo) {
  const batch = createMessageBatch(QUEUES.deliveries, [{ id: `m${attempts}`, timestamp: new Date(), attempts, body }]);
  const ctx = createExecutionContext();
  await consumeDeliveries(batch, env, fake);
  return getQueueResult(batch, ctx);
}

describe("delivery attempts", () => {
  it("acks a 2xx and records a succeeded attempt the standardwebhooks library verifies", async () => {
    const { workspace, endpoint, eventId, payload, body } = await scenario();
    const fake = io(() => new Response(null, { status: 204 }));
    const result = await runBatch(body, 1, fake);
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
        responseStatus: 204,
        durationMs: expect.any(Number),
        error: null,
        createdAt: expect.any(String),
      },
    ]);
  });

  it.each([
    [500, 1],
    [302, 2],
    [400, 3],
  ])("retries an HTTP %i (attempt %i) and records it as failed", async (status, attempt) => {
    const { endpoint, body } = await scenario();
    const result = await runBatch(
      body,
      attempt,
      io(() => new Response("nope", { status, headers: status === 302 ? { location: "https://elsewhere.example" } : {} })),
    );
    expect(result.retryMessages).toEqual([{ msgId: `m${attempt}` }]);
    expect(
      await count(
        "SELECT count(*) n FROM delivery_attempts WHERE endpoint_id = ? AND status = 'failed' AND response_status = ?",
        endpoint.id,
        status,
      ),
    ).toBe(1);
  });

  it("retries when the subscriber cannot be reached, recording the error", async () => {
    const { endpoint, body } = await scenario();
    const result = await runBatch(
      body,
      1,
      io(() => Promise.reject(new TypeError("connection refused"))),
    );
    expect(result.retryMessages).toHaveLength(1);
    const row = await env.DB.prepare("SELECT error, response_status FROM delivery_attempts WHERE endpoint_id = ?")
      .bind(endpoint.id)
      .first();
    expect(row).toEqual({ error: "connection refused", response_status: null });
  });

  it("gives up after the 8th attempt, keeping every attempt and the event", async () => {
    const { endpoint, body, eventId } = await scenario();
    const result = await runBatch(
      body,
      8,
      io(() => new Response("down", { status: 503 })),
    );
    expect(result.explicitAcks).toEqual(["m8"]);
    expect(result.retryMessages).toEqual([]);
    expect(await count("SELECT count(*) n FROM delivery_attempts WHERE endpoint_id = ? AND attempt = 8", endpoint.id)).toBe(1);
    expect(await count("SELECT count(*) n FROM events WHERE id = ?", eventId)).toBe(1);
  });

  it("disables the endpoint on 410 Gone", async () => {
    const { workspace, endpoint, body } = await scenario();
    const result = await runBatch(
      body,
      1,
      io(() => new Response(null, { status: 410 })),
    );
    expect(result.explicitAcks).toEqual(["m1"]);
    const read = await json<{ enabled: boolean }>(await call("GET", `/v1/endpoints/${endpoint.id}`, { token: workspace.apiKey }), 200);
    expect(read.enabled).toBe(false);
  });

  it("keeps the same webhook-id on every attempt", async () => {
    const { body, eventId } = await scenario();
    const fake = io(() => new Response("busy", { status: 503 }));
    await runBatch(body, 1, fake);
    await runBatch(body, 2, fake);
    expect(fake.requests.map((r) => r.headers.get("webhook-id"))).toEqual([eventId, eventId]);
  });

  it("dead-letters a malformed queue message instead of retrying it forever", async () => {
    const result = await runBatch(
      { nonsense: true },
      1,
      io(() => new Response("ok")),
    );
    expect(result.explicitAcks).toEqual(["m1"]);
    expect(await count("SELECT count(*) n FROM dead_letters WHERE queue = 'deliveries'")).toBe(1);
  });

  it("routes each queue's batches to its consumer through the worker's queue handler", async () => {
    const batch = createMessageBatch(QUEUES.inboundDeadLetters, [
      { id: "dlq1", timestamp: new Date(), attempts: 1, body: { v: 1, workspaceId: "ws_x", channelId: "ch_x" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dlq1"]);
    expect(await count("SELECT count(*) n FROM dead_letters WHERE channel_id = 'ch_x' AND queue = 'inbound'")).toBe(1);
  });
});
