/**
 * Loads the gateway's own modules (src/) into this Node process. Plain Node only strips
 * erasable TypeScript, and src/ uses parameter properties (lib/errors.ts), so files under
 * src/ are transformed with node:module's stripTypeScriptTypes in "transform" mode.
 */
import { readFileSync } from "node:fs";
import { registerHooks, stripTypeScriptTypes } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

let installedFor: string | null = null;

function install(root: string): void {
  if (installedFor === root) return;
  installedFor = root;
  const srcUrl = pathToFileURL(join(root, "src")).href;
  const emitWarning = process.emitWarning;
  // stripTypeScriptTypes announces itself as experimental on every run: not news here.
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("stripTypeScriptTypes")) return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith(srcUrl) && url.endsWith(".ts")) {
        const source = readFileSync(fileURLToPath(url), "utf8");
        return { format: "module", source: stripTypeScriptTypes(source, { mode: "transform", sourceUrl: url }), shortCircuit: true };
      }
      return nextLoad(url, context);
    },
  });
}

/** Imports `src/<path>` of the project at `root`. */
export async function importSrc<T>(root: string, path: string): Promise<T> {
  install(root);
  return (await import(pathToFileURL(join(root, "src", path)).href)) as T;
}
