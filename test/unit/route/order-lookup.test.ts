import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { lookUpOrder, type OrderLookupIo } from "../../../src/actions/order-lookup.ts";
import { DEFAULT_SETTINGS, type Settings } from "../../../src/settings.ts";

const NOW = Date.parse("2026-11-26T03:00:00Z");

function io(answer: (request: Request) => Response | Promise<Response>, allowPrivate = false) {
  const requests: Request[] = [];
  const value: OrderLookupIo = {
    now: NOW,
    allowPrivate,
    tiktokApiBase: undefined,
    // Opens only a value sealed for the header it is asked for.
    open: async (sealed, header) => {
      if (!sealed.startsWith(`sealed:${header}:`)) throw new Error(`the sealed value of ${header} does not open`);
      return sealed.slice(`sealed:${header}:`.length);
    },
    fetch: async (input, init) => {
      const request = new Request(input, init);
      requests.push(request);
      return answer(request);
    },
  };
  return { io: value, requests };
}

const merchant: Settings = {
  ...DEFAULT_SETTINGS,
  orderLookup: { url: "https://shop.example/orders/{orderId}", headersSealed: { authorization: "sealed:authorization:Bearer k" } },
};
const source = (settings: Settings, platform = "whatsapp", credentials = {}) => ({ settings, platform, credentials });

describe("order lookup", () => {
  it("asks the merchant's API with the opened headers and reads the order", async () => {
    const { io: fake, requests } = io(() => Response.json({ orderId: "123456", status: "shipped", trackingNumber: "JT1" }));
    expect(await lookUpOrder("123456", source(merchant), fake)).toEqual({
      kind: "found",
      order: { orderId: "123456", status: "shipped", carrier: undefined, trackingNumber: "JT1", estimatedDelivery: undefined },
    });
    expect(requests[0]?.url).toBe("https://shop.example/orders/123456");
    expect(requests[0]?.headers.get("authorization")).toBe("Bearer k");
    expect(requests[0]?.redirect).toBe("manual");
  });

  it("fails the lookup, naming the header and not its value, when a header's sealed value does not open", async () => {
    const moved: Settings = {
      ...DEFAULT_SETTINGS,
      orderLookup: { url: "https://shop.example/orders/{orderId}", headersSealed: { "x-api-key": "sealed:authorization:Bearer k" } },
    };
    const { io: fake, requests } = io(() => Response.json({ orderId: "1", status: "shipped" }));
    const result = await lookUpOrder("1", source(moved), fake);
    expect(result).toMatchObject({ kind: "failed", error: /x-api-key does not open/ });
    expect(JSON.stringify(result)).not.toContain("Bearer k");
    expect(requests).toHaveLength(0);
  });

  it("tells an unknown order from a failed lookup", async () => {
    expect(await lookUpOrder("1", source(merchant), io(() => new Response("", { status: 404 })).io)).toEqual({ kind: "not_found" });
    expect(await lookUpOrder("1", source(merchant), io(() => new Response("", { status: 500 })).io)).toMatchObject({
      kind: "failed",
      error: /HTTP 500/,
    });
    expect(await lookUpOrder("1", source(merchant), io(() => Response.json({ nope: 1 })).io)).toMatchObject({ kind: "failed" });
    expect(await lookUpOrder("1", source(merchant), io(() => Promise.reject(new TypeError("refused"))).io)).toMatchObject({
      kind: "failed",
      error: /refused/,
    });
  });

  it("refuses a private lookup URL unless private endpoints are allowed", async () => {
    const local: Settings = { ...DEFAULT_SETTINGS, orderLookup: { url: "http://127.0.0.1:9000/{orderId}", headersSealed: {} } };
    const blocked = io(() => Response.json({}));
    expect(await lookUpOrder("1", source(local), blocked.io)).toMatchObject({ kind: "failed", error: /https/ });
    expect(blocked.requests).toHaveLength(0);
    expect(await lookUpOrder("1", source(local), io(() => Response.json({ orderId: "1", status: "x" }), true).io)).toMatchObject({
      kind: "found",
    });
  });

  it("uses TikTok Shop's signed Order API for a TikTok channel without a merchant lookup", async () => {
    const credentials = { appKey: "6fakeappkey01", appSecret: "secret", accessToken: "tok", shopCipher: "cipher" };
    const { io: fake, requests } = io(() =>
      Response.json({
        code: 0,
        data: {
          orders: [
            { id: "576700112233445566", status: "IN_TRANSIT", packages: [{ tracking_number: "TT9", shipping_provider_name: "J&T" }] },
          ],
        },
      }),
    );
    expect(await lookUpOrder("576700112233445566", source(DEFAULT_SETTINGS, "tiktok", credentials), fake)).toEqual({
      kind: "found",
      order: { orderId: "576700112233445566", status: "shipped", carrier: "J&T", trackingNumber: "TT9" },
    });
    const url = new URL(requests[0]?.url ?? "");
    expect(url.pathname).toBe("/order/202309/orders");
    expect(requests[0]?.headers.get("x-tts-access-token")).toBe("tok");
    const query = Object.fromEntries(url.searchParams);
    const signed = `secret${url.pathname}${["app_key", "ids", "shop_cipher", "timestamp"].map((k) => k + query[k]).join("")}secret`;
    expect(query.sign).toBe(createHmac("sha256", "secret").update(signed).digest("hex"));
  });

  it("fails clearly when nothing can look orders up", async () => {
    expect(await lookUpOrder("1", source(DEFAULT_SETTINGS), io(() => Response.json({})).io)).toMatchObject({
      kind: "failed",
      error: /no order lookup/,
    });
  });
});
