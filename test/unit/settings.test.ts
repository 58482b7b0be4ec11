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

  it("keeps canned replies as sent, replacing the whole list, and keeps them through other patches", async () => {
    expect(DEFAULT_SETTINGS.cannedReplies).toEqual([]);
    const replies = [{ title: "Shipping", text: "Hi {{contact.name}}, order {{order.id}} is {{order.status}}." }];
    const withReplies = await mergeSettings(DEFAULT_SETTINGS, SettingsPatchSchema.parse({ cannedReplies: replies }), seal);
    expect(settingsView(withReplies).cannedReplies).toEqual(replies);
    const later = await mergeSettings(withReplies, { liveSale: { enabled: true } }, seal);
    expect(later.cannedReplies).toEqual(replies);
    const cleared = await mergeSettings(later, { cannedReplies: [] }, seal);
    expect(cleared.cannedReplies).toEqual([]);
  });

  it.each([
    [{ responseWindowSeconds: 0 }, "responseWindowSeconds"],
    [{ warningRatio: 1.5 }, "warningRatio"],
    [{ orderLookup: { url: "https://shop.example/orders" } }, "orderLookup.url"],
    [{ colour: "blue" }, ""],
    [{ cannedReplies: [{ title: "", text: "Hi" }] }, "cannedReplies.0.title"],
    [{ cannedReplies: [{ title: "Hi", text: "x".repeat(4097) }] }, "cannedReplies.0.text"],
    [{ cannedReplies: [{ title: "Hi", text: "Hello", extra: 1 }] }, "cannedReplies.0"],
    [{ cannedReplies: Array.from({ length: 51 }, (_, i) => ({ title: `t${i}`, text: "x" })) }, "cannedReplies"],
    [
      {
        cannedReplies: [
          { title: "Shipping", text: "a" },
          { title: "shipping", text: "b" },
        ],
      },
      "cannedReplies.1.title",
    ],
  ])("refuses %j, naming the path", (patch, path) => {
    const parsed = SettingsPatchSchema.safeParse(patch);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path.join(".")).toBe(path);
  });
});
