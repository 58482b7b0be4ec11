import { describe, expect, it } from "vitest";
import type { RawDelivery } from "../../../../src/channels/types.ts";
import { whatsapp } from "../../../../src/channels/whatsapp/index.ts";
import { utf8 } from "../../../../src/lib/encoding.ts";
import { WHATSAPP_TEST_CREDENTIALS, type WhatsAppFixtureName, whatsappFixtures } from "../../../fixtures/whatsapp/index.ts";
import { signWhatsApp } from "../../../fixtures/whatsapp/kit.ts";
import { rawDelivery } from "../../../helpers/delivery.ts";

/** The published vectors (shared fixtures SIGNING.md): exact bytes, HMAC-SHA256 with the App Secret. */
const VECTORS: [WhatsAppFixtureName, number, string][] = [
  ["batched", 2493, "sha256=c087957c9724302d081804ffc0c52da0444d27c1131edc8e042952b78b94c738"],
  ["image-message", 1147, "sha256=7a4a76dfa4a2490166fcd13014170416873358bdfc375b4de1c59b6d549858e6"],
  ["interactive-button-reply", 1302, "sha256=dbb283793df58c9288078abc29edcb3242b24b880b7694e239e6209aee76d397"],
  ["status-update", 1057, "sha256=68e125708832d0808221219a3067c9b5276c0cb882a42a9149966482fee543d6"],
  ["template-status-update", 484, "sha256=0fdc2766ab7d97a494133ca736f850b972d8a268f8ab36c14cc594756579713a"],
  ["text-message", 1001, "sha256=1cb2bd447d38a87869dc971eccbf368f79765aa91dff60e583d5cc80043ba035"],
];
/** The HMAC of `text-message.json` parsed and re-serialised with JSON.stringify: the classic bug. */
const RESERIALISED_SIGNATURE = "sha256=1262f0dfbee1e471962ad43f717396b5c86808e2dbdc96be0bcde236f5c65287";

const NOW = Date.parse("2026-11-26T03:00:00Z");

function delivery(
  body: string,
  headers: Record<string, string>,
  options: { method?: string; query?: string; receivedAt?: number } = {},
): RawDelivery {
  return rawDelivery("whatsapp", body, headers, { receivedAt: NOW, ...options });
}

describe("WhatsApp signature (X-Hub-Signature-256)", () => {
  it.each(VECTORS)("accepts the published vector for %s", async (name, bytes, expected) => {
    const body = whatsappFixtures[name];
    expect(utf8(body).length).toBe(bytes);
    expect(signWhatsApp(WHATSAPP_TEST_CREDENTIALS.appSecret, body)).toBe(expected);
    const verdict = await whatsapp.verify(delivery(body, { "x-hub-signature-256": expected }), WHATSAPP_TEST_CREDENTIALS);
    expect(verdict).toEqual({ kind: "accept" });
  });

  const body = whatsappFixtures["text-message"];
  const good = "sha256=1cb2bd447d38a87869dc971eccbf368f79765aa91dff60e583d5cc80043ba035";

  it("verifies the escaped bytes as received, not the decoded text", () => {
    expect(body).toContain(String.raw`Ol\u00e1! Has order A1001 shipped? \ud83d\udce6`);
    const reserialised = JSON.stringify(JSON.parse(body));
    expect(reserialised).toContain("Olá! Has order A1001 shipped? 📦");
    expect(signWhatsApp(WHATSAPP_TEST_CREDENTIALS.appSecret, reserialised)).toBe(RESERIALISED_SIGNATURE);
  });

  it("rejects the signature of the re-serialised body (negative vector)", async () => {
    const verdict = await whatsapp.verify(delivery(body, { "x-hub-signature-256": RESERIALISED_SIGNATURE }), WHATSAPP_TEST_CREDENTIALS);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("rejects a body changed after signing", async () => {
    const tampered = body.replace("A1001", "A1002");
    const verdict = await whatsapp.verify(delivery(tampered, { "x-hub-signature-256": good }), WHATSAPP_TEST_CREDENTIALS);
    expect(verdict).toMatchObject({ kind: "reject", status: 401, reason: "signature mismatch" });
  });

  it("rejects a signature made with another App Secret", async () => {
    const credentials = { ...WHATSAPP_TEST_CREDENTIALS, appSecret: "another-app-secret" };
    const verdict = await whatsapp.verify(delivery(body, { "x-hub-signature-256": good }), credentials);
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it.each([
    ["missing", {}],
    ["empty", { "x-hub-signature-256": "" }],
    ["without its sha256= prefix", { "x-hub-signature-256": good.slice(7) }],
    ["truncated", { "x-hub-signature-256": good.slice(0, -2) }],
    ["only the legacy SHA-1 header", { "x-hub-signature": "sha1=0123456789abcdef0123456789abcdef01234567" }],
  ])("rejects a %s signature", async (_label, headers) => {
    const verdict = await whatsapp.verify(delivery(body, headers), WHATSAPP_TEST_CREDENTIALS);
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("fails closed without an App Secret", async () => {
    const verdict = await whatsapp.verify(delivery(body, { "x-hub-signature-256": good }), { ...WHATSAPP_TEST_CREDENTIALS, appSecret: "" });
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("accepts a redelivery days later: Meta signs no timestamp and retries for up to 7 days", async () => {
    const sixDaysLater = Date.parse("2024-06-09T08:00:00Z");
    const verdict = await whatsapp.verify(
      delivery(body, { "x-hub-signature-256": good }, { receivedAt: sixDaysLater }),
      WHATSAPP_TEST_CREDENTIALS,
    );
    expect(verdict).toEqual({ kind: "accept" });
  });

  it("accepts a signed body that is not JSON, to dead-letter it downstream", async () => {
    const junk = "not json at all";
    const verdict = await whatsapp.verify(
      delivery(junk, { "x-hub-signature-256": signWhatsApp(WHATSAPP_TEST_CREDENTIALS.appSecret, junk) }),
      WHATSAPP_TEST_CREDENTIALS,
    );
    expect(verdict).toEqual({ kind: "accept" });
  });
});

describe("WhatsApp verification handshake (hub.challenge)", () => {
  const handshake = (query: string, credentials = WHATSAPP_TEST_CREDENTIALS) =>
    whatsapp.handshake?.(delivery("", {}, { method: "GET", query }), credentials);
  const token = WHATSAPP_TEST_CREDENTIALS.verifyToken;

  it("echoes hub.challenge verbatim as plain text when the verify token matches", async () => {
    const verdict = await handshake(`?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${token}`);
    expect(verdict?.kind).toBe("handshake");
    if (verdict?.kind !== "handshake") return;
    expect(verdict.response.status).toBe(200);
    expect(verdict.response.headers.get("content-type")).toBe("text/plain");
    expect(await verdict.response.text()).toBe("1158201444");
  });

  it.each([
    ["a wrong verify token", "?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess"],
    ["the App Secret as verify token", `?hub.mode=subscribe&hub.challenge=1&hub.verify_token=${WHATSAPP_TEST_CREDENTIALS.appSecret}`],
    ["another hub.mode", `?hub.mode=unsubscribe&hub.challenge=1158201444&hub.verify_token=${token}`],
    ["no challenge", `?hub.mode=subscribe&hub.verify_token=${token}`],
    ["no query at all", ""],
  ])("refuses %s with 403", async (_label, query) => {
    expect(await handshake(query)).toMatchObject({ kind: "reject", status: 403 });
  });
});
