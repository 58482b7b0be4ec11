import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { encodeEndpointSecret, signWebhook } from "../../../src/deliver/sign.ts";

const secret = encodeEndpointSecret(new Uint8Array(32).map((_, i) => i + 1));
const body = JSON.stringify({
  id: "evt_1",
  type: "message.received",
  timestamp: "2026-11-26T01:02:03.456Z",
  data: { text: "xin chào 👋" },
});

describe("Standard Webhooks signing", () => {
  it("produces headers the standardwebhooks library verifies", async () => {
    const now = Math.floor(Date.now() / 1000);
    const headers = await signWebhook([secret], "evt_1", now, body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it("matches the library's own signature byte for byte", async () => {
    const headers = await signWebhook([secret], "evt_1", 1_764_118_923, body);
    expect(headers["webhook-signature"]).toBe(new Webhook(secret).sign("evt_1", new Date(1_764_118_923_000), body));
  });

  it("sends one signature per secret, space-separated, each verifiable alone", async () => {
    const next = encodeEndpointSecret(new Uint8Array(32).fill(9));
    const now = Math.floor(Date.now() / 1000);
    const headers = await signWebhook([next, secret], "evt_2", now, body);
    expect(headers["webhook-signature"].split(" ")).toHaveLength(2);
    expect(() => new Webhook(secret).verify(body, { ...headers })).not.toThrow();
    expect(() => new Webhook(next).verify(body, { ...headers })).not.toThrow();
  });

  it("fails verification when the body changes", async () => {
    const headers = await signWebhook([secret], "evt_3", Math.floor(Date.now() / 1000), body);
    expect(() => new Webhook(secret).verify(`${body} `, { ...headers })).toThrow();
  });
});
