import { describe, expect, it } from "vitest";
import { MAX_EVENT_BYTES, oversizeReason, truncateResponseBody } from "../../../src/deliver/limits.ts";
import { ROTATION_OVERLAP_MS, secretsInForce } from "../../../src/deliver/rotation.ts";

const encode = (text: string) => new TextEncoder().encode(text);

describe("size limits", () => {
  it("refuses an event body over 256 KiB in UTF-8 bytes, saying so", () => {
    expect(oversizeReason("x".repeat(MAX_EVENT_BYTES))).toBeNull();
    expect(oversizeReason("x".repeat(MAX_EVENT_BYTES + 1))).toBe("event is 262145 bytes; the limit is 262144 (256 KiB)");
    // 100 000 Thai characters are 300 000 bytes.
    expect(oversizeReason("ก".repeat(100_000))).toMatch(/^event is 300000 bytes/);
  });

  it("keeps the first KiB of a response body without splitting a character", () => {
    expect(truncateResponseBody(encode("short"))).toBe("short");
    expect(truncateResponseBody(encode("a".repeat(2000)))).toBe("a".repeat(1024));
    expect(truncateResponseBody(encode(`${"a".repeat(1023)}é`))).toBe("a".repeat(1023));
  });
});

describe("secret rotation", () => {
  const endpoint = { secretSealed: "new", previousSecretSealed: "old", previousSecretExpiresAt: 1_000_000 };

  it("signs with the new and the previous secret until the previous one expires", () => {
    expect(secretsInForce(endpoint, 1_000_000 - 1)).toEqual(["new", "old"]);
    expect(secretsInForce(endpoint, 1_000_000)).toEqual(["new"]);
    expect(secretsInForce({ ...endpoint, previousSecretSealed: null, previousSecretExpiresAt: null }, 0)).toEqual(["new"]);
  });

  it("overlaps for 24 hours", () => {
    expect(ROTATION_OVERLAP_MS).toBe(86_400_000);
  });
});
