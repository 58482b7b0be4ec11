/**
 * The classifier's public vocabulary: what a message is about, how it feels, which language
 * it is in, and the order numbers it names. The routing engine branches on these values.
 */
import type { LinearRegex } from "../regex.ts";

export const INTENTS = ["order_status", "shipping", "change_order", "cancel", "refund", "human", "greeting", "other"] as const;
/**
 * `order_status`: where is MY order / a specific order. `shipping`: shipping time, cost or carrier
 * in general. `change_order`: size, colour, address, quantity. `refund`: refund, return, money
 * back. `human`: an explicit ask for a person. `greeting`: only a greeting or thanks.
 */
export type Intent = (typeof INTENTS)[number];

export const SENTIMENTS = ["negative", "neutral", "positive"] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export const LANGUAGES = ["en", "vi", "th", "id", "unknown"] as const;
export type Language = (typeof LANGUAGES)[number];

export interface Classification {
  intent: Intent;
  sentiment: Sentiment;
  language: Language;
  /** Order numbers in the order they appear, without duplicates. */
  orderIds: string[];
  /** What matched, for explaining a decision to an agent: `cancel:vi:hủy`, `order_id:tiktok`. Never message text. */
  signals: string[];
  /** How likely the message is a complaint, 0–1, when the classifier can tell (the built-in one does). */
  negativeProbability?: number;
  /** The probability of `intent`, 0–1, when the classifier can tell (the built-in one does). */
  intentConfidence?: number;
}

/** A workspace's own order-number pattern, compiled by `compileOrderPattern` (RE2, linear time). */
export interface OrderPattern {
  readonly source: string;
  readonly regex: LinearRegex;
  /** RE2's program size: matching time is proportional to it. */
  readonly size: number;
}

export interface ClassifyOptions {
  /**
   * The workspace's order-number patterns: regex sources with one capture group (the id), or
   * patterns already compiled by `compileOrderPatterns`. Invalid sources are skipped, never thrown.
   */
  orderPatterns?: readonly (string | OrderPattern)[];
}

export type Classifier = (text: string, options?: ClassifyOptions) => Classification;
