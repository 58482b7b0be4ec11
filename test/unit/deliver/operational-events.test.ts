import { describe, expect, it } from "vitest";
import { deliveryExhausted, deliveryReplayed, endpointDisabled, OPERATIONAL_EVENT_TYPES } from "../../../src/deliver/operational-events.ts";
import { EventSchema } from "../../../src/events/schema.ts";

const endpoint = { id: "ep_1", url: "https://hooks.example.com/" };
const AT = Date.parse("2026-11-26T01:02:03.456Z");

describe("operational events", () => {
  it("lists their types", () => {
    expect(OPERATIONAL_EVENT_TYPES).toEqual(["delivery.exhausted", "delivery.replayed", "endpoint.disabled"]);
  });

  it("builds envelopes their strict schemas accept", async () => {
    const exhausted = await deliveryExhausted(
      {
        workspaceId: "ws_1",
        endpoint,
        event: { id: "evt_1", type: "message.received" },
        reason: "exhausted",
        attempts: 8,
        lastAttempt: { at: new Date(AT).toISOString(), responseStatus: 500, error: "HTTP 500" },
      },
      0,
      AT,
    );
    const replayed = deliveryReplayed({ workspaceId: "ws_1", endpoint, eventIds: ["evt_1"], since: null }, AT);
    const disabled = await endpointDisabled(
      { workspaceId: "ws_1", endpoint, reason: "gone", failingSince: null, disabledAt: new Date(AT).toISOString() },
      "1",
      AT,
    );
    for (const event of [exhausted, replayed, disabled]) expect(EventSchema.parse(event)).toEqual(event);
    expect(exhausted.timestamp).toBe("2026-11-26T01:02:03.456Z");
  });

  it("gives one exhaustion of one run the same id, and a replayed run a new one", async () => {
    const data = {
      workspaceId: "ws_1",
      endpoint,
      event: { id: "evt_1", type: "x" },
      reason: "exhausted" as const,
      attempts: 8,
      lastAttempt: null,
    };
    expect((await deliveryExhausted(data, 0, AT)).id).toBe((await deliveryExhausted(data, 0, AT + 5)).id);
    expect((await deliveryExhausted(data, 1, AT)).id).not.toBe((await deliveryExhausted(data, 0, AT)).id);
  });

  it("refuses a stray field", () => {
    const replayed = deliveryReplayed({ workspaceId: "ws_1", endpoint, eventIds: [], since: null }, AT);
    expect(EventSchema.safeParse({ ...replayed, data: { ...replayed.data, extra: 1 } }).success).toBe(false);
  });
});
