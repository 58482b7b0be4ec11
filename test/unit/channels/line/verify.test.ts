import { createHmac } from "node:crypto";
import { validateSignature } from "@line/bot-sdk";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { line } from "../../../../src/channels/line/index.ts";
import type { RawDelivery } from "../../../../src/channels/types.ts";
import { utf8 } from "../../../../src/lib/encoding.ts";
import { LINE_TEST_CHANNEL, type LineFixtureName, lineFixtures } from "../../../fixtures/line/index.ts";
import { signLine } from "../../../fixtures/line/kit.ts";
import { rawDelivery } from "../../../helpers/delivery.ts";

/** The published vectors (shared SIGNING.md): exact bytes, Base64 HMAC-SHA256 with the test secret. */
const VECTORS: [LineFixtureName, number, string][] = [
  ["batched", 1517, "wKm78WUu32k6LqoATP8LdxWTrVdxT+/i5eCfrID9gNE="],
  ["follow", 505, "lqpgiM+w+vJ6kK3nav7MBlJg8t0X17RDZ8Jwuzmkv4I="],
  ["image-message", 660, "RQbhsTeoYcP6Gnpjb6L+DFW+067K5N44ANhBwlDTEBI="],
  ["postback", 523, "xHszFFHxXG78YIH3UJZhaJFXjHit0O87chhZtTv4E0M="],
  ["text-message-redelivered", 654, "7lW1rBEVxtwwUGBtwpF4N9tMS2N3XI9zkcBMLykaXxA="],
  ["text-message", 655, "nm6i7gQ20LbhqS3M06sGbAQ6s6pFZkPjDBANG1hzqwo="],
  ["unfollow", 395, "k83gyJShxRhE4rwKh9s4kfqtSSDaOnZ9uMbrQI0VADI="],
  ["verify-empty-events", 72, "tOrYDJaI8BArJsp/DJgZsPXCqZh3Jq3AgPHimKK0QTc="],
];

const SECRET = LINE_TEST_CHANNEL.channelSecret;
const body = lineFixtures["text-message"];
const good = "nm6i7gQ20LbhqS3M06sGbAQ6s6pFZkPjDBANG1hzqwo=";

function delivery(bytes: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>): RawDelivery {
  return rawDelivery("line", bytes, headers);
}

describe("LINE signature", () => {
  it.each(VECTORS)("accepts the published vector for %s", async (name, bytes, expected) => {
    const fixture = lineFixtures[name];
    expect(utf8(fixture).length).toBe(bytes);
    expect(signLine(SECRET, fixture)).toBe(expected);
    expect(await line.verify(delivery(fixture, { "x-line-signature": expected }), LINE_TEST_CHANNEL)).toEqual({ kind: "accept" });
  });

  it("rejects the original header over the body with one trailing newline (the negative vector)", async () => {
    const extended = `${body}\n`;
    expect(signLine(SECRET, extended)).toBe("YZsnvuwere1K+65EKJPgH9KyMEAluLhCNSaTbmPNnvs=");
    const verdict = await line.verify(delivery(extended, { "x-line-signature": good }), LINE_TEST_CHANNEL);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("reads the header whatever its case, and tolerates surrounding space", async () => {
    const verdict = await line.verify(delivery(body, { "X-Line-Signature": ` ${good} ` }), LINE_TEST_CHANNEL);
    expect(verdict).toEqual({ kind: "accept" });
  });

  it("rejects a body changed after signing", async () => {
    const tampered = body.replace("A1001", "A1002");
    const verdict = await line.verify(delivery(tampered, { "x-line-signature": good }), LINE_TEST_CHANNEL);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("rejects a signature made with another secret", async () => {
    const verdict = await line.verify(delivery(body, { "x-line-signature": good }), {
      ...LINE_TEST_CHANNEL,
      channelSecret: "7a1c0f3e9b2d4c5a8e6f0b1d2c3a4e5e",
    });
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("uses the secret as text, not as the bytes its hex would decode to", async () => {
    const header = createHmac("sha256", Buffer.from(SECRET, "hex")).update(body).digest("base64");
    expect(await line.verify(delivery(body, { "x-line-signature": header }), LINE_TEST_CHANNEL)).toMatchObject({ kind: "reject" });
  });

  it.each([
    ["missing", {}],
    ["empty", { "x-line-signature": "" }],
    ["not Base64", { "x-line-signature": "not base64!" }],
    ["truncated", { "x-line-signature": good.slice(0, 40) }],
    ["hex instead of Base64", { "x-line-signature": Buffer.from(good, "base64").toString("hex") }],
    ["prefixed like Meta's", { "x-line-signature": `sha256=${good}` }],
  ])("rejects a %s x-line-signature", async (_label, headers) => {
    expect(await line.verify(delivery(body, headers), LINE_TEST_CHANNEL)).toMatchObject({ kind: "reject", status: 401 });
  });

  it("fails closed when the channel has no secret", async () => {
    const verdict = await line.verify(delivery(body, { "x-line-signature": good }), { ...LINE_TEST_CHANNEL, channelSecret: "" });
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "channel has no channel secret" });
  });

  it("accepts a signed body that is not JSON, to dead-letter it downstream", async () => {
    const junk = "not json at all";
    expect(await line.verify(delivery(junk, { "x-line-signature": signLine(SECRET, junk) }), LINE_TEST_CHANNEL)).toEqual({
      kind: "accept",
    });
  });

  it("accepts the console's Verify request (events: []) like any signed delivery", async () => {
    const verify = lineFixtures["verify-empty-events"];
    const verdict = await line.verify(delivery(verify, { "x-line-signature": signLine(SECRET, verify) }), LINE_TEST_CHANNEL);
    expect(verdict).toEqual({ kind: "accept" });
  });

  it("has no GET handshake: intake answers 405", () => {
    expect(line.handshake).toBeUndefined();
  });
});

describe("LINE signature, cross-checked with the official @line/bot-sdk", () => {
  it.each(VECTORS)("the SDK's validateSignature accepts the vector for %s", (name, _bytes, expected) => {
    expect(validateSignature(lineFixtures[name], SECRET, expected)).toBe(true);
  });

  it("the SDK rejects the original header over the body with a trailing newline", () => {
    expect(validateSignature(`${body}\n`, SECRET, good)).toBe(false);
  });

  it("the test kit signs every fixture as the SDK validates it", () => {
    for (const fixture of Object.values(lineFixtures)) {
      expect(validateSignature(fixture, SECRET, signLine(SECRET, fixture))).toBe(true);
    }
  });

  it("the kit's signer and the SDK agree on arbitrary bodies and secrets", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ minLength: 1, maxLength: 64 }), (text, secret) => {
        expect(validateSignature(text, secret, signLine(secret, text))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("the adapter's verdict matches the SDK's on arbitrary bytes, signed or then altered", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), fc.nat(), fc.boolean(), async (signed, position, alter) => {
        const header = signLine(SECRET, signed);
        const received = new Uint8Array(signed);
        const index = position % Math.max(received.length, 1);
        if (alter && received.length > 0) received[index] = (received[index] ?? 0) ^ 1;
        const sdk = validateSignature(Buffer.from(received), SECRET, header);
        const verdict = await line.verify(delivery(received, { "x-line-signature": header }), LINE_TEST_CHANNEL);
        expect(verdict.kind).toBe(sdk ? "accept" : "reject");
      }),
      { numRuns: 200 },
    );
  });
});
