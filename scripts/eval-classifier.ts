// Scores the built-in classifier on test/classifier/labelled.json and prints Markdown.
//   npx node scripts/eval-classifier.ts            all items, the holdout split, holdout failures
//   npx node scripts/eval-classifier.ts --all-failures   also the failures on tuning items
// Exits 1 when the product targets (negative recall, order id precision and recall) are missed on all items.
import { parseArgs } from "node:util";
import { classify } from "../src/route/classifier/index.ts";
import { evaluate, formatFailures, formatReport, loadLabelledSet, missedTargets, PRODUCT_TARGETS } from "../test/classifier/evaluate.ts";
import { readCommandLine } from "./lib/cli.ts";

const USAGE = `usage: npm run eval:classifier -- [--all-failures]

Scores the built-in classifier on test/classifier/labelled.json and prints Markdown: all
items, the holdout split and its failures. Exits 1 when the product targets are missed.

  --all-failures   also list the failures on tuning items
  --help           this text`;

const { values } = readCommandLine(USAGE, () =>
  parseArgs({ options: { "all-failures": { type: "boolean", default: false }, help: { type: "boolean", short: "h" } } }),
);

const items = loadLabelledSet();
const holdout = items.filter((item) => item.split === "holdout");
const all = evaluate(items, (text) => classify(text));
const held = evaluate(holdout, (text) => classify(text));

console.log(`## Classifier evaluation\n`);
console.log(formatReport("All items", all));
console.log("");
console.log(formatReport("Holdout (written after tuning)", held));
console.log(`\n### Misclassified holdout items (${held.failures.length})\n`);
console.log(formatFailures(held.failures));
if (values["all-failures"]) {
  const tuning = all.failures.filter((failure) => failure.item.split === "tune");
  console.log(`\n### Misclassified tuning items (${tuning.length})\n`);
  console.log(formatFailures(tuning));
}

const missed = missedTargets(all);
console.log(
  `\nTargets on all items (negative recall ≥ ${PRODUCT_TARGETS.negativeRecall}, order id precision and recall ≥ ${PRODUCT_TARGETS.orderIdPrecision}): ${missed.length ? `MISSED: ${missed.join("; ")}` : "met"}`,
);
if (missed.length > 0) process.exitCode = 1;
