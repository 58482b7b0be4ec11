/**
 * What the gateway's own classifier and default rules decide for each DM a run sent, so the
 * run knows how many automatic replies and tickets to wait for. Loaded from src/ at run
 * time; null when the routing code is not there (or does not load) yet.
 */

import type { Classification } from "../src/route/classifier/types.ts";
import type { Decision, RouteInput } from "../src/route/engine.ts";
import type { RuleSet } from "../src/route/rules.ts";
import { importSrc } from "./src-loader.ts";

export interface Routing {
  classify(text: string): Classification;
  decide(input: RouteInput): Decision;
}

type Classify = (text: string, orderPatterns: readonly string[]) => Classification;

/**
 * The built-in classifier: `classify` from src/route/classifier (pure, synchronous); failing
 * that, the older `classifyMessage(text, patterns)` of src/route/classify.ts.
 */
export async function loadClassifier(dir: string): Promise<Classify> {
  try {
    const { classify } = await importSrc<{ classify(text: string, options?: { orderPatterns?: readonly string[] }): Classification }>(
      dir,
      "route/classifier/index.ts",
    );
    if (typeof classify === "function") return (text, orderPatterns) => classify(text, { orderPatterns });
  } catch {
    // fall through to the older entry point
  }
  const { classifyMessage } = await importSrc<{ classifyMessage(...args: unknown[]): Classification }>(dir, "route/classify.ts");
  if (classifyMessage.length > 2) throw new Error("src/route/classify.ts classifyMessage needs a config; no synchronous classifier found");
  return (text, orderPatterns) => classifyMessage(text, orderPatterns);
}

export async function loadRouting(dir: string): Promise<{ routing: Routing | null; error: string | null }> {
  try {
    const [classify, { decide }, { DEFAULT_RULE_SET }] = await Promise.all([
      loadClassifier(dir),
      importSrc<{ decide(input: RouteInput, rules: RuleSet): Decision }>(dir, "route/engine.ts"),
      importSrc<{ DEFAULT_RULE_SET: RuleSet }>(dir, "route/rules.ts"),
    ]);
    return {
      routing: {
        classify: (text) => classify(text, DEFAULT_RULE_SET.orderPatterns),
        decide: (input) => decide(input, DEFAULT_RULE_SET),
      },
      error: null,
    };
  } catch (error) {
    return { routing: null, error: error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error) };
  }
}

export interface Expected {
  /** An automatic reply goes to the platform. */
  reply: boolean;
  /** The reply needs an order look-up first. */
  orderLookup: boolean;
  ticket: boolean;
}

/**
 * Expected effects per message, simulating each conversation in send order: its first
 * message is a new contact's; after an escalation the conversation awaits a human.
 */
export function expectEffects(routing: Routing, messages: readonly { conversation: number; first: boolean; text: string }[]): Expected[] {
  const awaitingHuman = new Set<number>();
  return messages.map((message) => {
    const decision = routing.decide({
      text: message.text,
      channel: "tiktok",
      classification: routing.classify(message.text),
      isNewContact: message.first,
      conversationState: awaitingHuman.has(message.conversation) ? "awaiting_human" : "bot",
    });
    const types = decision.actions.map((planned) => planned.action.type);
    const ticket = types.includes("escalate");
    if (ticket) awaitingHuman.add(message.conversation);
    return {
      reply: types.includes("reply_order_status") || types.includes("reply_template"),
      orderLookup: types.includes("reply_order_status"),
      ticket,
    };
  });
}
