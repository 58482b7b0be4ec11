/**
 * Maps a profile's call frames in the bundle wrangler built (`.wrangler/tmp/dev-…/index.js`)
 * back to source files with the bundle's source map, read while the dev server still runs.
 * Paths are shown as "src/…" (relative to the code snapshot) or "node_modules/<package>/…".
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import type { CallFrame, Resolve, SourcePosition } from "./profile-summary.ts";

/** What `Debugger.scriptParsed` said about a script. */
export interface ParsedScript {
  scriptId: string;
  url: string;
  sourceMapURL?: string;
}

const packagesIn = new Map<string, string[]>();

/** The packages (and scoped packages) installed in a node_modules folder. */
function installedPackages(nodeModules: string): string[] {
  let names = packagesIn.get(nodeModules);
  if (!names) {
    names = [];
    try {
      for (const entry of readdirSync(nodeModules)) {
        if (entry.startsWith(".")) continue;
        if (entry.startsWith("@")) for (const inner of readdirSync(join(nodeModules, entry))) names.push(`${entry}/${inner}`);
        else names.push(entry);
      }
    } catch {
      // not there: nothing to match against
    }
    packagesIn.set(nodeModules, names);
  }
  return names;
}

/**
 * A package that ships its own source maps with sources one level up ("../src/entity.ts"
 * beside "entity.js", as drizzle-orm does) loses its name in the bundle's map:
 * "node_modules/src/entity.ts". Finds the package holding the compiled file again.
 */
const restored = new Map<string, string>();

function restorePackage(path: string): string {
  let known = restored.get(path);
  if (known === undefined) {
    known = findPackage(path);
    restored.set(path, known);
  }
  return known;
}

function findPackage(path: string): string {
  const at = path.lastIndexOf("/node_modules/");
  if (at < 0) return path;
  const nodeModules = path.slice(0, at + "/node_modules".length);
  const [first = "", ...rest] = path.slice(nodeModules.length + 1).split("/");
  if (rest.length === 0 || first.startsWith("@") || existsSync(join(nodeModules, first, "package.json"))) return path;
  const compiled = rest.join("/").replace(/\.[cm]?tsx?$/, ".js");
  const owner = installedPackages(nodeModules).find((name) => existsSync(join(nodeModules, name, `${compiled}.map`)));
  return owner ? join(nodeModules, owner, first, ...rest) : path;
}

/** A source path for people: from node_modules/ on, else relative to `root`, else as given. */
export function displayPath(source: string, root: string): string {
  const path = restorePackage(source.startsWith("file:") ? fileURLToPath(source) : source);
  const at = path.lastIndexOf("/node_modules/");
  if (at >= 0) return path.slice(at + 1);
  const prefix = root.endsWith("/") ? root : `${root}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

function loadMap(scriptPath: string, sourceMapURL: string | undefined): TraceMap | null {
  let reference = sourceMapURL;
  if (!reference) {
    const tail = readFileSync(scriptPath, "utf8").slice(-4096);
    reference = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(tail)?.[1];
  }
  if (!reference) return null;
  const scriptUrl = pathToFileURL(scriptPath);
  if (reference.startsWith("data:")) {
    const comma = reference.indexOf(",");
    const payload = reference.slice(comma + 1);
    const json = reference.slice(0, comma).endsWith(";base64")
      ? Buffer.from(payload, "base64").toString("utf8")
      : decodeURIComponent(payload);
    return new TraceMap(json, scriptUrl.href);
  }
  const mapUrl = new URL(reference, scriptUrl);
  if (mapUrl.protocol !== "file:") return null;
  return new TraceMap(readFileSync(mapUrl, "utf8"), mapUrl.href);
}

/** The newest `.wrangler/tmp/dev-*` bundle named `name` under `dir` (when the profile only names "index.js"). */
function findBundle(dir: string, name: string): string | null {
  const tmp = join(dir, ".wrangler", "tmp");
  if (!existsSync(tmp)) return null;
  const candidates = readdirSync(tmp)
    .filter((entry) => entry.startsWith("dev-"))
    .map((entry) => join(tmp, entry, name))
    .filter((path) => existsSync(path))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return candidates[0] ?? null;
}

/**
 * A resolver for `summarizeProfile`, plus what it could not load. Scripts come from
 * `Debugger.scriptParsed` (by scriptId); a frame whose script is unknown is looked for in
 * the snapshot's newest wrangler bundle by its bare URL.
 */
export function sourceResolver(scripts: readonly ParsedScript[], snapshotDir: string): { resolve: Resolve; problems: string[] } {
  const byId = new Map(scripts.map((s) => [s.scriptId, s]));
  const maps = new Map<string, TraceMap | null>();
  const problems: string[] = [];
  const mapFor = (frame: CallFrame): TraceMap | null => {
    const script = byId.get(frame.scriptId);
    let path: string | null = null;
    if (script?.url.startsWith("file:")) path = fileURLToPath(script.url);
    else if (frame.url && !frame.url.includes(":")) path = findBundle(snapshotDir, frame.url);
    if (!path) return null;
    if (!maps.has(path)) {
      try {
        const map = loadMap(path, script?.sourceMapURL);
        // miniflare's own wrapper scripts have none; only a missing map of the bundle matters.
        if (!map && !path.includes("/node_modules/")) problems.push(`no source map for ${displayPath(path, snapshotDir)}`);
        maps.set(path, map);
      } catch (error) {
        problems.push(`source map of ${displayPath(path, snapshotDir)}: ${error instanceof Error ? error.message : String(error)}`);
        maps.set(path, null);
      }
    }
    return maps.get(path) ?? null;
  };
  const resolve: Resolve = (frame): SourcePosition | null => {
    if (frame.lineNumber < 0) return null;
    const map = mapFor(frame);
    if (!map) return null;
    const original = originalPositionFor(map, { line: frame.lineNumber + 1, column: Math.max(0, frame.columnNumber) });
    if (!original.source || original.line === null) return null;
    return { source: displayPath(original.source, snapshotDir), line: original.line };
  };
  return { resolve, problems };
}
