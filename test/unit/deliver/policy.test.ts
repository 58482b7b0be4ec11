import { describe, expect, it } from "vitest";
import {
  classifyResponse,
  disablement,
  hasFailedTooLong,
  MAX_ATTEMPTS,
  nextDelaySeconds,
  nextStep,
  parseRetryAfter,
  RETRY_DELAYS_SECONDS,
  retrySchedule,
} from "../../../src/deliver/policy.ts";

const NOW = Date.parse("2026-11-26T01:00:00Z");

describe("delivery policy", () => {
  it("makes 8 attempts over about 27.6 hours", () => {
    expect(MAX_ATTEMPTS).toBe(8);
    const total = RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0);
    expect(total / 3600).toBeCloseTo(27.6, 1);
  });

  it("waits the scheduled delay within ±10 % jitter, and stops after the 8th attempt", () => {
    expect(nextDelaySeconds(1, () => 0.5)).toBe(5);
    expect(nextDelaySeconds(2, () => 0)).toBe(270);
    expect(nextDelaySeconds(2, () => 1)).toBe(330);
    expect(nextDelaySeconds(7, () => 0.5)).toBe(36000);
    expect(nextDelaySeconds(8, () => 0.5)).toBeNull();
  });

  it("never asks the queue for more than its 12-hour maximum delay", () => {
    expect(nextDelaySeconds(7, () => 1)).toBeLessThanOrEqual(43200);
    expect(nextDelaySeconds(1, () => 0.5, 999_999)).toBe(43200);
  });

  it("honours a longer Retry-After", () => {
    expect(nextDelaySeconds(1, () => 0.5, 60)).toBe(60);
    expect(nextDelaySeconds(3, () => 0.5, 60)).toBe(1800);
  });

  it("follows a workspace's own schedule, and the default when it has none", () => {
    expect(retrySchedule(undefined)).toBe(RETRY_DELAYS_SECONDS);
    expect(retrySchedule([])).toBe(RETRY_DELAYS_SECONDS);
    expect(nextDelaySeconds(1, () => 0.5, undefined, [60, 120])).toBe(60);
    expect(nextDelaySeconds(3, () => 0.5, undefined, [60, 120])).toBeNull();
  });

  it.each([
    [200, "delivered"],
    [204, "delivered"],
    [299, "delivered"],
    [301, "retry"],
    [308, "retry"],
    [400, "retry"],
    [410, "gone"],
    [500, "retry"],
  ])("classifies HTTP %i as %s", (status, kind) => {
    expect(classifyResponse(status, null, NOW).kind).toBe(kind);
  });

  it("reads Retry-After on 429 and 503 only", () => {
    expect(classifyResponse(429, "120", NOW)).toEqual({ kind: "retry", retryAfterSeconds: 120 });
    expect(classifyResponse(503, "7", NOW)).toEqual({ kind: "retry", retryAfterSeconds: 7 });
    expect(classifyResponse(500, "7", NOW)).toEqual({ kind: "retry" });
  });

  it("reads Retry-After as seconds or as an HTTP date, and bounds it at 12 hours", () => {
    expect(parseRetryAfter("Thu, 26 Nov 2026 01:02:00 GMT", NOW)).toBe(120);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).toBe(0);
    expect(parseRetryAfter("86400000", NOW)).toBe(43200);
    expect(parseRetryAfter("-5", NOW)).toBeUndefined();
    expect(parseRetryAfter("soon", NOW)).toBeUndefined();
    expect(parseRetryAfter(null, NOW)).toBeUndefined();
  });

  it("turns an answer into the next step", () => {
    const random = () => 0.5;
    const schedule = RETRY_DELAYS_SECONDS;
    expect(nextStep({ responseStatus: 200, retryAfter: null }, 1, schedule, random, NOW)).toEqual({ kind: "succeeded" });
    expect(nextStep({ responseStatus: null, retryAfter: null }, 1, schedule, random, NOW)).toEqual({ kind: "retry", delaySeconds: 5 });
    expect(nextStep({ responseStatus: 429, retryAfter: "90" }, 1, schedule, random, NOW)).toEqual({ kind: "retry", delaySeconds: 90 });
    expect(nextStep({ responseStatus: 500, retryAfter: null }, 8, schedule, random, NOW)).toEqual({ kind: "exhausted" });
    expect(nextStep({ responseStatus: 410, retryAfter: null }, 8, schedule, random, NOW)).toEqual({ kind: "gone" });
  });

  it("disables an endpoint only once it has failed for the whole period", () => {
    const fiveDays = 5 * 24 * 3600;
    expect(hasFailedTooLong(NOW, NOW + fiveDays * 1000 - 1, fiveDays)).toBe(false);
    expect(hasFailedTooLong(NOW, NOW + fiveDays * 1000, fiveDays)).toBe(true);
  });

  it("disables at once on 410, after the failing period otherwise, never on success", () => {
    const hour = 3600;
    const retry = { kind: "retry" as const, delaySeconds: 5 };
    expect(disablement({ kind: "gone" }, null, NOW, hour)).toEqual({ reason: "gone" });
    expect(disablement(retry, null, NOW, hour)).toBeNull();
    expect(disablement(retry, NOW - hour * 1000, NOW, hour)).toEqual({ reason: "failing" });
    expect(disablement({ kind: "exhausted" }, NOW - hour * 1000 + 1, NOW, hour)).toBeNull();
    expect(disablement({ kind: "succeeded" }, NOW - 10 * hour * 1000, NOW, hour)).toBeNull();
  });
});
