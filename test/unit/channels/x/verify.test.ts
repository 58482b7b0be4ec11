import { describe, expect, it } from "vitest";
import type { RawDelivery } from "../../../../src/channels/types.ts";
import { x } from "../../../../src/channels/x/index.ts";
import { utf8 } from "../../../../src/lib/encoding.ts";
import { X_TEST_APP, type XFixtureName, xFixtures } from "../../../fixtures/x/index.ts";
import { crcResponseBody, signXBody } from "../../../fixtures/x/signing.ts";
import { rawDelivery } from "../../../helpers/delivery.ts";

/** The shared SIGNING.md vectors: exact bytes, consumer secret, expected header. */
const VECTORS: [XFixtureName, number, string][] = [
  ["dm-media-message", 2281, "sha256=Yas8GLhF8C5zj5eGWj17Jqti+5cukfW0hQXYwbX0bfc="],
  ["dm-quick-reply-response", 1251, "sha256=bu0tyhyJWrWp7oN3P9dZuJBrx3crHmVZa2UQi4EgXAg="],
  ["dm-read-receipt", 865, "sha256=pPPg/Of2zIDQqx6NEeQQshmP1pYEKuO3FSj0Utxo1Z8="],
  ["dm-text-message", 1701, "sha256=2EDRJkajHVikBADFgvorGe4G0xWGvT22laOiv0eDyCk="],
  ["dm-typing-indicator", 820, "sha256=leQvWRbopsfX8chlqBsM8dfXZDjXtXzL2EaEhEDYHw4="],
  ["follow-event", 670, "sha256=w3LvdK6TFGy6EmfXDJLYa29IiV9nl3f4AkKBugfTrGw="],
];

const CRC_TOKEN = "c0ffee00-1234-4abc-8def-0123456789ab";
const CRC_ANSWER = '{"response_token":"sha256=T4u9w3lDVRFA9ozF5VcqdYEh9JEUT3qzPew20UeUoCk="}';

function delivery(body: string, headers: Record<string, string>, method = "POST", query = ""): RawDelivery {
  return rawDelivery("x", body, headers, { method, query });
}

describe("X webhook signature", () => {
  it.each(VECTORS)("accepts the published vector for %s", async (name, bytes, expected) => {
    const body = xFixtures[name];
    expect(utf8(body).length).toBe(bytes);
    expect(signXBody(body, X_TEST_APP.consumerSecret)).toBe(expected);
    const verdict = await x.verify(delivery(body, { "x-twitter-webhooks-signature": expected }), X_TEST_APP);
    expect(verdict).toEqual({ kind: "accept" });
  });

  const body = xFixtures["dm-text-message"];
  const good = "sha256=2EDRJkajHVikBADFgvorGe4G0xWGvT22laOiv0eDyCk=";

  it("accepts the header with surrounding space", async () => {
    expect(await x.verify(delivery(body, { "x-twitter-webhooks-signature": ` ${good} ` }), X_TEST_APP)).toEqual({ kind: "accept" });
  });

  it("rejects a body changed after signing", async () => {
    const tampered = body.replace("A1001", "A1002");
    const verdict = await x.verify(delivery(tampered, { "x-twitter-webhooks-signature": good }), X_TEST_APP);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("rejects a signature made with another consumer secret", async () => {
    const other = signXBody(body, "another-consumer-secret");
    const verdict = await x.verify(delivery(body, { "x-twitter-webhooks-signature": other }), X_TEST_APP);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("does not take the access token secret as the key", async () => {
    const wrongKey = signXBody(body, X_TEST_APP.accessTokenSecret);
    const verdict = await x.verify(delivery(body, { "x-twitter-webhooks-signature": wrongKey }), X_TEST_APP);
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it.each([
    ["missing", {}],
    ["empty", { "x-twitter-webhooks-signature": "" }],
    ["without the sha256= prefix", { "x-twitter-webhooks-signature": good.slice("sha256=".length) }],
    ["hex instead of Base64", { "x-twitter-webhooks-signature": `sha256=${Buffer.from(good.slice(7), "base64").toString("hex")}` }],
    ["truncated", { "x-twitter-webhooks-signature": good.slice(0, -4) }],
    ["sent as Meta's header", { "x-hub-signature-256": good }],
  ])("rejects a %s signature header", async (_label, headers) => {
    expect(await x.verify(delivery(body, headers), X_TEST_APP)).toMatchObject({ kind: "reject", status: 401 });
  });

  it("fails closed when the channel has no consumer secret", async () => {
    const verdict = await x.verify(delivery(body, { "x-twitter-webhooks-signature": good }), { ...X_TEST_APP, consumerSecret: "" });
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("refuses a body that does not begin with {, however it is signed: the CRC answer signs any string", async () => {
    for (const junk of ["not json at all", "", " {}", "[1]", '"{}"']) {
      const verdict = await x.verify(
        delivery(junk, { "x-twitter-webhooks-signature": signXBody(junk, X_TEST_APP.consumerSecret) }),
        X_TEST_APP,
      );
      expect(verdict, junk).toMatchObject({ kind: "reject", status: 400 });
    }
  });

  it("accepts a signed body that begins with { but is not JSON, to dead-letter it downstream", async () => {
    const junk = "{not json at all";
    const verdict = await x.verify(
      delivery(junk, { "x-twitter-webhooks-signature": signXBody(junk, X_TEST_APP.consumerSecret) }),
      X_TEST_APP,
    );
    expect(verdict.kind).toBe("accept");
  });
});

describe("X CRC handshake", () => {
  async function answer(query: string) {
    return x.handshake?.(delivery("", {}, "GET", query), X_TEST_APP);
  }

  it("answers the published CRC vector with the exact JSON body", async () => {
    expect(crcResponseBody(CRC_TOKEN, X_TEST_APP.consumerSecret)).toBe(CRC_ANSWER);
    const verdict = await answer(`?crc_token=${CRC_TOKEN}`);
    expect(verdict?.kind).toBe("handshake");
    if (verdict?.kind !== "handshake") return;
    expect(verdict.response.status).toBe(200);
    expect(verdict.response.headers.get("content-type")).toBe("application/json");
    expect(await verdict.response.text()).toBe(CRC_ANSWER);
  });

  it("signs the URL-decoded token", async () => {
    const token = "a/b+c=d";
    const verdict = await answer(`?crc_token=${encodeURIComponent(token)}`);
    expect(verdict?.kind === "handshake" && (await verdict.response.text())).toBe(crcResponseBody(token, X_TEST_APP.consumerSecret));
  });

  it.each([
    ["no crc_token", ""],
    ["an empty crc_token", "?crc_token="],
    ["Meta's hub.challenge instead", "?hub.mode=subscribe&hub.challenge=123&hub.verify_token=t"],
  ])("refuses a GET with %s", async (_label, query) => {
    expect(await answer(query)).toMatchObject({ kind: "reject", status: 403 });
  });

  it("refuses to sign a token shaped like a delivery body: the answer would be a valid POST signature", async () => {
    const forged = '{"for_user_id":"1460000000000000001","direct_message_events":[]}';
    expect(await answer(`?crc_token=${encodeURIComponent(forged)}`)).toMatchObject({ kind: "reject", status: 403 });
    expect(await answer(`?crc_token=${encodeURIComponent("[1]")}`)).toMatchObject({ kind: "reject", status: 403 });
  });

  it("uses the channel's own consumer secret", async () => {
    const verdict = await x.handshake?.(delivery("", {}, "GET", `?crc_token=${CRC_TOKEN}`), { ...X_TEST_APP, consumerSecret: "other" });
    expect(verdict?.kind === "handshake" && (await verdict.response.text())).toBe(crcResponseBody(CRC_TOKEN, "other"));
  });
});
