// Trains the built-in classifier's model and writes src/route/classifier/model/model.json.
//   npm run train:classifier                      train on the whole corpus (seed 16), write the model
//   npm run train:classifier -- --seed 7          another seed (the unit test expects the shipped one: 16)
//   npm run train:classifier -- --dev             train on 80 % of the corpus's templates, report the other 20 %
//                                                 (the dev split, whole templates: where thresholds and options
//                                                 are chosen); writes nothing
//   npm run train:classifier -- --cv              5-fold cross-validation over whole templates (how the training
//                                                 options and the intent thresholds were chosen); writes nothing
//   npm run train:classifier -- --check           exit 1 if retraining does not reproduce the shipped file
// The corpus is scripts/classifier/corpus/ (README there). Never the frozen held-out set.
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { createClassifier, NEGATIVE_THRESHOLD } from "../src/route/classifier/classify.ts";
import { loadModel } from "../src/route/classifier/model/model.ts";
import type { Classification } from "../src/route/classifier/types.ts";
import {
  evaluate,
  formatReport,
  formatTradeoff,
  formatVariantTable,
  routingTradeoff,
  TRADEOFF_THRESHOLDS,
} from "../test/classifier/evaluate.ts";
import { buildCorpus, type CorpusItem, seededRandom } from "./classifier/corpus/generate.ts";
import { DEFAULT_SEED, DEFAULT_TRAIN_OPTIONS, serializeModel, sha256, trainModel } from "./classifier/train.ts";
import { failUsage, readCommandLine } from "./lib/cli.ts";

const CORPUS_SOURCES = ["en", "vi", "vi-nodiac", "th", "id", "labelled"] as const;
const MODEL_PATH = new URL("../src/route/classifier/model/model.json", import.meta.url);

const USAGE = `usage: npm run train:classifier -- [--seed N] [--dev | --cv | --check]

Trains the built-in classifier on scripts/classifier/corpus/ (never the held-out set) and
writes src/route/classifier/model/model.json.

  --seed N   another seed (default ${DEFAULT_SEED}; the unit test expects the shipped one)
  --dev      train on 80 % of the corpus's templates, report the other 20 %; writes nothing
  --cv       5-fold cross-validation over whole templates; writes nothing
  --check    exit 1 if retraining does not reproduce the shipped file
  --epochs N, --l2 X, --rate X   other training options, to compare them with --cv or --dev
  --negative-threshold X, --rule-below X   other decision constants (classify.ts), likewise
  --help     this text`;

const { values } = readCommandLine(USAGE, () =>
  parseArgs({
    options: {
      seed: { type: "string", default: String(DEFAULT_SEED) },
      dev: { type: "boolean", default: false },
      check: { type: "boolean", default: false },
      cv: { type: "boolean", default: false },
      epochs: { type: "string" },
      l2: { type: "string" },
      rate: { type: "string" },
      "negative-threshold": { type: "string" },
      "rule-below": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  }),
);
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) failUsage(USAGE, `--seed takes a non-negative integer, not '${values.seed}'`);

const corpus = buildCorpus(seed);
const options = {
  ...DEFAULT_TRAIN_OPTIONS,
  seed,
  ...(values.epochs ? { epochs: Number(values.epochs) } : {}),
  ...(values.l2 ? { l2: Number(values.l2) } : {}),
  ...(values.rate ? { learningRate: Number(values.rate) } : {}),
};
const decision = {
  ...(values["negative-threshold"] ? { negativeThreshold: Number(values["negative-threshold"]) } : {}),
  ...(values["rule-below"] ? { ruleIntentBelow: Number(values["rule-below"]) } : {}),
};
if (!values.cv && !values.dev && (values.epochs || values.l2 || values.rate || Object.keys(decision).length > 0)) {
  failUsage(USAGE, "--epochs, --l2, --rate, --negative-threshold and --rule-below only go with --cv or --dev");
}

if (values.cv) {
  const random = seededRandom(seed ^ 0xc5);
  const fold = new Map<string, number>();
  for (const item of corpus) if (!fold.has(item.group)) fold.set(item.group, Math.floor(random() * 5));
  console.log(
    "| fold | dev items | intent acc. | negative P | negative R | templates only: intent acc. | negative P | negative R | hand-written natural only: intent acc. | negative P | negative R |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  const sums = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  // Every message is scored once, by the fold's model that never saw its group: pooled per language below.
  const outOfFold = new Map<string, Classification>();
  for (let k = 0; k < 5; k++) {
    const model = loadModel(
      trainModel(
        corpus.filter((item) => fold.get(item.group) !== k),
        options,
      ),
    );
    const classify = createClassifier(() => model, decision);
    const dev = corpus.filter((item) => fold.get(item.group) === k);
    for (const item of dev) outOfFold.set(item.text, classify(item.text));
    const all = evaluate(dev.map(asScored), (text) => classify(text));
    const templates = evaluate(
      dev.filter((item) => item.source !== "labelled" && !item.group.startsWith("natural:")).map(asScored),
      (text) => classify(text),
    );
    const natural = evaluate(dev.filter((item) => item.group.startsWith("natural:")).map(asScored), (text) => classify(text));
    const figures = [all, templates, natural].flatMap((r) => [r.intentAccuracy, r.negative.precision, r.negative.recall]);
    for (const [i, v] of figures.entries()) sums[i] = (sums[i] as number) + v / 5;
    const cells = (values: number[]) => values.map((v) => v.toFixed(3)).join(" | ");
    console.log(`| ${k + 1} | ${dev.length} | ${cells(figures)} |`);
  }
  console.log(`| mean | | ${sums.map((v) => v.toFixed(3)).join(" | ")} |`);
  const pooled = (items: readonly CorpusItem[]) => evaluate(items.map(asScored), (text) => outOfFold.get(text) as Classification);
  // The corpus labels no order numbers (they come from exact rules): only the model's columns.
  const byLanguage = (items: readonly CorpusItem[]) =>
    [
      "| variant | items | intent acc. | negative P | negative R | language acc. |",
      "| --- | --- | --- | --- | --- | --- |",
      ...[...CORPUS_SOURCES, "all"].flatMap((source) => {
        const subset = source === "all" ? items : items.filter((item) => item.source === source);
        if (subset.length === 0) return [];
        const r = pooled(subset);
        const cells = [r.intentAccuracy, r.negative.precision, r.negative.recall, r.languageAccuracy].map((v) => v.toFixed(3));
        return [`| ${source} | ${subset.length} | ${cells.join(" | ")} |`];
      }),
    ].join("\n");
  console.log("\nPooled over the 5 folds (each message scored by the model that did not train on its group), per language:\n");
  console.log(byLanguage(corpus));
  console.log("\nHand-written natural messages only (the sterner part: no template siblings), per language:\n");
  console.log(byLanguage(corpus.filter((item) => item.group.startsWith("natural:"))));
  console.log("\nOf which round 3 (greetings with emoji, sarcasm, facts that are complaints, prices and phones), per language:\n");
  console.log(byLanguage(corpus.filter((item) => item.group.startsWith("natural:round3:"))));
  console.log("\nOf which round 4 (neutral statements of fact, product and policy questions, indirect asks for a person), per language:\n");
  console.log(byLanguage(corpus.filter((item) => item.group.startsWith("natural:round4:"))));
  const naturalFailures = pooled(corpus.filter((item) => item.group.startsWith("natural:"))).failures;
  for (const failure of naturalFailures.slice(0, Number(process.env.SHOW_FAILURES ?? 0))) {
    console.log(
      `${failure.wrong.join(",")}\t${failure.item.intent}/${failure.item.sentiment} → ${failure.got.intent}/${failure.got.sentiment}\t${failure.item.text}`,
    );
  }
} else if (values.dev) {
  // A fifth of the templates (all their fills) and of the labelled rows: the dev split never
  // shares a template with training, or it would only measure memory.
  const random = seededRandom(seed ^ 0xde7);
  const inDev = new Map<string, boolean>();
  const train: CorpusItem[] = [];
  const dev: CorpusItem[] = [];
  for (const item of corpus) {
    if (!inDev.has(item.group)) inDev.set(item.group, random() < 0.2);
    (inDev.get(item.group) ? dev : train).push(item);
  }
  const started = performance.now();
  const model = loadModel(trainModel(train, options));
  console.log(`trained on ${train.length} in ${((performance.now() - started) / 1000).toFixed(1)} s; dev split ${dev.length}\n`);
  const classify = createClassifier(() => model, decision);
  const rows = CORPUS_SOURCES.map((source) => ({
    variant: source,
    report: evaluate(dev.filter((item) => item.source === source).map(asScored), (text) => classify(text)),
  }));
  const all = evaluate(dev.map(asScored), (text) => classify(text));
  console.log(formatVariantTable([...rows, { variant: "all", report: all }]));
  console.log("");
  console.log(formatReport("Dev split", all));
  console.log(`\nNegative threshold sweep on the dev split (shipped: ${NEGATIVE_THRESHOLD}):\n`);
  // labelled.json's items were written apart from the templates: the sterner half of the dev split.
  const labelled = dev.filter((item) => item.source === "labelled");
  console.log("| P(negative) ≥ | precision | recall | labelled.json items: precision | recall |\n| --- | --- | --- | --- | --- |");
  const sweep = (items: readonly CorpusItem[], threshold: number) => {
    let tp = 0;
    let predicted = 0;
    let support = 0;
    for (const item of items) {
      const p = classify(item.text).negativeProbability ?? 0;
      if (item.sentiment === "negative") support++;
      if (p >= threshold) {
        predicted++;
        if (item.sentiment === "negative") tp++;
      }
    }
    return `${(tp / predicted).toFixed(3)} | ${(tp / support).toFixed(3)}`;
  };
  for (const threshold of [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6]) {
    console.log(`| ${threshold} | ${sweep(dev, threshold)} | ${sweep(labelled, threshold)} |`);
  }
  console.log("\nWhat the default rules do with the dev split, by the threshold of `maybe-unhappy`:\n");
  console.log(formatTradeoff(routingTradeoff(dev.map(asScored), (text) => classify(text), TRADEOFF_THRESHOLDS)));
  console.log("\nlabelled.json rows of the dev split only:\n");
  console.log(formatTradeoff(routingTradeoff(labelled.map(asScored), (text) => classify(text), TRADEOFF_THRESHOLDS)));
  console.log(`\nDev failures:\n`);
  for (const failure of all.failures.slice(0, Number(process.env.SHOW_FAILURES ?? 0))) {
    console.log(
      `${failure.wrong.join(",")}\t${failure.item.intent}/${failure.item.sentiment} → ${failure.got.intent}/${failure.got.sentiment}\t${failure.item.text}`,
    );
  }
} else {
  const started = performance.now();
  const text = serializeModel(trainModel(corpus, options));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (values.check) {
    const shipped = readFileSync(MODEL_PATH, "utf8");
    const same = sha256(shipped) === sha256(text);
    console.log(
      `retrained in ${seconds} s: ${same ? "identical to" : "DIFFERENT from"} the shipped model (sha256 ${sha256(text).slice(0, 16)})`,
    );
    if (!same) process.exitCode = 1;
  } else {
    writeFileSync(MODEL_PATH, text);
    console.log(`trained on ${corpus.length} messages (seed ${seed}) in ${seconds} s`);
    console.log(`wrote src/route/classifier/model/model.json: ${Buffer.byteLength(text)} bytes, sha256 ${sha256(text)}`);
  }
}

function asScored(item: CorpusItem) {
  return { text: item.text, language: item.language, intent: item.intent, sentiment: item.sentiment, orderIds: [] as string[] };
}
