// `npm run dev`: `wrangler dev` with the <PLATFORM>_API_BASE lines of .dev.vars passed as
// --var. wrangler.toml declares [secrets], and then wrangler loads from .dev.vars only the
// declared secrets and [vars] names, silently dropping the rest; these are neither. Other
// arguments go to wrangler unchanged (`npm run dev -- --port 8788`).
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { apiBaseVar, PLATFORMS, parseDevVars } from "./demo/dev-vars.ts";

const vars = existsSync(".dev.vars") ? parseDevVars(readFileSync(".dev.vars", "utf8")) : new Map<string, string>();
const forwarded = PLATFORMS.map(apiBaseVar).filter((name) => vars.has(name));
if (forwarded.length > 0) console.log(`from .dev.vars: ${forwarded.map((name) => `${name}=${vars.get(name)}`).join(" ")}`);

const wrangler = spawn(
  "wrangler",
  ["dev", ...forwarded.flatMap((name) => ["--var", `${name}:${vars.get(name)}`]), ...process.argv.slice(2)],
  {
    stdio: "inherit",
  },
);
// Ctrl-C reaches wrangler from the terminal itself; a signal sent to this process alone is passed on.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"] as const) process.on(signal, () => wrangler.kill(signal));
wrangler.on("error", (error) => {
  console.error(`could not start wrangler: ${error.message}`);
  process.exit(1);
});
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
