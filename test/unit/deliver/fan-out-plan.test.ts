import { describe, expect, it } from "vitest";
import { endpointWants, planFanOut } from "../../../src/actions/fan-out.ts";
import type { EndpointRow } from "../../../src/storage/endpoints.ts";
import type { EventRow } from "../../../src/storage/events.ts";

const NOW = 1_000;

function endpoint(id: string, fields: Partial<EndpointRow> = {}): EndpointRow {
  return {
    id,
    workspaceId: "ws_1",
    url: "https://hooks.example.com/",
    eventTypes: "[]",
    description: null,
    enabled: true,
    secretSealed: "sealed",
    previousSecretSealed: null,
    previousSecretExpiresAt: null,
    rateLimitPerSecond: 50,
    maxConcurrency: 20,
    failingSince: null,
    disabledReason: null,
    disabledAt: null,
    createdAt: 0,
    updatedAt: 0,
    ...fields,
  };
}

function event(id: string, type = "message.received", payload = "{}"): EventRow {
  return { id, workspaceId: "ws_1", type, payload, createdAt: 0, fannedOutAt: null };
}

describe("fan-out plan", () => {
  it("gives every subscribed, enabled endpoint a pending delivery and a wake-up", () => {
    const plan = planFanOut(
      "ws_1",
      [event("evt_1")],
      [endpoint("ep_all"), endpoint("ep_orders", { eventTypes: '["order.updated"]' })],
      NOW,
    );
    expect(plan.wakeUps).toEqual([{ v: 1, kind: "event", workspaceId: "ws_1", eventId: "evt_1", endpointId: "ep_all" }]);
    expect(plan.rows).toMatchObject([{ endpointId: "ep_all", eventId: "evt_1", status: "pending", nextAttemptAt: NOW }]);
  });

  it("holds events for a disabled endpoint instead of dropping them", () => {
    const plan = planFanOut("ws_1", [event("evt_1")], [endpoint("ep_off", { enabled: false })], NOW);
    expect(plan.wakeUps).toEqual([]);
    expect(plan.rows).toMatchObject([{ endpointId: "ep_off", status: "held", reason: "endpoint_disabled" }]);
  });

  it("never enqueues an event over the size limit, and records why", () => {
    const plan = planFanOut("ws_1", [event("evt_big", "order.updated", "x".repeat(300_000))], [endpoint("ep_all")], NOW);
    expect(plan.wakeUps).toEqual([]);
    expect(plan.rows).toMatchObject([{ status: "failed", reason: "too_large", lastError: expect.stringContaining("300000 bytes") }]);
    expect(plan.refused).toHaveLength(1);
  });

  it("sends operational events only to endpoints that name them", () => {
    expect(endpointWants({ eventTypes: "[]" }, "message.received")).toBe(true);
    expect(endpointWants({ eventTypes: "[]" }, "delivery.exhausted")).toBe(false);
    expect(endpointWants({ eventTypes: '["delivery.exhausted"]' }, "delivery.exhausted")).toBe(true);
    expect(endpointWants({ eventTypes: '["delivery.exhausted"]' }, "message.received")).toBe(false);
  });
});
