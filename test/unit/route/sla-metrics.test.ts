import { describe, expect, it } from "vitest";
import { type ClockFacts, slaByChannel } from "../../../src/route/sla-metrics.ts";

const row = (channelId: string, startedAt: number, stoppedAfter: number | null, breached = false): ClockFacts => ({
  channelId,
  clock: "first_response",
  startedAt,
  deadline: startedAt + 60_000,
  stoppedAt: stoppedAfter === null ? null : startedAt + stoppedAfter,
  breachedAt: breached ? startedAt + 60_000 : null,
});

describe("SLA metrics", () => {
  it("counts answered, inside the window, percentiles and open breaches per channel", () => {
    const rows = [
      row("ch_a", 0, 1_000),
      row("ch_a", 0, 2_000),
      row("ch_a", 0, 90_000, true),
      row("ch_b", 0, null, true),
      row("ch_b", 0, null),
      { ...row("ch_b", 0, 5_000), clock: "agent_response" as const },
    ];
    const { overall, channels } = slaByChannel(rows);
    expect(overall).toEqual({
      inbound: 5,
      answered: 3,
      answeredInsideWindow: 2,
      insideWindowRate: 0.4,
      p50FirstResponseSeconds: 2,
      p90FirstResponseSeconds: 90,
      openBreaches: 1,
    });
    expect(channels.map((c) => [c.channelId, c.inbound, c.answered, c.openBreaches])).toEqual([
      ["ch_a", 3, 3, 0],
      ["ch_b", 2, 0, 1],
    ]);
  });

  it("says null, not zero, when there is nothing to measure", () => {
    expect(slaByChannel([]).overall).toMatchObject({ inbound: 0, insideWindowRate: null, p50FirstResponseSeconds: null });
  });
});
