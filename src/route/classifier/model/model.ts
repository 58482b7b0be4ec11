/**
 * The shipped model: a linear (softmax) model per task over the hashed features of
 * `features.ts`, trained offline by `npm run train:classifier` and shipped as `model.json`
 * (int8 weights, base64, one scale per task). Loading decodes it once per isolate; scoring a
 * message is one pass over its features.
 */
import type { NormalizedText } from "../normalize.ts";
import { INTENTS, type Intent, type Sentiment } from "../types.ts";
import { extractFeatures, FEATURE_BITS, MAX_FEATURES } from "./features.ts";

export const MODEL_LANGUAGES = ["en", "vi", "th", "id"] as const;
export type ModelLanguage = (typeof MODEL_LANGUAGES)[number];
export const MODEL_SENTIMENTS = ["negative", "neutral", "positive"] as const satisfies readonly Sentiment[];

export interface HeadFile {
  classes: string[];
  /** A weight is `int8 × scale`. */
  scale: number;
  bias: number[];
}

/** `model.json` as written by the training script. */
export interface ModelFile {
  format: 1;
  featureBits: number;
  seed: number;
  /** In the order their columns appear in each weight row. */
  heads: { intent: HeadFile; sentiment: HeadFile; language: HeadFile };
  /** Int8, row-major: one row per feature bucket, the heads' columns side by side. */
  weights: string;
}

export interface ModelScores {
  /** Probabilities, in the order of `INTENTS`. */
  intent: Float64Array;
  /** Probabilities, in the order of `MODEL_SENTIMENTS`. */
  sentiment: Float64Array;
  /** Probabilities, in the order of `MODEL_LANGUAGES`. */
  language: Float64Array;
}

export interface Model {
  score(text: NormalizedText, orderIds: number): ModelScores;
}

function decodeBase64(text: string): Int8Array {
  const binary = atob(text);
  const bytes = new Int8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = (binary.charCodeAt(i) << 24) >> 24;
  return bytes;
}

function softmaxInPlace(values: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) max = Math.max(max, value);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    values[i] = Math.exp((values[i] as number) - max);
    sum += values[i] as number;
  }
  for (let i = 0; i < values.length; i++) values[i] = (values[i] as number) / sum;
}

function sameClasses(head: HeadFile, expected: readonly string[], name: string): void {
  if (
    head.classes.length !== expected.length ||
    head.classes.some((value, i) => value !== expected[i]) ||
    head.bias.length !== expected.length
  ) {
    throw new Error(`model: the ${name} head's classes are not ${expected.join(",")}`);
  }
}

/** Checks a model file against this code's features and labels, and decodes it. Throws on a mismatch. */
export function loadModel(file: ModelFile): Model {
  if (file.format !== 1 || file.featureBits !== FEATURE_BITS) throw new Error("model: format or feature bits do not match this code");
  const { intent, sentiment, language } = file.heads;
  sameClasses(intent, INTENTS, "intent");
  sameClasses(sentiment, MODEL_SENTIMENTS, "sentiment");
  sameClasses(language, MODEL_LANGUAGES, "language");
  const weights = decodeBase64(file.weights);
  const width = intent.classes.length + sentiment.classes.length + language.classes.length;
  if (weights.length !== width << FEATURE_BITS) throw new Error("model: the weights do not fill the table");
  const heads = [intent, sentiment, language];
  const offsets = [0, intent.classes.length, intent.classes.length + sentiment.classes.length];
  const buffer = new Uint32Array(MAX_FEATURES);
  const sums = new Int32Array(width);

  return {
    score(text, orderIds) {
      const count = extractFeatures(text, orderIds, buffer);
      sums.fill(0);
      for (let f = 0; f < count; f++) {
        const row = (buffer[f] as number) * width;
        for (let c = 0; c < width; c++) sums[c] = (sums[c] as number) + (weights[row + c] as number);
      }
      // Each feature weighs 1/√count: long messages are not more certain for being long.
      const norm = count > 0 ? 1 / Math.sqrt(count) : 0;
      const out = heads.map((head, h) => {
        const logits = new Float64Array(head.classes.length);
        for (let c = 0; c < logits.length; c++) {
          logits[c] = (head.bias[c] as number) + (sums[(offsets[h] as number) + c] as number) * head.scale * norm;
        }
        softmaxInPlace(logits);
        return logits;
      });
      return { intent: out[0] as Float64Array, sentiment: out[1] as Float64Array, language: out[2] as Float64Array };
    },
  };
}

export function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

export function intentOf(scores: ModelScores): Intent {
  return INTENTS[argmax(scores.intent)] as Intent;
}
