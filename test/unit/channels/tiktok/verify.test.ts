import { describe, expect, it } from "vitest";
import { tiktok } from "../../../../src/channels/tiktok/index.ts";
import type { RawDelivery } from "../../../../src/channels/types.ts";
import { utf8 } from "../../../../src/lib/encoding.ts";
import { TIKTOK_TEST_APP, type TikTokFixtureName, tiktokFixtures } from "../../../fixtures/tiktok/index.ts";
import { rawDelivery } from "../../../helpers/delivery.ts";
import { signTikTok } from "../../../helpers/tiktok.ts";

/** Published vectors for the shared fixtures (app key + exact bytes, HMAC-SHA256, hex). */
const VECTORS: [TikTokFixtureName, number, string][] = [
  ["cancellation-status-change", 339, "7a83ce2ab1ef73f611449cdeefd423d589133fda09730db3fd7f9fd8fa35c0e2"],
  ["new-conversation", 220, "3c9cf0d2cdddaa638975c09529ba7b9878ff515358fb06edd247ea9b02d89f74"],
  ["new-message-image", 489, "e4c3c5f74e6eaa098f7b11f8404006957c52d40020065dca472d5f077ac74561"],
  ["new-message-text", 450, "fa8fedb3d10828b39b802295548c99bb29126ec441fd569c080ec90eb396f647"],
  ["order-status-update", 283, "28cb6d89f569b73ff62fa1b6f745d684846d52c8820a45c5c54850642c96fce1"],
  ["upcoming-authorization-expiration", 293, "4a33646249d11029119c9faf03735767874e8d525c189de60f9db82bdb5f207f"],
];

function delivery(body: string, headers: Record<string, string>, receivedAt: number): RawDelivery {
  return rawDelivery("tiktok", body, headers, { receivedAt });
}

function signedAt(body: string): number {
  return (JSON.parse(body) as { timestamp: number }).timestamp * 1000;
}

describe("TikTok Shop signature", () => {
  it.each(VECTORS)("accepts the published vector for %s", async (name, bytes, expected) => {
    const body = tiktokFixtures[name];
    expect(utf8(body).length).toBe(bytes);
    expect(signTikTok(TIKTOK_TEST_APP.appKey, TIKTOK_TEST_APP.appSecret, body)).toBe(expected);
    const verdict = await tiktok.verify(delivery(body, { authorization: expected }, signedAt(body) + 1000), TIKTOK_TEST_APP);
    expect(verdict).toEqual({ kind: "accept" });
  });

  const body = tiktokFixtures["new-message-text"];
  const good = "fa8fedb3d10828b39b802295548c99bb29126ec441fd569c080ec90eb396f647";
  const now = signedAt(body) + 60_000;

  it("accepts an uppercase hex signature with surrounding space", async () => {
    const verdict = await tiktok.verify(delivery(body, { authorization: ` ${good.toUpperCase()} ` }, now), TIKTOK_TEST_APP);
    expect(verdict.kind).toBe("accept");
  });

  it("rejects a body changed after signing", async () => {
    const tampered = body.replace("576700112233445566", "576700112233445567");
    const verdict = await tiktok.verify(delivery(tampered, { authorization: good }, now), TIKTOK_TEST_APP);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("rejects a signature made with another secret", async () => {
    const verdict = await tiktok.verify(delivery(body, { authorization: good }, now), { ...TIKTOK_TEST_APP, appSecret: "other" });
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("rejects a signature made with another app key", async () => {
    const verdict = await tiktok.verify(delivery(body, { authorization: good }, now), { ...TIKTOK_TEST_APP, appKey: "6fakeappkey02" });
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it.each([
    ["missing", {}],
    ["empty", { authorization: "" }],
    ["not hex", { authorization: "Bearer abc" }],
    ["truncated", { authorization: good.slice(0, 62) }],
    ["prefixed like other platforms", { authorization: `sha256=${good}` }],
  ])("rejects a %s Authorization header", async (_label, headers) => {
    const verdict = await tiktok.verify(delivery(body, headers, now), TIKTOK_TEST_APP);
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("rejects a signed timestamp more than 72 hours old", async () => {
    const verdict = await tiktok.verify(delivery(body, { authorization: good }, signedAt(body) + 72 * 3600_000 + 1000), TIKTOK_TEST_APP);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signed timestamp is stale" });
  });

  it("accepts a signed timestamp just inside 72 hours", async () => {
    const verdict = await tiktok.verify(delivery(body, { authorization: good }, signedAt(body) + 72 * 3600_000 - 1000), TIKTOK_TEST_APP);
    expect(verdict.kind).toBe("accept");
  });

  it("rejects a signed timestamp more than 5 minutes ahead", async () => {
    const verdict = await tiktok.verify(delivery(body, { authorization: good }, signedAt(body) - 5 * 60_000 - 1000), TIKTOK_TEST_APP);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signed timestamp is future" });
  });

  it("accepts a signed body that is not JSON, to dead-letter it downstream", async () => {
    const junk = "not json at all";
    const signature = signTikTok(TIKTOK_TEST_APP.appKey, TIKTOK_TEST_APP.appSecret, junk);
    const verdict = await tiktok.verify(delivery(junk, { authorization: signature }, now), TIKTOK_TEST_APP);
    expect(verdict.kind).toBe("accept");
  });

  it("has no GET handshake: intake answers 405", () => {
    expect(tiktok.handshake).toBeUndefined();
  });
});
