import { describe, expect, it } from "vitest";
import type { RawDelivery } from "../../../../src/channels/types.ts";
import { zalo } from "../../../../src/channels/zalo/index.ts";
import { MAX_ZALO_BODY_BYTES } from "../../../../src/channels/zalo/verify.ts";
import { utf8 } from "../../../../src/lib/encoding.ts";
import { ZALO_TEST_CHANNEL, type ZaloFixtureName, zaloFixtures } from "../../../fixtures/zalo/index.ts";
import { signZalo, signZaloBody } from "../../../fixtures/zalo/sign.ts";
import { rawDelivery } from "../../../helpers/delivery.ts";

/** The published vectors of the shared SIGNING.md (OA secret `Zf4keOaS3cretK3y01AbCd`). */
const VECTORS: [ZaloFixtureName, number, string][] = [
  ["follow", 251, "mac=88ce51995e7735951e2ddc97d3936aca5525dc37282f08ec426c3ff9c55d8dcd"],
  ["user-received-message", 315, "mac=7a0b813e8ef37717e5e3f9d3b07463887223d1f5e6348692918eec8d0087ce0d"],
  ["user-seen-message", 356, "mac=23c27611d27d712eefa94e929ffbcaaee4cb1d319ff596afd9e35643f8b0a1b8"],
  ["user-send-image", 604, "mac=066d9ba01ab40342eaad49343285e9b6d95404e780afd14b4c267e39c405ce50"],
  ["user-send-text", 380, "mac=c12106860bbd6c29699ded6f567bb3d8bfe769694eee0d3dbca0227d0dc3d3a7"],
];

function delivery(body: string, headers: Record<string, string>, receivedAt: number): RawDelivery {
  return rawDelivery("zalo", body, headers, { receivedAt });
}

function signedAt(body: string): number {
  return Number((JSON.parse(body) as { timestamp: string }).timestamp);
}

describe("Zalo signature", () => {
  it.each(VECTORS)("accepts the published vector for %s", async (name, bytes, expected) => {
    const body = zaloFixtures[name];
    expect(utf8(body).length).toBe(bytes);
    expect(signZaloBody(body, ZALO_TEST_CHANNEL.oaSecretKey)).toBe(expected);
    const verdict = await zalo.verify(delivery(body, { "x-zevent-signature": expected }, signedAt(body) + 1000), ZALO_TEST_CHANNEL);
    expect(verdict).toEqual({ kind: "accept" });
  });

  it("reproduces the worked example byte by byte: app_id, raw body, timestamp, secret", () => {
    const body = zaloFixtures["user-send-text"];
    expect(signZalo("1234567890123456789", body, "1717401600123", "Zf4keOaS3cretK3y01AbCd")).toBe(
      "mac=c12106860bbd6c29699ded6f567bb3d8bfe769694eee0d3dbca0227d0dc3d3a7",
    );
  });

  const body = zaloFixtures["user-send-text"];
  const good = "mac=c12106860bbd6c29699ded6f567bb3d8bfe769694eee0d3dbca0227d0dc3d3a7";
  const now = signedAt(body) + 60_000;

  it.each([
    ["without the mac= prefix", good.slice(4)],
    ["in uppercase hex with surrounding space", ` mac=${good.slice(4).toUpperCase()} `],
  ])("accepts a signature %s", async (_label, signature) => {
    const verdict = await zalo.verify(delivery(body, { "x-zevent-signature": signature }, now), ZALO_TEST_CHANNEL);
    expect(verdict.kind).toBe("accept");
  });

  it("rejects a body changed after signing (Vietnamese text, one letter)", async () => {
    const tampered = body.replace("đơn hàng", "đơn hang");
    const verdict = await zalo.verify(delivery(tampered, { "x-zevent-signature": good }, now), ZALO_TEST_CHANNEL);
    expect(verdict).toEqual({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("rejects a signature made with another OA secret key", async () => {
    const verdict = await zalo.verify(delivery(body, { "x-zevent-signature": good }, now), {
      ...ZALO_TEST_CHANNEL,
      oaSecretKey: "An0therOaS3cretK3y0000",
    });
    expect(verdict).toEqual({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("rejects an HMAC-SHA256 of the body, which a few community implementations expect", async () => {
    const { createHmac } = await import("node:crypto");
    const hmac = createHmac("sha256", ZALO_TEST_CHANNEL.oaSecretKey).update(body).digest("hex");
    const verdict = await zalo.verify(delivery(body, { "x-zevent-signature": `mac=${hmac}` }, now), ZALO_TEST_CHANNEL);
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("rejects a validly signed body of another app on the same OA secret", async () => {
    const otherApp = body.replace('"app_id": "1234567890123456789"', '"app_id": "1234567890123456780"');
    const signature = signZaloBody(otherApp, ZALO_TEST_CHANNEL.oaSecretKey);
    const verdict = await zalo.verify(delivery(otherApp, { "x-zevent-signature": signature }, now), ZALO_TEST_CHANNEL);
    expect(verdict).toEqual({ kind: "reject", status: 401, reason: "app_id is not this channel's app" });
  });

  it.each([
    ["missing", {}],
    ["empty", { "x-zevent-signature": "" }],
    ["not hex", { "x-zevent-signature": "mac=not-a-digest" }],
    ["truncated", { "x-zevent-signature": good.slice(0, -2) }],
    ["prefixed like Meta's", { "x-zevent-signature": `sha256=${good.slice(4)}` }],
  ])("rejects a %s X-ZEvent-Signature", async (_label, headers) => {
    const verdict = await zalo.verify(delivery(body, headers, now), ZALO_TEST_CHANNEL);
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("rejects every delivery when the channel has no OA secret key", async () => {
    const verdict = await zalo.verify(delivery(body, { "x-zevent-signature": good }, now), { ...ZALO_TEST_CHANNEL, oaSecretKey: "" });
    expect(verdict).toEqual({ kind: "reject", status: 401, reason: "channel has no OA secret key" });
  });

  it("rejects a body that is not JSON: the signed app_id and timestamp cannot be read", async () => {
    const junk = "not json at all";
    const signature = signZalo(ZALO_TEST_CHANNEL.appId, junk, "", ZALO_TEST_CHANNEL.oaSecretKey);
    const verdict = await zalo.verify(delivery(junk, { "x-zevent-signature": signature }, now), ZALO_TEST_CHANNEL);
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  describe("replay window on the signed timestamp (ms)", () => {
    const at = (offsetMs: number) => delivery(body, { "x-zevent-signature": good }, signedAt(body) + offsetMs);

    it("rejects one more than 72 hours old", async () => {
      expect(await zalo.verify(at(72 * 3600_000 + 1000), ZALO_TEST_CHANNEL)).toEqual({
        kind: "reject",
        status: 401,
        reason: "signed timestamp is stale",
      });
    });

    it("accepts one just inside 72 hours (Zalo retries for up to 12 hours)", async () => {
      expect(await zalo.verify(at(72 * 3600_000 - 1000), ZALO_TEST_CHANNEL)).toEqual({ kind: "accept" });
    });

    it("rejects one more than 5 minutes ahead", async () => {
      expect(await zalo.verify(at(-5 * 60_000 - 1000), ZALO_TEST_CHANNEL)).toEqual({
        kind: "reject",
        status: 401,
        reason: "signed timestamp is future",
      });
    });

    it("accepts one up to 5 minutes ahead (clock skew)", async () => {
      expect(await zalo.verify(at(-5 * 60_000 + 1000), ZALO_TEST_CHANNEL)).toEqual({ kind: "accept" });
    });
  });

  describe("the X-ZEvent-Timestamp header some implementations sign instead", () => {
    const headerless = JSON.stringify({
      app_id: ZALO_TEST_CHANNEL.appId,
      sender: { id: "8765432109876543210" },
      recipient: { id: "1122334455667788990" },
      event_name: "user_send_text",
      message: { msg_id: "a1b2c3d4e5f60718293a", text: "hi" },
    });
    const headerTimestamp = "1717401600123";
    const signature = signZalo(ZALO_TEST_CHANNEL.appId, headerless, headerTimestamp, ZALO_TEST_CHANNEL.oaSecretKey);

    it("verifies a body without timestamp against the header's", async () => {
      const headers = { "x-zevent-signature": signature, "x-zevent-timestamp": headerTimestamp };
      expect(await zalo.verify(delivery(headerless, headers, Number(headerTimestamp) + 1000), ZALO_TEST_CHANNEL)).toEqual({
        kind: "accept",
      });
    });

    it("applies the replay window to the header's timestamp when that is the one signed", async () => {
      const headers = { "x-zevent-signature": signature, "x-zevent-timestamp": headerTimestamp };
      const verdict = await zalo.verify(delivery(headerless, headers, Number(headerTimestamp) + 73 * 3600_000), ZALO_TEST_CHANNEL);
      expect(verdict).toMatchObject({ kind: "reject", reason: "signed timestamp is stale" });
    });

    it("still prefers the body's timestamp when both are present", async () => {
      const headers = { "x-zevent-signature": good, "x-zevent-timestamp": "1" };
      expect(await zalo.verify(delivery(body, headers, now), ZALO_TEST_CHANNEL)).toEqual({ kind: "accept" });
    });

    it("rejects a body with no timestamp anywhere", async () => {
      const verdict = await zalo.verify(delivery(headerless, { "x-zevent-signature": signature }, now), ZALO_TEST_CHANNEL);
      expect(verdict).toMatchObject({ kind: "reject", status: 401 });
    });
  });

  it("has no GET handshake: domain verification happens in Zalo's console", () => {
    expect(zalo.handshake).toBeUndefined();
  });
});

describe("Zalo body bound", () => {
  /** user-send-text padded to exactly `bytes` with a top-level field, signed as Zalo would. */
  function paddedTo(bytes: number): string {
    const fixture = zaloFixtures["user-send-text"];
    const body = `{"padding":"${"x".repeat(bytes - utf8(fixture).length - '"padding":"",'.length)}",${fixture.slice(1)}`;
    expect(utf8(body).length).toBe(bytes);
    return body;
  }

  it("verifies a signed body of exactly MAX_ZALO_BODY_BYTES, and refuses one byte more however it is signed", async () => {
    const at = paddedTo(MAX_ZALO_BODY_BYTES);
    const over = paddedTo(MAX_ZALO_BODY_BYTES + 1);
    const sign = (body: string) => ({ "x-zevent-signature": signZaloBody(body, ZALO_TEST_CHANNEL.oaSecretKey) });
    expect(await zalo.verify(delivery(at, sign(at), signedAt(at) + 1000), ZALO_TEST_CHANNEL)).toEqual({ kind: "accept" });
    expect(await zalo.verify(delivery(over, sign(over), signedAt(over) + 1000), ZALO_TEST_CHANNEL)).toMatchObject({
      kind: "reject",
      status: 401,
    });
  });
});
