import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, mergeSettings, responseWindowSeconds, SettingsPatchSchema, settingsView } from "../../src/settings.ts";

const seal = async (value: string, header: string) => `sealed(${header}: ${value})`;

describe("settings", () => {
  it("has the contract's defaults", () => {
    expect(DEFAULT_SETTINGS).toMatchObject({
      responseWindowSeconds: 43200,
      warningRatio: 0.75,
      liveSale: { enabled: false, responseWindowSeconds: 3600 },
      orderLookup: null,
      deliveries: { disableAfterFailingSeconds: 432000, retentionDays: 30 },
    });
    expect(responseWindowSeconds(DEFAULT_SETTINGS)).toBe(43200);
  });

  it("merges a patch, shortening the window in live-sale mode", async () => {
    const next = await mergeSettings(DEFAULT_SETTINGS, { liveSale: { enabled: true } }, seal);
    expect(next.liveSale).toEqual({ enabled: true, responseWindowSeconds: 3600 });
    expect(responseWindowSeconds(next)).toBe(3600);
    expect(next.responseWindowSeconds).toBe(43200);
  });

  it("seals order-lookup header values, each bound to its lowercase name, and shows only their names", async () => {
    const next = await mergeSettings(
      DEFAULT_SETTINGS,
      { orderLookup: { url: "https://shop.example/orders/{orderId}", headers: { Authorization: "Bearer s3cret" } } },
      seal,
    );
    expect(next.orderLookup?.headersSealed).toEqual({ authorization: "sealed(authorization: Bearer s3cret)" });
    expect(JSON.stringify(settingsView(next))).not.toContain("s3cret");
    expect(settingsView(next).orderLookup).toEqual({ url: "https://shop.example/orders/{orderId}", headers: ["authorization"] });
  });

  it.each([
    [{ responseWindowSeconds: 0 }, "responseWindowSeconds"],
    [{ warningRatio: 1.5 }, "warningRatio"],
    [{ orderLookup: { url: "https://shop.example/orders" } }, "orderLookup.url"],
    [{ colour: "blue" }, ""],
  ])("refuses %j, naming the path", (patch, path) => {
    const parsed = SettingsPatchSchema.safeParse(patch);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join(".")).toBe(path);
  });
});
