// `npm run demo`: a live-sale burst against the local `npm run dev`, with a progress bar and a
// summary table (scripts/demo/ has the parts; `npm run demo -- --help` the options).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCleanup } from "../bench/cleanup.ts";
import { HELP, parseOptions } from "./demo/options.ts";
import { runDemo } from "./demo/run.ts";
import { DemoError } from "./demo/setup.ts";
import { renderSummary } from "./demo/summary.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping the demo's receiver and fakes…\n`);
    void runCleanup().finally(() => process.exit(130));
  });
}

try {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
  } else {
    const summary = await runDemo(root, options);
    console.log(`\n${renderSummary(summary)}`);
    console.error(`\nThe workspace stays: its open tickets are in ${options.url}/console/ (sign in with the API key above).`);
    if (summary.lost > 0 || summary.drainTimedOut || summary.duplicated.messages > 0) process.exitCode = 1;
  }
} catch (error) {
  if (!(error instanceof DemoError)) throw error;
  console.error(`\n${error.message}`);
  process.exitCode = 2;
} finally {
  await runCleanup();
}
