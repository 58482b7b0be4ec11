/**
 * How `npm run dev` starts `wrangler dev` (scripts/dev.ts): pure, so the choice is tested.
 * By default as quick per request as the bench's own dev server: local tracing off and
 * wrangler's log level at warn. `--trace` and `--verbose` turn each back on; a `--log-level`
 * the user gives wins over ours. Every other argument goes to wrangler unchanged.
 */
export interface DevLaunch {
  /** What wrangler dev gets after "dev" and the --var flags. */
  args: string[];
  env: Record<string, string | undefined>;
  /** Where the server will answer (wrangler.toml [dev]: 127.0.0.1:8787 unless --ip/--port say otherwise). */
  url: string;
  /** One line on how it runs and how to change it. */
  note: string;
  /** wrangler dev's --persist-to, if given: the local migrations must go there too. */
  persistTo: string | undefined;
}

function flagValue(args: string[], name: string): string | undefined {
  const index = args.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
  if (index === -1) return undefined;
  const arg = args[index] as string;
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : args[index + 1];
}

export function devLaunch(argv: string[], env: Record<string, string | undefined>): DevLaunch {
  const trace = argv.includes("--trace");
  const verbose = argv.includes("--verbose");
  const args = argv.filter((arg) => arg !== "--trace" && arg !== "--verbose");
  const ownLogLevel = flagValue(args, "--log-level") !== undefined;
  const launchEnv = { ...env };
  if (!trace) launchEnv.X_LOCAL_OBSERVABILITY = "false";
  else delete launchEnv.X_LOCAL_OBSERVABILITY;
  const quiet = !verbose && !ownLogLevel;
  const host = flagValue(args, "--ip") ?? "127.0.0.1";
  const port = flagValue(args, "--port") ?? "8787";
  const note = [
    trace ? "local tracing on" : "local tracing off: --trace turns it on",
    quiet ? "warnings and errors only: --verbose logs every request" : "wrangler's log level",
  ].join("; ");
  return {
    args: quiet ? ["--log-level", "warn", ...args] : args,
    env: launchEnv,
    url: `http://${host}:${port}`,
    note,
    persistTo: flagValue(args, "--persist-to"),
  };
}
