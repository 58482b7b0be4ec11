import { describe, expect, it } from "vitest";
import { admit, deferralSeconds, EndpointWindow, LEASE_MS, MAX_DEFERRAL_SECONDS } from "../../../src/deliver/limiter.ts";

const limits = { rateLimitPerSecond: 3, maxConcurrency: 2 };
const T = 10_000;

describe("limiter rule", () => {
  it("admits while fewer than R requests started in the last second", () => {
    expect(admit({ recentStarts: [T - 999, T - 500], inFlightUntil: [] }, limits, T)).toEqual({ admitted: true });
    // A start exactly one second ago has left the window.
    expect(admit({ recentStarts: [T - 1000, T - 500, T - 100], inFlightUntil: [] }, limits, T)).toEqual({ admitted: true });
  });

  it("says how long until enough starts leave the window", () => {
    expect(admit({ recentStarts: [T - 100, T - 900, T - 500], inFlightUntil: [] }, limits, T)).toEqual({
      admitted: false,
      reason: "rate",
      retryInMs: 100,
    });
    expect(admit({ recentStarts: [T, T, T, T], inFlightUntil: [] }, limits, T)).toMatchObject({ reason: "rate", retryInMs: 1000 });
  });

  it("admits while fewer than C are in flight, ignoring lapsed leases", () => {
    expect(admit({ recentStarts: [], inFlightUntil: [T + 5, T + 9] }, limits, T)).toMatchObject({ admitted: false, reason: "concurrency" });
    expect(admit({ recentStarts: [], inFlightUntil: [T + 5, T - 1] }, limits, T)).toEqual({ admitted: true });
  });

  it("spreads a turned-away burst over the seconds it needs", () => {
    const denial = { admitted: false as const, reason: "rate" as const, retryInMs: 1000 };
    const delays = Array.from({ length: 12 }, (_, ordinal) => deferralSeconds(denial, ordinal, limits));
    expect(delays).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
    expect(deferralSeconds({ ...denial, retryInMs: 1 }, 0, limits)).toBe(1);
    expect(deferralSeconds(denial, 10_000, limits)).toBe(MAX_DEFERRAL_SECONDS);
  });
});

describe("an endpoint's window", () => {
  let n = 0;
  const newId = () => `lease_${++n}`;

  it("grants at most what both limits leave, oldest starts leaving the window first", () => {
    const window = new EndpointWindow();
    const limits = { rateLimitPerSecond: 3, maxConcurrency: 2 };
    const first = window.take(limits, 10_000, 3, newId);
    expect(first.leaseIds).toHaveLength(2);
    expect(first.denial).toMatchObject({ reason: "concurrency" });
    window.release(first.leaseIds);
    expect(window.take(limits, 10_100, 3, newId)).toMatchObject({
      leaseIds: [expect.any(String)],
      denial: { reason: "rate", retryInMs: 900 },
    });
    expect(window.take(limits, 11_000, 1, newId).leaseIds).toHaveLength(1);
  });

  it("lets a lease nobody released lapse", () => {
    const window = new EndpointWindow();
    const limits = { rateLimitPerSecond: 100, maxConcurrency: 1 };
    expect(window.take(limits, 0, 1, newId).leaseIds).toHaveLength(1);
    expect(window.take(limits, LEASE_MS - 1, 1, newId).leaseIds).toEqual([]);
    expect(window.take(limits, LEASE_MS, 1, newId).leaseIds).toHaveLength(1);
  });
});
