import { describe, expect, it } from "vitest";
import { HEALTHY, healthChange, isDueForRefresh, REFRESH_AHEAD_MS } from "../../../src/channels/health.ts";

const NOW = Date.parse("2026-12-07T20:00:00Z");

describe("channel health", () => {
  it("refreshes a token within an hour of its expiry, or past it; never one whose expiry is unknown", () => {
    expect(isDueForRefresh(NOW + REFRESH_AHEAD_MS + 1, NOW)).toBe(false);
    expect(isDueForRefresh(NOW + REFRESH_AHEAD_MS, NOW)).toBe(true);
    expect(isDueForRefresh(NOW - 1, NOW)).toBe(true);
    expect(isDueForRefresh(null, NOW)).toBe(false);
  });

  it("announces a change of status, writes a change of reason silently, and ignores no change", () => {
    const attention = { status: "needs_attention" as const, statusReason: "a" };
    expect(healthChange(HEALTHY, attention)).toEqual({ health: attention, announce: true });
    expect(healthChange(attention, { ...attention, statusReason: "b" })).toEqual({
      health: { status: "needs_attention", statusReason: "b" },
      announce: false,
    });
    expect(healthChange(attention, { ...attention })).toBeNull();
  });
});
