// Times the built-in classifier over the labelled set for a bounded time and prints the rate.
//   npx node scripts/bench-classifier.ts [--seconds 2]
// The routing engine classifies every inbound message, so the budget is well under 50 µs each.
import { parseArgs } from "node:util";
import { classify } from "../src/route/classifier/index.ts";
import { loadLabelledSet } from "../test/classifier/evaluate.ts";
import { failUsage, readCommandLine } from "./lib/cli.ts";

const USAGE = `usage: npm run bench:classifier -- [--seconds S]

Times the built-in classifier over the labelled set and prints a Markdown row.

  --seconds S   how long to measure, 0.1 to 30 (default 2)
  --help        this text`;

const { values } = readCommandLine(USAGE, () =>
  parseArgs({ options: { seconds: { type: "string", default: "2" }, help: { type: "boolean", short: "h" } } }),
);
const seconds = Number(values.seconds);
if (!(seconds >= 0.1 && seconds <= 30)) failUsage(USAGE, `--seconds must be a number from 0.1 to 30, not '${values.seconds}'`);
const texts = loadLabelledSet().map((item) => item.text);

// Warm up: the first calls pay for JIT compilation, not for classifying.
for (let round = 0; round < 20; round++) for (const text of texts) classify(text);

const budgetNs = BigInt(Math.round(seconds * 1e9));
const started = process.hrtime.bigint();
let messages = 0;
let elapsedNs = 0n;
let sink = 0;
while (elapsedNs < budgetNs) {
  for (const text of texts) sink += classify(text).signals.length;
  messages += texts.length;
  elapsedNs = process.hrtime.bigint() - started;
}

const perMessageUs = Number(elapsedNs) / 1e3 / messages;
console.log(`| messages | seconds | mean µs/message | messages/second |`);
console.log(`| --- | --- | --- | --- |`);
console.log(`| ${messages} | ${(Number(elapsedNs) / 1e9).toFixed(2)} | ${perMessageUs.toFixed(1)} | ${Math.round(1e6 / perMessageUs)} |`);
if (sink < 0) console.log("unreachable: keeps the results alive");
