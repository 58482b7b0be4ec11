import { describe, expect, it } from "vitest";
import { instagram } from "../../../../src/channels/meta/instagram.ts";
import { messenger } from "../../../../src/channels/meta/messenger.ts";
import type { RawDelivery } from "../../../../src/channels/types.ts";
import { utf8 } from "../../../../src/lib/encoding.ts";
import {
  INSTAGRAM_TEST_CHANNEL,
  type InstagramFixtureName,
  instagramFixtures,
  MESSENGER_TEST_CHANNEL,
  type MessengerFixtureName,
  messengerFixtures,
} from "../../../fixtures/meta/index.ts";
import { signMeta } from "../../../fixtures/meta/kit.ts";
import { rawDelivery } from "../../../helpers/delivery.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");

function delivery(body: string, headers: Record<string, string>, method = "POST", query: Record<string, string> = {}): RawDelivery {
  return rawDelivery("messenger", body, headers, { method, query, receivedAt: NOW });
}

/** SIGNING.md: App Secret 9e4b2c7a1f8d3e6b0a5c9f2d8e1b4a7c over each fixture's exact bytes. */
const MESSENGER_VECTORS: [MessengerFixtureName, number, string][] = [
  ["messenger-delivery-read-batched", 1357, "sha256=115f397b1bcaf2bedf06071eeebb0efa9b36924eff5375c7b22005756b21f4cf"],
  ["messenger-image-message", 747, "sha256=cb67978f5c9122d10d40023439d71f3bd7d6526be7391b026e0584c7b52e139c"],
  ["messenger-postback", 538, "sha256=fc864d1b61d15ba438d15675ca74545f2a7c9500cca3444d1f799bc05254437f"],
  ["messenger-text-message", 548, "sha256=f430b55f14d7c3c847ba913d484b411826cfa282917a16a1fc69513cf25475ee"],
];
const INSTAGRAM_VECTORS: [InstagramFixtureName, number, string][] = [
  ["instagram-echo-and-read", 962, "sha256=5010cf0c5c8c795c75124bb591b82e0f32a9f972baa5748abef94c8ad4dcd07f"],
  ["instagram-text-message", 518, "sha256=89d45bc469d590032656b103eced70e8a9cafb7e6c8a4187e46a50441f728aa5"],
];

describe("Meta webhook signature (X-Hub-Signature-256)", () => {
  it.each(MESSENGER_VECTORS)("Messenger accepts the published vector for %s", async (name, bytes, expected) => {
    const body = messengerFixtures[name];
    expect(utf8(body).length).toBe(bytes);
    expect(signMeta(body, MESSENGER_TEST_CHANNEL.appSecret)).toBe(expected);
    expect(await messenger.verify(delivery(body, { "x-hub-signature-256": expected }), MESSENGER_TEST_CHANNEL)).toEqual({ kind: "accept" });
  });

  it.each(INSTAGRAM_VECTORS)("Instagram accepts the published vector for %s", async (name, bytes, expected) => {
    const body = instagramFixtures[name];
    expect(utf8(body).length).toBe(bytes);
    expect(signMeta(body, INSTAGRAM_TEST_CHANNEL.appSecret)).toBe(expected);
    expect(await instagram.verify(delivery(body, { "x-hub-signature-256": expected }), INSTAGRAM_TEST_CHANNEL)).toEqual({ kind: "accept" });
  });

  const body = messengerFixtures["messenger-text-message"];
  const good = "sha256=f430b55f14d7c3c847ba913d484b411826cfa282917a16a1fc69513cf25475ee";

  it("signs Meta's \\u escapes as sent: the body holds them as ASCII", () => {
    expect(body).toContain("Caf\\u00e9");
    expect(body).toContain("\\ud83d\\ude4f");
    expect(messengerFixtures["messenger-image-message"]).toContain("https:\\/\\/scontent");
  });

  it("rejects the same JSON re-serialized (the escapes are part of the signed bytes)", async () => {
    const reserialized = JSON.stringify(JSON.parse(body), null, 2);
    expect(reserialized).not.toBe(body);
    expect(await messenger.verify(delivery(reserialized, { "x-hub-signature-256": good }), MESSENGER_TEST_CHANNEL)).toMatchObject({
      kind: "reject",
      status: 401,
      reason: "signature mismatch",
    });
  });

  it("rejects a body changed after signing", async () => {
    const tampered = body.replace("#A1001", "#A1002");
    expect(await messenger.verify(delivery(tampered, { "x-hub-signature-256": good }), MESSENGER_TEST_CHANNEL)).toMatchObject({
      kind: "reject",
      status: 401,
    });
  });

  it("rejects a signature made with another app secret", async () => {
    const credentials = { ...MESSENGER_TEST_CHANNEL, appSecret: "another-app-secret" };
    expect(await messenger.verify(delivery(body, { "x-hub-signature-256": good }), credentials)).toMatchObject({
      kind: "reject",
      status: 401,
    });
  });

  it("fails closed when the channel has no app secret", async () => {
    const credentials = { ...MESSENGER_TEST_CHANNEL, appSecret: "" };
    expect(await messenger.verify(delivery(body, { "x-hub-signature-256": good }), credentials)).toMatchObject({
      kind: "reject",
      status: 401,
      reason: "channel has no app secret",
    });
  });

  it.each([
    ["missing", {}],
    ["empty", { "x-hub-signature-256": "" }],
    ["without the sha256= prefix", { "x-hub-signature-256": good.slice(7) }],
    ["not hex", { "x-hub-signature-256": "sha256=not-hex" }],
    ["truncated", { "x-hub-signature-256": good.slice(0, -2) }],
    ["replaced by the legacy SHA-1 header", { "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567" }],
  ])("rejects a %s signature header", async (_label, headers) => {
    expect(await messenger.verify(delivery(body, headers), MESSENGER_TEST_CHANNEL)).toMatchObject({ kind: "reject", status: 401 });
  });

  it("ignores a legacy X-Hub-Signature beside a valid SHA-256 one", async () => {
    const headers = { "x-hub-signature-256": good, "x-hub-signature": "sha1=0000000000000000000000000000000000000000" };
    expect(await messenger.verify(delivery(body, headers), MESSENGER_TEST_CHANNEL)).toEqual({ kind: "accept" });
  });

  it("accepts a body of any age: Meta signs no timestamp (de-duplication is by mid)", async () => {
    const old = { ...delivery(body, { "x-hub-signature-256": good }), receivedAt: NOW + 365 * 24 * 3600_000 };
    expect(await messenger.verify(old, MESSENGER_TEST_CHANNEL)).toEqual({ kind: "accept" });
  });

  it("accepts a signed body that is not JSON, to dead-letter it downstream", async () => {
    const junk = "not json";
    const verdict = await instagram.verify(
      delivery(junk, { "x-hub-signature-256": signMeta(junk, INSTAGRAM_TEST_CHANNEL.appSecret) }),
      INSTAGRAM_TEST_CHANNEL,
    );
    expect(verdict).toEqual({ kind: "accept" });
  });
});

describe("Meta GET handshake (hub.challenge)", () => {
  const subscribe = { "hub.mode": "subscribe", "hub.verify_token": MESSENGER_TEST_CHANNEL.verifyToken, "hub.challenge": "1158201444" };

  it.each([
    ["Messenger", messenger],
    ["Instagram", instagram],
  ] as const)("%s answers 200 with the bare challenge as text", async (_label, adapter) => {
    const verdict = await adapter.handshake?.(delivery("", {}, "GET", subscribe), MESSENGER_TEST_CHANNEL);
    expect(verdict?.kind).toBe("handshake");
    if (verdict?.kind !== "handshake") return;
    expect(verdict.response.status).toBe(200);
    expect(verdict.response.headers.get("content-type")).toBe("text/plain");
    expect(await verdict.response.text()).toBe("1158201444");
  });

  it.each([
    ["a wrong verify token", { ...subscribe, "hub.verify_token": "guess" }],
    ["another mode", { ...subscribe, "hub.mode": "unsubscribe" }],
    ["no challenge", { "hub.mode": "subscribe", "hub.verify_token": MESSENGER_TEST_CHANNEL.verifyToken }],
    ["no parameters", {}],
  ])("refuses %s with 403", async (_label, query) => {
    expect(await messenger.handshake?.(delivery("", {}, "GET", query), MESSENGER_TEST_CHANNEL)).toMatchObject({
      kind: "reject",
      status: 403,
    });
  });

  it("checks the channel's own verify token", async () => {
    const otherChannel = { ...MESSENGER_TEST_CHANNEL, verifyToken: "another-channel-token" };
    expect(await messenger.handshake?.(delivery("", {}, "GET", subscribe), otherChannel)).toMatchObject({ kind: "reject", status: 403 });
  });
});
