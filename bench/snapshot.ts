/**
 * A frozen copy of the code under test, one per run. `wrangler dev` rebuilds and restarts on every source
 * change, dropping the queues' in-memory messages (STACK.md §11.14), so a run against a
 * working tree that someone is editing would measure restarts. The benchmark copies src/,
 * migrations/, the test fixtures, package.json, wrangler.toml and whatever it names (public/ for assets…)
 * into bench/out/snapshot-<time> once, and every
 * section (dev servers, migrations, the pure pieces) runs from that copy. Node resolves the
 * copy's imports from the project's node_modules, since bench/out is inside the project.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { consumerlessConfig } from "./dev-server.ts";

export interface Snapshot {
  /** The folder holding src/, migrations/, test/fixtures/ and the configs. */
  dir: string;
  config: string;
  /** The same worker with no queue consumers: intake alone. */
  configNoConsumers: string;
  /**
   * For `wrangler d1 …` commands: a copy in another folder, because wrangler dev reloads (and
   * drops its queues) when the config it watches is touched.
   */
  toolsConfig: string;
  /** bench/floor (the bench's own, whatever --root says), copied to `floor/` in the snapshot. */
  floor: { dir: string; config: string; toolsConfig: string };
  takenAt: string;
}

/** Quoted values in wrangler.toml that name a file or folder of the project (main, assets, migrations…). */
function referencedPaths(toml: string, root: string): string[] {
  const paths = new Set<string>();
  for (const match of toml.matchAll(/=\s*"([^"]+)"/g)) {
    const value = (match[1] ?? "").replace(/^\.\//, "").replace(/\/$/, "");
    if (!value || value.startsWith("/") || value.startsWith("..") || value.includes("node_modules")) continue;
    if (existsSync(join(root, value))) paths.add(value);
  }
  return [...paths];
}

/**
 * Copies a worker (its wrangler.toml, `parts` and whatever the config names) from `from` into
 * `dir`, and writes `dir`/tools/wrangler.toml for `wrangler d1 …` commands.
 */
function copyWorker(from: string, dir: string, parts: string[]): { config: string; toolsConfig: string } {
  mkdirSync(dir, { recursive: true });
  const toml = readFileSync(join(from, "wrangler.toml"), "utf8");
  const referenced = referencedPaths(toml, from);
  for (const part of new Set([...parts, ...referenced])) {
    if (existsSync(join(from, part))) cpSync(join(from, part), join(dir, part), { recursive: true });
  }
  writeFileSync(join(dir, "wrangler.toml"), toml);
  const tools = join(dir, "tools");
  mkdirSync(tools);
  const toolsConfig = join(tools, "wrangler.toml");
  // The same config one folder down: every project path gets a "../".
  writeFileSync(
    toolsConfig,
    toml.replace(/(=\s*)"([^"]+)"/g, (whole, eq: string, value: string) => {
      const bare = value.replace(/^\.\//, "");
      return referenced.includes(bare.replace(/\/$/, "")) ? `${eq}"../${bare}"` : whole;
    }),
  );
  return { config: join(dir, "wrangler.toml"), toolsConfig };
}

export function takeSnapshot(root: string, outDir: string): Snapshot {
  // One folder per run: a second run must never rewrite the files a running dev server watches.
  const takenAt = new Date().toISOString();
  const dir = join(outDir, `snapshot-${takenAt.replace(/[:.]/g, "-")}-${process.pid}`);
  // package.json too: the worker reads its version from it (src/openapi/document.ts).
  const { config, toolsConfig } = copyWorker(root, dir, ["src", "migrations", join("test", "fixtures"), "package.json"]);
  // Inside the snapshot, so a later edit of bench/floor cannot restart a running floor either.
  const floorDir = join(dir, "floor");
  const floor = { dir: floorDir, ...copyWorker(join(import.meta.dirname, "floor"), floorDir, ["src", "migrations"]) };
  return { dir, config, configNoConsumers: consumerlessConfig(dir), toolsConfig, floor, takenAt };
}

export function removeSnapshot(snapshot: Snapshot): void {
  rmSync(snapshot.dir, { recursive: true, force: true });
}
