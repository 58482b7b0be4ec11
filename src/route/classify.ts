/**
 * The classifier routing uses: the built-in one, or, when AI_CLASSIFIER_URL, _API_KEY and
 * _MODEL are configured, a model behind the same interface that falls back to the built-in
 * one on timeout or any failure.
 */
import type { Config } from "../env.ts";
import { type AiClassifier, type ClassifyOptions, classify, createAiClassifier } from "./classifier/index.ts";
import type { Classification } from "./engine.ts";

let cached: { key: string; classifier: AiClassifier } | undefined;

export async function classifyMessage(
  config: Pick<Config, "aiClassifier">,
  text: string,
  orderPatterns: ClassifyOptions["orderPatterns"],
): Promise<Classification> {
  const ai = config.aiClassifier;
  if (!ai) return classify(text, orderPatterns ? { orderPatterns } : {});
  const key = `${ai.endpoint}\u0000${ai.model}\u0000${ai.timeoutMs}\u0000${ai.apiKey}`;
  if (cached?.key !== key) {
    cached = { key, classifier: createAiClassifier({ ...ai, fetch: (input, init) => fetch(input, init) }) };
  }
  return cached.classifier(text, orderPatterns ? { orderPatterns } : {});
}
