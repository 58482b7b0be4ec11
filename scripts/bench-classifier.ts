// Times the built-in classifier over the labelled set for a bounded time and prints the rate.
//   npx node scripts/bench-classifier.ts [--seconds 2]
// The routing engine classifies every inbound message: the budget is 0.2 ms each (issue 16).
// The texts are labelled.json's and the held-out set's (timing only).
import { parseArgs } from "node:util";
import { classify } from "../src/route/classifier/index.ts";
import { shippedModel } from "../src/route/classifier/model/shipped.ts";
import { HELDOUT_FILES, loadHeldoutSet, loadLabelledSet } from "../test/classifier/evaluate.ts";
import { failUsage, readCommandLine } from "./lib/cli.ts";

const USAGE = `usage: npm run bench:classifier -- [--seconds S]

Times the built-in classifier over the labelled and held-out sets and prints a Markdown row.

  --seconds S   how long to measure, 0.1 to 30 (default 2)
  --help        this text`;

const { values } = readCommandLine(USAGE, () =>
  parseArgs({ options: { seconds: { type: "string", default: "2" }, help: { type: "boolean", short: "h" } } }),
);
const seconds = Number(values.seconds);
if (!(seconds >= 0.1 && seconds <= 30)) failUsage(USAGE, `--seconds must be a number from 0.1 to 30, not '${values.seconds}'`);
const texts = [...loadLabelledSet(), ...HELDOUT_FILES.flatMap((file) => loadHeldoutSet(file))].map((item) => item.text);

// Once per isolate: decoding the model, then the first call (regexes compile on first use).
const decodeStarted = process.hrtime.bigint();
shippedModel();
const decodeMs = Number(process.hrtime.bigint() - decodeStarted) / 1e6;
const firstStarted = process.hrtime.bigint();
classify("hello");
const firstMs = Number(process.hrtime.bigint() - firstStarted) / 1e6;

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
console.log(`\nonce per isolate: decoding the model ${decodeMs.toFixed(1)} ms, then the first call ${firstMs.toFixed(1)} ms`);
if (sink < 0) console.log("unreachable: keeps the results alive");
