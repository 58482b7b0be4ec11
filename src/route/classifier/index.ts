/**
 * The message classifier the routing engine calls: intent, sentiment, language, order numbers.
 * `classify` is the built-in, pure one; `createAiClassifier` asks a model and falls back to it.
 */
export { type AiClassifier, type AiClassifierConfig, createAiClassifier } from "./ai.ts";
export { classify, extractOrderIds, MAX_CLASSIFIED_LENGTH } from "./classify.ts";
export {
  type CompileOrderPatternsResult,
  compileOrderPatterns,
  MAX_ORDER_PATTERN_LENGTH,
  MAX_ORDER_PATTERNS,
  type OrderPatternError,
  type OrderPatternErrorCode,
} from "./order-patterns.ts";
export {
  type Classification,
  type Classifier,
  type ClassifyOptions,
  INTENTS,
  type Intent,
  LANGUAGES,
  type Language,
  type OrderPattern,
  SENTIMENTS,
  type Sentiment,
} from "./types.ts";
