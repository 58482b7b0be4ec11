import { describe, expect, it } from "vitest";
import { classifyResponse, MAX_ATTEMPTS, nextDelaySeconds, parseRetryAfter, RETRY_DELAYS_SECONDS } from "../../../src/deliver/policy.ts";

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

  it.each([
    [200, "delivered"],
    [204, "delivered"],
    [299, "delivered"],
    [301, "retry"],
    [400, "retry"],
    [410, "gone"],
    [500, "retry"],
  ])("classifies HTTP %i as %s", (status, kind) => {
    expect(classifyResponse(status, null).kind).toBe(kind);
  });

  it("reads Retry-After on 429 and 503 only", () => {
    expect(classifyResponse(429, "120")).toEqual({ kind: "retry", retryAfterSeconds: 120 });
    expect(classifyResponse(503, "7")).toEqual({ kind: "retry", retryAfterSeconds: 7 });
    expect(classifyResponse(500, "7")).toEqual({ kind: "retry" });
  });

  it("ignores a Retry-After it cannot read", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).toBeUndefined();
    expect(parseRetryAfter("-5")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});
