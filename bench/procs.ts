/**
 * The dev server's processes, read from /proc: CPU time (utime + stime) and resident memory
 * (VmRSS). Only processes in the wrangler process group the benchmark started are counted,
 * so other people's workerd (tests running on the same machine) never are.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export const CLOCK_TICKS: number = (() => {
  try {
    const value = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isFinite(value) && value > 0 ? value : 100;
  } catch {
    return 100;
  }
})();

export interface ProcInfo {
  pid: number;
  pgrp: number;
  comm: string;
  cmdline: string;
  /** utime + stime, in clock ticks. */
  ticks: number;
}

function readStat(pid: number): { pgrp: number; comm: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = stat.lastIndexOf(")");
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    // Fields after "(comm)": state is field 3, so field n is at index n - 3.
    const fields = stat.slice(close + 2).split(" ");
    const pgrp = Number(fields[2]);
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { pgrp, comm, ticks: utime + stime };
  } catch {
    return null;
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

/** Every live process of process group `pgrp`. */
export function groupProcesses(pgrp: number): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat || stat.pgrp !== pgrp) continue;
    out.push({ pid, pgrp, comm: stat.comm, cmdline: readCmdline(pid), ticks: stat.ticks });
  }
  return out;
}

export function isWorkerd(proc: ProcInfo): boolean {
  return proc.comm.includes("workerd") || proc.cmdline.includes("workerd");
}

export function rssKb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** CPU ticks per pid, split into workerd and the rest of the group (wrangler's Node, esbuild). */
export interface CpuSnapshot {
  at: number;
  workerd: Map<number, number>;
  other: Map<number, number>;
}

export function cpuSnapshot(pgrp: number): CpuSnapshot {
  const snapshot: CpuSnapshot = { at: performance.now(), workerd: new Map(), other: new Map() };
  for (const proc of groupProcesses(pgrp)) (isWorkerd(proc) ? snapshot.workerd : snapshot.other).set(proc.pid, proc.ticks);
  return snapshot;
}

function deltaTicks(before: Map<number, number>, after: Map<number, number>): number {
  let ticks = 0;
  for (const [pid, value] of after) ticks += value - (before.get(pid) ?? 0);
  return ticks;
}

/** CPU milliseconds used between two snapshots: workerd, and the rest of the group. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): { workerdMs: number; otherMs: number; wallMs: number } {
  const toMs = (ticks: number) => (ticks * 1000) / CLOCK_TICKS;
  return {
    workerdMs: toMs(deltaTicks(before.workerd, after.workerd)),
    otherMs: toMs(deltaTicks(before.other, after.other)),
    wallMs: after.at - before.at,
  };
}

export interface RssSample {
  /** ms since the sampler started. */
  t: number;
  workerdKb: number;
  groupKb: number;
  workerdProcesses: number;
}

interface TickSample {
  at: number;
  workerd: Map<number, number>;
  other: Map<number, number>;
}

export interface GroupSampler {
  samples: RssSample[];
  stop(): void;
  sampleNow(): RssSample;
  /** The index of the latest sample, to measure CPU from. */
  mark(): number;
  /**
   * CPU used between two marks, counting processes that exited in between (up to their last
   * sample) and processes born in between (from zero).
   */
  cpuBetween(from: number, to: number): { workerdMs: number; otherMs: number; wallMs: number };
  /** workerd processes seen at some point that are gone now: a crash or a reload (which drops the queues). */
  workerdExits(): number;
}

/** Samples the group's memory and CPU every `everyMs` until stopped. */
export function groupSampler(pgrp: number, everyMs = 500): GroupSampler {
  const samples: RssSample[] = [];
  const ticks: TickSample[] = [];
  const workerdSeen = new Set<number>();
  let workerdNow = new Set<number>();
  const started = performance.now();
  const sampleNow = (): RssSample => {
    let workerdKb = 0;
    let groupKb = 0;
    const tick: TickSample = { at: performance.now(), workerd: new Map(), other: new Map() };
    const current = new Set<number>();
    for (const proc of groupProcesses(pgrp)) {
      const kb = rssKb(proc.pid) ?? 0;
      groupKb += kb;
      if (isWorkerd(proc)) {
        workerdKb += kb;
        current.add(proc.pid);
        workerdSeen.add(proc.pid);
        tick.workerd.set(proc.pid, proc.ticks);
      } else {
        tick.other.set(proc.pid, proc.ticks);
      }
    }
    workerdNow = current;
    ticks.push(tick);
    const sample = { t: Math.round(tick.at - started), workerdKb, groupKb, workerdProcesses: current.size };
    samples.push(sample);
    return sample;
  };
  sampleNow();
  const timer = setInterval(sampleNow, everyMs);
  timer.unref();
  const used = (kind: "workerd" | "other", from: number, to: number) => {
    const base = ticks[from]?.[kind] ?? new Map<number, number>();
    const last = new Map<number, number>();
    for (let i = from; i <= to; i++) for (const [pid, value] of ticks[i]?.[kind] ?? []) last.set(pid, value);
    let total = 0;
    for (const [pid, value] of last) total += value - (base.get(pid) ?? 0);
    return (total * 1000) / CLOCK_TICKS;
  };
  return {
    samples,
    stop: () => clearInterval(timer),
    sampleNow,
    mark: () => ticks.length - 1,
    cpuBetween: (from, to) => ({
      workerdMs: used("workerd", from, to),
      otherMs: used("other", from, to),
      wallMs: (ticks[to]?.at ?? 0) - (ticks[from]?.at ?? 0),
    }),
    workerdExits: () => [...workerdSeen].filter((pid) => !workerdNow.has(pid)).length,
  };
}
