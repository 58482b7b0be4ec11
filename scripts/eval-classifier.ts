// Scores a classifier and prints Markdown.
//   npm run eval:classifier                      the built-in classifier: the frozen held-out sets first,
//                                                each apart (test/classifier/heldout.json, heldout-2.json and
//                                                heldout-3.json, per language variant and per intent), then the
//                                                older labelled set (labelled.json) apart
//   npm run eval:classifier -- --set heldout-3   only that held-out set (no labelled.json); repeatable
//   npm run eval:classifier -- --all-failures    also the failures on labelled.json's tuning items
//   npm run eval:classifier -- --ai              the AI classifier (src/route/classifier/ai.ts) on the held-out
//                                                sets; needs AI_CLASSIFIER_URL, _API_KEY and _MODEL in the
//                                                environment, else says so and exits 2 (nothing was measured)
// Exits 1 when a held-out target of issue 16 is missed in any language variant of a reported set.
import { parseArgs } from "node:util";
import { type Classification, classify, createAiClassifier } from "../src/route/classifier/index.ts";
import {
  evaluate,
  evaluateByVariant,
  formatFailures,
  formatReport,
  formatTradeoff,
  formatVariantTable,
  HELDOUT_FILES,
  HELDOUT_TARGETS,
  type HeldoutItem,
  heldoutFileNamed,
  loadHeldoutSet,
  loadLabelledSet,
  missedHeldoutTargets,
  missedTargets,
  PRODUCT_TARGETS,
  routingTradeoff,
  TRADEOFF_THRESHOLDS,
} from "../test/classifier/evaluate.ts";
import { failUsage, readCommandLine } from "./lib/cli.ts";

const USAGE = `usage: npm run eval:classifier -- [--set <name>]... [--all-failures] [--ai]

Scores a classifier and prints Markdown: the frozen held-out sets (test/classifier/heldout.json,
heldout-2.json … heldout-5.json), each apart, per language variant and per intent, then the older
labelled set apart. Exits 1 when a held-out target is missed in any language variant of a reported set.

  --set <name>     only this held-out set (heldout, heldout-2, … heldout-5), not labelled.json; repeatable
  --all-failures   also list the failures on labelled.json's tuning items
  --ai             the AI classifier instead (AI_CLASSIFIER_URL, _API_KEY, _MODEL); exits 2 unconfigured
  --help           this text`;

const { values } = readCommandLine(USAGE, () =>
  parseArgs({
    options: {
      set: { type: "string", multiple: true },
      "all-failures": { type: "boolean", default: false },
      ai: { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  }),
);

const chosen = (values.set ?? []).map((name) => heldoutFileNamed(name) ?? failUsage(USAGE, `--set: no held-out set named '${name}'`));
const sets = (chosen.length ? [...new Set(chosen)] : HELDOUT_FILES).map((file) => ({ file, items: loadHeldoutSet(file) }));
const heldout: HeldoutItem[] = sets.flatMap((set) => set.items);

async function aiAnswers(): Promise<((text: string) => Classification) | null> {
  const { AI_CLASSIFIER_URL: endpoint, AI_CLASSIFIER_API_KEY: apiKey, AI_CLASSIFIER_MODEL: model } = process.env;
  if (!endpoint || !apiKey || !model) return null;
  let fallbacks = 0;
  const ai = createAiClassifier({
    fetch,
    endpoint,
    apiKey,
    model,
    timeoutMs: Number(process.env.AI_CLASSIFIER_TIMEOUT_MS) || 10_000,
    // Counted: a fallback answer is the built-in classifier's, not the model's.
    fallback: (text, options) => {
      fallbacks++;
      return classify(text, options);
    },
  });
  const answers = new Map<string, Classification>();
  // A few at a time: bounded load on the provider.
  for (let start = 0; start < heldout.length; start += 4) {
    const batch = heldout.slice(start, start + 4);
    const got = await Promise.all(batch.map((item) => ai(item.text)));
    for (const [index, item] of batch.entries()) answers.set(item.text, got[index] as Classification);
  }
  console.log(`AI model \`${model}\`: ${fallbacks} of ${heldout.length} answers fell back to the built-in classifier.\n`);
  return (text) => answers.get(text) ?? classify(text);
}

let scorer: (text: string) => Classification = (text) => classify(text);
let title = "built-in classifier";
if (values.ai) {
  const ai = await aiAnswers();
  if (!ai) {
    console.error("--ai: the AI classifier is not configured. Set AI_CLASSIFIER_URL, AI_CLASSIFIER_API_KEY and AI_CLASSIFIER_MODEL.");
    process.exit(2);
  }
  scorer = ai;
  title = "AI classifier";
}

for (const { file, items } of sets) {
  console.log(`## Frozen held-out set \`${file}\` (${items.length}), ${title} (never trained or tuned on)\n`);
  const rows = evaluateByVariant(items, scorer);
  const heldAll = evaluate(items, scorer);
  console.log(formatVariantTable([...rows, { variant: "all", report: heldAll }]));
  console.log("");
  console.log(formatReport(`${file}, all variants`, heldAll));
  console.log(`\n### Misclassified items of ${file} (${heldAll.failures.length})\n`);
  console.log(formatFailures(heldAll.failures));
  const heldMissed = rows.flatMap(({ variant, report }) => missedHeldoutTargets(report).map((miss) => `${variant}: ${miss}`));
  console.log(
    `\n${file}: targets per variant (negative recall ≥ ${HELDOUT_TARGETS.negativeRecall} at precision ≥ ${HELDOUT_TARGETS.negativePrecision}, intent accuracy ≥ ${HELDOUT_TARGETS.intentAccuracy}, order ids ≥ ${HELDOUT_TARGETS.orderIds}, language ≥ ${HELDOUT_TARGETS.languageAccuracy}): ${heldMissed.length ? `MISSED: ${heldMissed.join("; ")}` : "met"}`,
  );
  if (heldMissed.length > 0) process.exitCode = 1;
  console.log(`\n### What the default rules do with ${file}, by the threshold of \`maybe-unhappy\`\n`);
  console.log(formatTradeoff(routingTradeoff(items, scorer, TRADEOFF_THRESHOLDS)));
  console.log("");
}

if (!values.ai && chosen.length === 0) {
  const items = loadLabelledSet();
  const holdout = items.filter((item) => item.split === "holdout");
  const all = evaluate(items, (text) => classify(text));
  const held = evaluate(holdout, (text) => classify(text));
  console.log(`\n## The older labelled set (labelled.json; its tuning split was tuned on)\n`);
  console.log(formatReport("All items", all));
  console.log("");
  console.log(formatReport("Holdout (written after tuning)", held));
  console.log(`\n### Misclassified holdout items (${held.failures.length})\n`);
  console.log(formatFailures(held.failures));
  if (values["all-failures"]) {
    const tuning = all.failures.filter((failure) => "split" in failure.item && failure.item.split === "tune");
    console.log(`\n### Misclassified tuning items (${tuning.length})\n`);
    console.log(formatFailures(tuning));
  }
  const missed = missedTargets(all);
  console.log(
    `\nTargets on all of labelled.json (negative recall ≥ ${PRODUCT_TARGETS.negativeRecall}, order id precision and recall ≥ ${PRODUCT_TARGETS.orderIdPrecision}): ${missed.length ? `MISSED: ${missed.join("; ")}` : "met"}`,
  );
}
