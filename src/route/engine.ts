/**
 * The routing engine: a message, its context and the classifier's reading → an ordered list
 * of actions, each with the rule and the reason that produced it. Pure: no bindings, no I/O;
 * the decision is stored with the message so an agent can see why.
 */
import type { Platform } from "../events/schema.ts";
import type { Classification } from "./classifier/types.ts";
import { rulePatterns } from "./rule-patterns.ts";
import type { Condition, RuleAction, RuleSet } from "./rules.ts";

export type { Classification };

export interface RouteInput {
  text: string | null;
  channel: Platform;
  classification: Classification;
  /** The contact's first message ever. */
  isNewContact: boolean;
  /** `awaiting_human` while a ticket is open: no automatic replies then. */
  conversationState: "bot" | "awaiting_human";
}

export interface PlannedAction {
  action: RuleAction;
  ruleId: string;
  reason: string;
}

export interface Decision {
  classification: Classification;
  actions: PlannedAction[];
  /** Rules that matched but whose actions were held back, and why. */
  skipped: { ruleId: string; reason: string }[];
}

const isReply = (action: RuleAction) =>
  action.type === "reply_order_status" || action.type === "reply_template" || action.type === "ai_reply";

export function decide(input: RouteInput, rules: RuleSet): Decision {
  const decision: Decision = { classification: input.classification, actions: [], skipped: [] };
  // Every textMatches in one pass over the text, the first time a rule needs it.
  let matching: ReadonlySet<number> | undefined;
  const textMatches = (i: number) => {
    matching ??= input.text ? rulePatterns(rules).matchingRules(input.text) : new Set<number>();
    return matching.has(i);
  };
  for (const [i, rule] of rules.rules.entries()) {
    const why = matches(rule.when, () => textMatches(i), input);
    if (why === null) continue;
    for (const action of rule.actions) {
      const held = holdBack(action, input, decision);
      if (held) decision.skipped.push({ ruleId: rule.id, reason: held });
      else decision.actions.push({ action, ruleId: rule.id, reason: why });
    }
    if (rule.stop) break;
  }
  return decision;
}

/** One automatic reply per message, none while a human has the conversation or once it is escalated. */
function holdBack(action: RuleAction, input: RouteInput, decision: Decision): string | null {
  const planned = decision.actions.map((a) => a.action);
  if (action.type === "escalate") {
    if (input.conversationState === "awaiting_human") return "a ticket is already open for this conversation";
    if (planned.some((a) => a.type === "escalate")) return "already escalated by an earlier rule";
    return null;
  }
  if (!isReply(action)) return null;
  if (input.conversationState === "awaiting_human") return "a human is handling this conversation";
  if (planned.some((a) => a.type === "escalate")) return "escalated: no automatic reply";
  if (planned.some(isReply)) return "one automatic reply per message";
  return null;
}

/**
 * Why the condition holds (for the agent), or null when it does not. `textMatched` says whether
 * the condition's pattern matches the text; one the engine skips (a rule set saved before the
 * checks) never does.
 */
function matches(when: Condition, textMatched: () => boolean, input: RouteInput): string | null {
  const { classification: c } = input;
  const reasons: string[] = [];
  if (when.intent) {
    if (!when.intent.includes(c.intent)) return null;
    reasons.push(`intent ${c.intent}`);
  }
  if (when.sentiment) {
    if (!when.sentiment.includes(c.sentiment)) return null;
    reasons.push(`sentiment ${c.sentiment}`);
  }
  if (when.language) {
    if (c.language === "unknown" || !when.language.includes(c.language)) return null;
    reasons.push(`language ${c.language}`);
  }
  if (when.channel) {
    if (!when.channel.includes(input.channel)) return null;
    reasons.push(`channel ${input.channel}`);
  }
  if (when.hasOrderId !== undefined) {
    if (when.hasOrderId !== c.orderIds.length > 0) return null;
    reasons.push(c.orderIds.length > 0 ? `names order ${c.orderIds[0]}` : "names no order");
  }
  if (when.newContact !== undefined) {
    if (when.newContact !== input.isNewContact) return null;
    reasons.push(input.isNewContact ? "first message from a new contact" : "returning contact");
  }
  if (when.textMatches !== undefined) {
    if (!textMatched()) return null;
    reasons.push(`text matches /${when.textMatches}/`);
  }
  if (when.negativeAtLeast !== undefined) {
    const probability = c.negativeProbability ?? (c.sentiment === "negative" ? 1 : 0);
    if (probability < when.negativeAtLeast) return null;
    reasons.push(`probability of negative ${probability} ≥ ${when.negativeAtLeast}`);
  }
  return reasons.length > 0 ? reasons.join(", ") : "always";
}
