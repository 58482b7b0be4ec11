import { describe, expect, it } from "vitest";
import {
  AUTHORIZATION_EXPIRES,
  HEALTHY,
  healthAfterRefresh,
  healthChange,
  isDueForRefresh,
  REFRESH_AHEAD_MS,
} from "../../../src/channels/health.ts";

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

  it("is active again after a refresh, unless the refresh token ends within 72 h or the shop's authorization was said to end", () => {
    const refused = { status: "needs_attention" as const, statusReason: "the platform refused the access token as unauthorized" };
    expect(healthAfterRefresh(refused, NOW + 30 * 86400_000, NOW)).toEqual(HEALTHY);
    expect(healthAfterRefresh(HEALTHY, null, NOW)).toEqual(HEALTHY);
    const soon = healthAfterRefresh(HEALTHY, NOW + 48 * 3600_000, NOW);
    expect(soon).toEqual({
      status: "needs_attention",
      statusReason: `${AUTHORIZATION_EXPIRES} at 2026-12-09T20:00:00.000Z; the seller must authorize the app again`,
    });
    const warned = { status: "needs_attention" as const, statusReason: `${AUTHORIZATION_EXPIRES} at 2027-01-06T20:00:00.000Z` };
    expect(healthAfterRefresh(warned, NOW + 300 * 86400_000, NOW)).toBe(warned);
  });
});
