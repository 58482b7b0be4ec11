import { describe, expect, it } from "vitest";
import { trafficBuckets } from "../../../src/route/traffic-metrics.ts";

const FROM = Date.parse("2026-11-26T10:00:00Z");

describe("trafficBuckets", () => {
  it("fills every bucket, empty ones too, and sorts replies by author", () => {
    const { totals, buckets } = trafficBuckets(
      [
        { bucket: 0, type: "message.received", author: null, n: 5 },
        { bucket: 0, type: "message.sent", author: "bot", n: 2 },
        { bucket: 2, type: "message.sent", author: "ai", n: 1 },
        { bucket: 2, type: "message.sent", author: "agent", n: 3 },
        { bucket: 2, type: "ticket.created", author: null, n: 4 },
      ],
      FROM,
      60_000,
      3,
    );
    expect(buckets.map((b) => b.start)).toEqual(["2026-11-26T10:00:00.000Z", "2026-11-26T10:01:00.000Z", "2026-11-26T10:02:00.000Z"]);
    expect(buckets[0]).toMatchObject({ inbound: 5, answeredAutomatically: 2, escalated: 0, agentReplies: 0 });
    expect(buckets[1]).toMatchObject({ inbound: 0, answeredAutomatically: 0, escalated: 0, agentReplies: 0 });
    expect(buckets[2]).toMatchObject({ inbound: 0, answeredAutomatically: 1, escalated: 4, agentReplies: 3 });
    expect(totals).toEqual({ inbound: 5, answeredAutomatically: 3, escalated: 4, agentReplies: 3 });
  });

  it("ignores a row outside the buckets rather than inventing one", () => {
    const { totals, buckets } = trafficBuckets([{ bucket: 7, type: "message.received", author: null, n: 1 }], FROM, 60_000, 2);
    expect(buckets).toHaveLength(2);
    expect(totals.inbound).toBe(0);
  });
});
