/** What the numbers were measured on. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { packageVersion } from "./dev-server.ts";

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  wrangler: string | null;
  workerd: string | null;
  autocannon: string | null;
  loadAverage1m: number;
  git: { commit: string | null; uncommittedFiles: number | null };
  startedAt: string;
}

function git(root: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

function distro(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "";
  } catch {
    return "";
  }
}

export function describeMachine(root: string): Machine {
  const status = git(root, ["status", "--porcelain"]);
  return {
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    cores: availableParallelism(),
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${distro()} (Linux ${release()})`.trim(),
    node: process.version,
    wrangler: packageVersion(root, "wrangler"),
    workerd: packageVersion(root, "workerd"),
    autocannon: packageVersion(root, "autocannon"),
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    git: {
      commit: git(root, ["rev-parse", "--short", "HEAD"]),
      uncommittedFiles: status === null ? null : status.split("\n").filter(Boolean).length,
    },
    startedAt: new Date().toISOString(),
  };
}
