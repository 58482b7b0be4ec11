// The console's pure helpers, in Node: they touch no DOM. The console is plain JavaScript
// served as is, so its modules are imported by URL (TypeScript does not type them).
import { describe, expect, it } from "vitest";

interface AdminModule {
  locatePath(value: unknown, path: string): { start: number; end: number } | null;
  summarizeDeadLetterBody(body: unknown): { facts: [string, string][]; preview: string };
}
interface ChartsModule {
  niceMax(value: number): number;
}
interface DashboardModule {
  formatSeconds(seconds: number): string;
}

const load = async <T>(file: string): Promise<T> => (await import(new URL(`../../../public/console/${file}`, import.meta.url).href)) as T;
const admin = await load<AdminModule>("admin.js");
const charts = await load<ChartsModule>("charts.js");
const dashboard = await load<DashboardModule>("dashboard.js");

describe("locatePath", () => {
  const rules = {
    rules: [
      { id: "a", when: { intent: ["greeting"] }, actions: [] },
      { id: "b", when: { textMatches: "(\\w+) \\1", sentiment: ["negative"] }, actions: [{ type: "note", text: "x" }] },
    ],
    orderPatterns: ["order (\\d+)"],
  };
  const text = JSON.stringify(rules, null, 2);

  it("finds a nested value by the API's dotted path, array indexes included", () => {
    const found = admin.locatePath(rules, "rules.1.when.textMatches");
    expect(found && text.slice(found.start, found.end)).toBe(JSON.stringify("(\\w+) \\1"));
    const pattern = admin.locatePath(rules, "orderPatterns.0");
    expect(pattern && text.slice(pattern.start, pattern.end)).toBe(JSON.stringify("order (\\d+)"));
  });

  it("spans an object or array value whole, at its indentation", () => {
    const found = admin.locatePath(rules, "rules.1.actions");
    expect(found && JSON.parse(text.slice(found.start, found.end))).toEqual([{ type: "note", text: "x" }]);
    const when = admin.locatePath(rules, "rules.0.when");
    expect(when && text.slice(when.start, when.end)).toBe('{\n        "intent": [\n          "greeting"\n        ]\n      }');
  });

  it("answers null for a path the value does not have", () => {
    expect(admin.locatePath(rules, "rules.7.when")).toBeNull();
    expect(admin.locatePath(rules, "rules.0.when.textMatches")).toBeNull();
    expect(admin.locatePath(rules, "")).toBeNull();
    expect(admin.locatePath("not an object", "rules")).toBeNull();
  });
});

describe("summarizeDeadLetterBody", () => {
  it("names an inbound delivery's platform, time and body size, and previews the body", () => {
    const summary = admin.summarizeDeadLetterBody({
      v: 1,
      platform: "tiktok",
      receivedAt: Date.parse("2026-11-26T01:02:03Z"),
      body: '{"type": 14, "data": "garbled"}',
    });
    expect(summary.facts).toEqual([
      ["Platform", "tiktok"],
      ["Received", "2026-11-26T01:02:03.000Z"],
      ["Body", "31 characters"],
    ]);
    expect(summary.preview).toBe('{"type": 14, "data": "garbled"}');
  });

  it("names a delivery's event and endpoint, and cuts a long body", () => {
    const delivery = admin.summarizeDeadLetterBody({ v: 1, kind: "event", eventId: "evt_1", endpointId: "ep_1" });
    expect(delivery.facts).toEqual([
      ["Kind", "event"],
      ["Event", "evt_1"],
      ["Endpoint", "ep_1"],
    ]);
    const long = admin.summarizeDeadLetterBody({ platform: "line", body: "x".repeat(5000) });
    expect(long.preview).toHaveLength(601);
    expect(long.preview.endsWith("…")).toBe(true);
  });
});

describe("chart scales and durations", () => {
  it("rounds an axis up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 0.3, 1, 3, 7, 12, 250, 1001].map(charts.niceMax)).toEqual([1, 0.5, 1, 5, 10, 20, 500, 2000]);
  });

  it("writes response times in the unit people read them in", () => {
    expect([0.25, 8, 90, 5400].map(dashboard.formatSeconds)).toEqual(["250 ms", "8 s", "2 min", "1.5 h"]);
  });
});
