/**
 * Reduces a V8 `.cpuprofile` (what `Profiler.stop` returns) to what a reader needs: sampled
 * time, the idle share, the top functions by self time and self time by source area (our
 * src/ folders, drizzle-orm, hono, zod, the runtime). Pure: positions in the bundle are
 * mapped back to sources by the `resolve` function the caller passes in.
 */

export interface CallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  /** 0-based, like the profile. */
  lineNumber: number;
  columnNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  /** Microseconds. */
  startTime: number;
  endTime: number;
  samples?: number[];
  /** Microseconds between consecutive samples (the first: since startTime). */
  timeDeltas?: number[];
}

/** Where a frame's code comes from, after source mapping: a display path ("src/…", "node_modules/hono/…"), 1-based line. */
export interface SourcePosition {
  source: string;
  line: number;
}

export type Resolve = (frame: CallFrame) => SourcePosition | null;

export interface FunctionShare {
  function: string;
  /** file:line of the function (the source when mapped, else the script's URL). */
  location: string;
  area: string;
  samples: number;
  selfMs: number;
  /** Of all sampled time, idle included. */
  pctOfSampled: number;
  /** Of sampled time that was not (idle). */
  pctOfBusy: number;
}

export interface AreaShare {
  area: string;
  samples: number;
  ms: number;
  pctOfSampled: number;
  pctOfBusy: number;
}

export interface ProfileSummary {
  /** endTime − startTime. */
  durationMs: number;
  samples: number;
  medianIntervalUs: number | null;
  /** Time attributed to samples (each sample's interval, at most `gapCapUs`). */
  sampledMs: number;
  /** Intervals beyond the cap: the sampler took no sample, so nothing ran in the isolate for that long. */
  unattributedMs: number;
  idleMs: number;
  idleShare: number | null;
  /** sampledMs − idleMs. */
  busyMs: number;
  top: FunctionShare[];
  /** Self time by where the code comes from. */
  areas: AreaShare[];
  /** Each sample charged to the innermost frame of our own src/ on its stack (libraries and runtime calls included). */
  byOurCode: AreaShare[];
  /**
   * What the samples with no src/ frame on their stack ran, by area: mostly continuations
   * after an `await` (they start from the event loop, not from the code that awaited).
   */
  outsideOurCode: AreaShare[];
  /** Frames in bundled code (a script URL, not the runtime) and how many of them the source maps resolved. */
  mapping: { bundleFrames: number; mapped: number };
}

export interface SummaryOptions {
  resolve?: Resolve;
  /** How many functions to list (default 20). */
  top?: number;
  /** The longest interval one sample may stand for, µs (default: twice the median interval). */
  gapCapUs?: number;
}

/** Library areas named on their own; other packages are grouped. */
const NAMED_PACKAGES = ["drizzle-orm", "hono", "zod"];
const SPECIAL = new Set(["(idle)", "(program)", "(garbage collector)", "(root)"]);
export const IDLE = "(idle)";
export const RUNTIME = "workerd runtime";
/** workerd's D1 binding client (cloudflare-internal:d1-api) and the runtime calls it makes. */
export const D1_CLIENT = "workerd: D1 client";
export const OUTSIDE_OUR_CODE = "outside src/ (runtime, glue, idle)";

/** The runtime's own scripts and native functions (no URL) belong to workerd. */
function isRuntimeUrl(url: string): boolean {
  return url === "" || /^(node-internal|cloudflare-internal|cloudflare|workerd|internal|node):/.test(url);
}

/** The package a node_modules path belongs to ("@scope/name" or "name"). */
function packageOf(path: string): string | null {
  const at = path.lastIndexOf("node_modules/");
  if (at < 0) return null;
  const parts = path.slice(at + "node_modules/".length).split("/");
  const first = parts[0] ?? "";
  return first.startsWith("@") ? `${first}/${parts[1] ?? ""}` : first;
}

/**
 * The area of a frame by itself: "src/<folder>" (or "src/<file>" for files at the top of
 * src/), a named package, "other packages", "wrangler glue" (its middleware), the D1 client,
 * the workerd runtime, the special V8 entries, or "unmapped bundle code" (esbuild's helpers
 * such as `__name`). `summarizeProfile` then charges runtime frames called by the D1 client
 * to it.
 */
export function areaOf(frame: Pick<CallFrame, "functionName" | "url">, position: SourcePosition | null): string {
  if (SPECIAL.has(frame.functionName) && frame.url === "") return frame.functionName;
  if (position) {
    const source = position.source.replaceAll("\\", "/");
    const pkg = packageOf(source);
    if (pkg) {
      if (NAMED_PACKAGES.includes(pkg)) return pkg;
      if (pkg === "wrangler" || pkg === "miniflare") return "wrangler glue";
      return "other packages";
    }
    const src = /(?:^|\/)src\/(.+)$/.exec(source);
    if (src?.[1]) {
      const [folder = "", ...rest] = src[1].split("/");
      return rest.length > 0 ? `src/${folder}` : `src/${folder.replace(/\.[cm]?[jt]sx?$/, "")}`;
    }
    if (/(^|\/)\.wrangler\/tmp\//.test(source) || source.startsWith("wrangler:")) return "wrangler glue";
    return "other";
  }
  if (frame.url === "cloudflare-internal:d1-api") return D1_CLIENT;
  if (isRuntimeUrl(frame.url)) return RUNTIME;
  if (/^file:.*\/node_modules\/(miniflare|wrangler)\//.test(frame.url)) return "wrangler glue";
  return "unmapped bundle code";
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

/**
 * Each sample stands for the interval until the next one (Chrome DevTools' convention; the
 * last one for the median interval), capped: workerd's sampler only samples the thread that
 * holds the isolate's lock, so a long interval means the isolate was not running, and
 * charging it to the sample before it would invent CPU time.
 */
export function sampleDurations(profile: CpuProfile, gapCapUs: number): { durations: number[]; unattributedUs: number } {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const times: number[] = [];
  let t = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    times.push(t);
  }
  const typical = median(deltas.slice(1).filter((d) => d > 0)) ?? 0;
  const durations: number[] = [];
  let unattributedUs = 0;
  for (let i = 0; i < samples.length; i++) {
    const next = times[i + 1];
    const raw = Math.max(0, next !== undefined ? next - (times[i] ?? 0) : Math.min(typical, profile.endTime - (times[i] ?? 0)));
    const kept = Math.min(raw, gapCapUs);
    durations.push(kept);
    unattributedUs += raw - kept;
  }
  return { durations, unattributedUs };
}

interface FrameInfo {
  node: ProfileNode;
  area: string;
  name: string;
  location: string;
  parent: number | null;
}

export function summarizeProfile(profile: CpuProfile, options: SummaryOptions = {}): ProfileSummary {
  const resolve = options.resolve ?? (() => null);
  const gapCapUs = options.gapCapUs ?? 2 * (median((profile.timeDeltas ?? []).slice(1).filter((d) => d > 0)) ?? 1000);
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const frames = new Map<number, FrameInfo>();
  let bundleFrames = 0;
  let mapped = 0;
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const position = isRuntimeUrl(frame.url) ? null : resolve(frame);
    if (!isRuntimeUrl(frame.url)) {
      bundleFrames += 1;
      if (position) mapped += 1;
    }
    const location = position
      ? `${position.source}:${position.line}`
      : frame.url
        ? `${frame.url}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`
        : "(native)";
    frames.set(node.id, {
      node,
      area: areaOf(frame, position),
      name: frame.functionName || "(anonymous)",
      location,
      parent: parents.get(node.id) ?? null,
    });
  }

  // Runtime frames (native functions, runtime scripts) called, through runtime frames only, by the D1 client are its cost.
  const d1 = new Map<number, boolean>();
  const forD1 = (id: number): boolean => {
    const known = d1.get(id);
    if (known !== undefined) return known;
    const info = frames.get(id);
    const answer =
      !!info &&
      (info.area === D1_CLIENT || (info.area === RUNTIME && info.parent !== null && frames.has(info.parent) && forD1(info.parent)));
    d1.set(id, answer);
    return answer;
  };
  for (const [id, info] of frames) if (info.area === RUNTIME && forD1(id)) info.area = D1_CLIENT;

  // The innermost src/ area on each node's stack, memoized along the parent chain.
  const ours = new Map<number, string>();
  const ourArea = (id: number): string => {
    const known = ours.get(id);
    if (known !== undefined) return known;
    const chain: number[] = [];
    let current: number | null = id;
    let found = OUTSIDE_OUR_CODE;
    while (current !== null) {
      const cached = ours.get(current);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      const info = frames.get(current);
      if (!info) break;
      chain.push(current);
      if (info.area.startsWith("src/")) {
        found = info.area;
        break;
      }
      current = info.parent;
    }
    for (const link of chain) ours.set(link, found);
    return found;
  };

  const { durations, unattributedUs } = sampleDurations(profile, gapCapUs);
  const byFunction = new Map<string, { name: string; location: string; area: string; samples: number; us: number }>();
  const byArea = new Map<string, { samples: number; us: number }>();
  const byOurs = new Map<string, { samples: number; us: number }>();
  const outside = new Map<string, { samples: number; us: number }>();
  let sampledUs = 0;
  let idleUs = 0;
  const add = (map: Map<string, { samples: number; us: number }>, key: string, us: number) => {
    const entry = map.get(key) ?? { samples: 0, us: 0 };
    entry.samples += 1;
    entry.us += us;
    map.set(key, entry);
  };
  (profile.samples ?? []).forEach((id, i) => {
    const info = frames.get(id);
    const us = durations[i] ?? 0;
    if (!info) return;
    sampledUs += us;
    if (info.area === IDLE) idleUs += us;
    const key = `${info.name}\0${info.location}`;
    const entry = byFunction.get(key) ?? { name: info.name, location: info.location, area: info.area, samples: 0, us: 0 };
    entry.samples += 1;
    entry.us += us;
    byFunction.set(key, entry);
    add(byArea, info.area, us);
    if (info.area === IDLE) return;
    const owner = ourArea(id);
    add(byOurs, owner, us);
    if (owner === OUTSIDE_OUR_CODE) add(outside, info.area, us);
  });

  const busyUs = sampledUs - idleUs;
  const pct = (us: number, of: number) => (of > 0 ? round((100 * us) / of) : 0);
  const shares = (map: Map<string, { samples: number; us: number }>): AreaShare[] =>
    [...map.entries()]
      .map(([area, v]) => ({
        area,
        samples: v.samples,
        ms: round(v.us / 1000),
        pctOfSampled: pct(v.us, sampledUs),
        pctOfBusy: area === IDLE ? 0 : pct(v.us, busyUs),
      }))
      .sort((a, b) => b.ms - a.ms || a.area.localeCompare(b.area));

  const top = [...byFunction.values()]
    .filter((f) => f.area !== IDLE)
    .sort((a, b) => b.us - a.us || a.name.localeCompare(b.name))
    .slice(0, options.top ?? 20)
    .map((f) => ({
      function: f.name,
      location: f.location,
      area: f.area,
      samples: f.samples,
      selfMs: round(f.us / 1000),
      pctOfSampled: pct(f.us, sampledUs),
      pctOfBusy: pct(f.us, busyUs),
    }));

  return {
    durationMs: round((profile.endTime - profile.startTime) / 1000),
    samples: profile.samples?.length ?? 0,
    medianIntervalUs: median((profile.timeDeltas ?? []).slice(1)),
    sampledMs: round(sampledUs / 1000),
    unattributedMs: round(unattributedUs / 1000),
    idleMs: round(idleUs / 1000),
    idleShare: sampledUs > 0 ? round(idleUs / sampledUs, 3) : null,
    busyMs: round(busyUs / 1000),
    top,
    areas: shares(byArea),
    byOurCode: shares(byOurs),
    outsideOurCode: shares(outside),
    mapping: { bundleFrames, mapped },
  };
}
