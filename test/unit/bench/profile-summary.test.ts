import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  areaOf,
  type CallFrame,
  type CpuProfile,
  type ProfileNode,
  type SourcePosition,
  sampleDurations,
  summarizeProfile,
} from "../../../bench/profile-summary.ts";
import { displayPath } from "../../../bench/source-maps.ts";

function node(id: number, functionName: string, url: string, lineNumber: number, children: number[] = []): ProfileNode {
  return { id, callFrame: { functionName, scriptId: url ? "7" : "0", url, lineNumber, columnNumber: 4 }, children };
}

/**
 * (root) ─┬ (program) · (idle) · (garbage collector) · dispatch [hono]
 *         ├ handle [src/intake] ─┬ is [drizzle] ─ toJson [d1-api] ─ fetch [native]
 *         │                      └ (anonymous) [unmapped bundle]
 *         └ save [src/objects] ─┬ URL [native]
 *                               └ parse [zod]
 */
const nodes: ProfileNode[] = [
  node(1, "(root)", "", -1, [2, 3, 4, 5, 10, 13]),
  node(2, "(program)", "", -1),
  node(3, "(idle)", "", -1),
  node(4, "(garbage collector)", "", -1),
  node(5, "handle", "index.js", 10, [6, 8]),
  node(6, "is", "index.js", 100, [7]),
  node(7, "toJson", "cloudflare-internal:d1-api", 615, [9]),
  node(8, "", "index.js", 0),
  node(9, "fetch", "", -1),
  node(10, "save", "index.js", 200, [11, 12]),
  node(11, "URL", "", -1),
  node(12, "parse", "index.js", 300),
  node(13, "dispatch", "index.js", 400),
];

// Every sample 100 µs apart except one 50 ms gap after the first (idle) sample.
const samples = [5, 6, 9, 9, 7, 3, 3, 2, 10, 11, 8, 4, 12, 13, 3];
const timeDeltas = samples.map((_, i) => (i === 6 ? 50_000 : 100));
const lastAt = timeDeltas.reduce((a, b) => a + b, 0);
const profile: CpuProfile = { nodes, samples, timeDeltas, startTime: 0, endTime: lastAt + 100 };

const SOURCES: Record<number, SourcePosition> = {
  10: { source: "src/intake/handle.ts", line: 5 },
  100: { source: "node_modules/drizzle-orm/src/entity.ts", line: 12 },
  200: { source: "src/objects/conversation.ts", line: 40 },
  300: { source: "node_modules/zod/v4/core/parse.js", line: 3 },
  400: { source: "node_modules/hono/dist/hono-base.js", line: 7 },
};
const resolve = (frame: CallFrame) => (frame.url === "index.js" ? (SOURCES[frame.lineNumber] ?? null) : null);

describe("summarizeProfile", () => {
  const summary = summarizeProfile(profile, { resolve, top: 5 });

  it("charges each sample its interval, capped at twice the median, and counts the rest as gaps", () => {
    expect(summary.samples).toBe(15);
    expect(summary.medianIntervalUs).toBe(100);
    // 14 samples × 0.1 ms + the idle sample before the gap capped at 0.2 ms.
    expect(summary.sampledMs).toBe(1.6);
    expect(summary.unattributedMs).toBe(49.8);
    expect(summary.idleMs).toBe(0.4);
    expect(summary.idleShare).toBe(0.25);
    expect(summary.busyMs).toBe(1.2);
  });

  it("lists the top functions by self time, idle left out, with mapped locations", () => {
    expect(summary.top).toHaveLength(5);
    expect(summary.top[0]).toEqual({
      function: "fetch",
      location: "(native)",
      area: "workerd: D1 client",
      samples: 2,
      selfMs: 0.2,
      pctOfSampled: 12.5,
      pctOfBusy: 16.7,
    });
    expect(summary.top.map((f) => f.function)).not.toContain("(idle)");
    const all = summarizeProfile(profile, { resolve, top: 50 }).top;
    expect(all).toHaveLength(11);
    expect(all.find((f) => f.function === "is")).toMatchObject({
      location: "node_modules/drizzle-orm/src/entity.ts:12",
      area: "drizzle-orm",
    });
    expect(all.find((f) => f.function === "(anonymous)")).toMatchObject({ location: "index.js:1:5", area: "unmapped bundle code" });
  });

  it("groups self time by source area; runtime calls made by the D1 client are its own", () => {
    const areas = Object.fromEntries(summary.areas.map((a) => [a.area, a.ms]));
    expect(areas).toEqual({
      "workerd: D1 client": 0.3,
      "(idle)": 0.4,
      "src/intake": 0.1,
      "src/objects": 0.1,
      "drizzle-orm": 0.1,
      zod: 0.1,
      hono: 0.1,
      "workerd runtime": 0.1,
      "unmapped bundle code": 0.1,
      "(program)": 0.1,
      "(garbage collector)": 0.1,
    });
    expect(summary.areas[0]).toMatchObject({ area: "(idle)", pctOfSampled: 25, pctOfBusy: 0 });
    expect(summary.areas[1]).toMatchObject({ area: "workerd: D1 client", pctOfBusy: 25 });
  });

  it("charges busy time to the innermost src/ folder on the stack", () => {
    expect(summary.byOurCode.map((a) => [a.area, a.ms, a.pctOfBusy])).toEqual([
      ["src/intake", 0.6, 50],
      ["outside src/ (runtime, glue, idle)", 0.3, 25],
      ["src/objects", 0.3, 25],
    ]);
    expect(summary.outsideOurCode.map((a) => [a.area, a.ms])).toEqual([
      ["(garbage collector)", 0.1],
      ["(program)", 0.1],
      ["hono", 0.1],
    ]);
  });

  it("counts the bundle frames the source maps resolved", () => {
    expect(summary.mapping).toEqual({ bundleFrames: 6, mapped: 5 });
  });

  it("summarizes an empty profile without dividing by zero", () => {
    const empty = summarizeProfile({ nodes: [node(1, "(root)", "", -1)], startTime: 0, endTime: 0 });
    expect(empty).toMatchObject({ samples: 0, sampledMs: 0, idleShare: null, top: [], areas: [], byOurCode: [], outsideOurCode: [] });
  });
});

describe("sampleDurations", () => {
  it("gives the last sample the median interval when the profile ends later", () => {
    const { durations, unattributedUs } = sampleDurations(
      { nodes, samples: [2, 2, 2], timeDeltas: [10, 30, 30], startTime: 0, endTime: 1000 },
      60,
    );
    expect(durations).toEqual([30, 30, 30]);
    expect(unattributedUs).toBe(0);
  });
});

describe("areaOf", () => {
  const frame = { functionName: "f", url: "index.js" };
  it.each([
    ["src/index.ts", "src/index"],
    ["src/storage/db.ts", "src/storage"],
    ["node_modules/hono/dist/router.js", "hono"],
    ["node_modules/@scope/thing/x.js", "other packages"],
    ["node_modules/wrangler/templates/middleware/common.ts", "wrangler glue"],
    [".wrangler/tmp/bundle-AB12/middleware-loader.entry.ts", "wrangler glue"],
  ])("%s → %s", (source, area) => {
    expect(areaOf(frame, { source, line: 1 })).toBe(area);
  });

  it("names the runtime, the D1 client and V8's own entries", () => {
    expect(areaOf({ functionName: "(garbage collector)", url: "" }, null)).toBe("(garbage collector)");
    expect(areaOf({ functionName: "Response", url: "" }, null)).toBe("workerd runtime");
    expect(areaOf({ functionName: "fn", url: "node-internal:internal_buffer" }, null)).toBe("workerd runtime");
    expect(areaOf({ functionName: "raw", url: "cloudflare-internal:d1-api" }, null)).toBe("workerd: D1 client");
    expect(areaOf({ functionName: "__name", url: "index.js" }, null)).toBe("unmapped bundle code");
  });
});

describe("displayPath", () => {
  const roots: string[] = [];
  const tempRoot = () => {
    const root = mkdtempSync(join(tmpdir(), "profile-paths-"));
    roots.push(root);
    return root;
  };
  afterAll(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });

  it("shows sources relative to the snapshot, or from node_modules on", () => {
    const root = tempRoot();
    expect(displayPath(`file://${root}/src/intake/handle.ts`, root)).toBe("src/intake/handle.ts");
    expect(displayPath(`${root}/node_modules/hono/dist/hono.js`, root)).toBe("node_modules/hono/dist/hono.js");
    expect(displayPath("/elsewhere/x.ts", root)).toBe("/elsewhere/x.ts");
  });

  it("puts back the package a nested source map's '../src' dropped", () => {
    const root = tempRoot();
    const pkg = join(root, "node_modules", "drizzle-orm");
    mkdirSync(join(pkg, "sqlite-core"), { recursive: true });
    writeFileSync(join(pkg, "package.json"), "{}");
    writeFileSync(join(pkg, "sqlite-core", "session.js.map"), "{}");
    expect(displayPath(`${root}/node_modules/src/sqlite-core/session.ts`, root)).toBe(
      "node_modules/drizzle-orm/src/sqlite-core/session.ts",
    );
    expect(displayPath(`${root}/node_modules/src/unknown.ts`, root)).toBe("node_modules/src/unknown.ts");
  });
});
