/**
 * The AI tier's edge: reads what the agent needs (settings, the conversation's recent
 * messages, the workspace's knowledge), gives it the model, the tools and the budget, and
 * returns its outcome with the trace to store. The agent itself (ai/agent.ts) is pure.
 * What leaves the gateway: the prompt (the rules, the contact's display name, the
 * classification), the conversation's last messages and the tools' results, masked of
 * phone numbers, e-mail and street addresses when `ai.maskPersonalData` is on and the
 * model is a third party's (`ai.url`).
 */
import { type AgentContext, type AgentOutcome, type OrderToolResult, runAgent } from "../ai/agent.ts";
import { maskPersonalData } from "../ai/privacy.ts";
import { completeOpenAi, completeWorkersAi, type WorkersAi } from "../ai/provider.ts";
import { searchKnowledge } from "../ai/search.ts";
import type { Platform } from "../events/schema.ts";
import { sealedAt } from "../lib/secret-box.ts";
import type { Classification } from "../route/engine.ts";
import { secretBox } from "../secrets.ts";
import type { AiSettings } from "../settings.ts";
import type { Db } from "../storage/db.ts";
import { allKnowledge, takeAiCall } from "../storage/knowledge.ts";
import type { OrderLookup } from "./order-lookup.ts";
import type { ConversationHistory } from "./reply.ts";

/** The conversation's messages the model sees besides the new one. */
const RECENT_MESSAGES = 10;
/** Each message the model sees, cut to this: a pasted novel must not fill the context. */
const MAX_MESSAGE_CHARS = 2000;

/** One message's most characters per platform (their send limits; Instagram's is the tightest). */
const MAX_REPLY_LENGTH: Record<Platform, number> = {
  tiktok: 2000,
  whatsapp: 4096,
  telegram: 4096,
  line: 5000,
  zalo: 2000,
  x: 10_000,
  messenger: 2000,
  instagram: 1000,
};

const REPLY_WINDOW: Partial<Record<Platform, string>> = {
  whatsapp: "only within 24 hours of the buyer's last message",
  messenger: "only within 24 hours of the buyer's last message",
  instagram: "only within 24 hours of the buyer's last message",
  zalo: "only within 48 hours of the buyer's last message",
};

export interface AiTurn {
  outcome: AgentOutcome;
  model: string;
  provider: "openai-compatible" | "workers-ai";
  durationMs: number;
}

export interface AiTurnRequest {
  workspaceId: string;
  conversationId: string;
  /** The new message's id: it is among the recent messages already stored, and left out of them. */
  messageId: string;
  platform: Platform;
  contactName: string | null;
  text: string;
  classification: Classification;
  now: number;
  lookupOrder(orderId: string): Promise<OrderLookup>;
  /** The conversation's past, from its object. */
  history: ConversationHistory;
}

/** The limits checked before any model is called; null when the AI may answer. */
async function refusal(ai: AiSettings | null, request: AiTurnRequest): Promise<string | null> {
  if (!ai?.enabled) return "the AI tier is off (settings.ai)";
  const replies = await request.history.countAiReplies();
  if (replies >= ai.maxRepliesPerConversation) return `the AI has answered ${replies} times in this conversation; a human takes over`;
  return null;
}

export async function runAiTurn(env: Env, db: Db, ai: AiSettings | null, request: AiTurnRequest): Promise<AiTurn> {
  const started = Date.now();
  const model = ai?.model ?? "none";
  const provider = ai?.url ? "openai-compatible" : "workers-ai";
  const done = (outcome: AgentOutcome): AiTurn => ({ outcome, model, provider, durationMs: Date.now() - started });
  const empty = { steps: 0, toolCalls: [], tokens: { prompt: 0, completion: 0, total: 0 } };
  const refused = await refusal(ai, request);
  if (refused || !ai) return done({ kind: "handoff", reason: refused ?? "the AI tier is off", trace: empty });

  const workersAi = (env as { AI?: WorkersAi }).AI;
  if (!ai.url && !workersAi) {
    return done({
      kind: "handoff",
      reason: "no model: settings.ai has no url and this deployment has no Workers AI binding (AI)",
      trace: empty,
    });
  }
  let apiKey: string | null = null;
  if (ai.url && ai.apiKeySealed) {
    try {
      apiKey = await (await secretBox(env)).open(ai.apiKeySealed, sealedAt.aiApiKey(request.workspaceId));
    } catch {
      return done({ kind: "handoff", reason: "the AI's API key cannot be opened: enter it again (PATCH /v1/settings)", trace: empty });
    }
  }

  const mask = ai.url !== null && ai.maskPersonalData;
  const keep = request.classification.orderIds;
  const outbound = (text: string) => {
    const cut = text.slice(0, MAX_MESSAGE_CHARS);
    return mask ? maskPersonalData(cut, keep) : cut;
  };
  const recent = (await request.history.recentMessages(RECENT_MESSAGES + 1))
    .filter((m) => m.id !== request.messageId && m.text)
    .slice(-RECENT_MESSAGES)
    .map((m) => ({ direction: m.direction, text: outbound(m.text ?? "") }));
  const context: AgentContext = {
    shopName: null,
    platform: request.platform,
    maxReplyLength: MAX_REPLY_LENGTH[request.platform],
    replyWindow: REPLY_WINDOW[request.platform] ?? null,
    contactName: request.contactName && !mask ? request.contactName : null,
    classification: {
      intent: request.classification.intent,
      sentiment: request.classification.sentiment,
      language: request.classification.language,
      orderIds: request.classification.orderIds,
    },
    recent,
    message: outbound(request.text),
  };

  const deadline = started + ai.timeoutSeconds * 1000;
  const remainingMs = () => deadline - Date.now();
  const day = new Date(request.now).toISOString().slice(0, 10);
  let knowledge: ReturnType<typeof allKnowledge> | undefined;
  const outcome = await runAgent(context, {
    remainingMs,
    takeCall: () => takeAiCall(db, request.workspaceId, day, ai.dailyCallBudget),
    complete: (messages) => {
      const signal = AbortSignal.timeout(Math.max(1, remainingMs()));
      return ai.url
        ? completeOpenAi({ url: ai.url, apiKey, model: ai.model }, messages, signal, { fetch: (input, init) => fetch(input, init) })
        : completeWorkersAi(workersAi as WorkersAi, ai.model, messages, signal);
    },
    lookupOrder: async (orderId): Promise<OrderToolResult & Record<string, unknown>> => {
      const found = await request.lookupOrder(orderId);
      if (found.kind === "found") return { found: true, ...dropUndefined(found.order) };
      return { found: false, orderId, ...(found.kind === "failed" ? { error: "the order system did not answer" } : {}) };
    },
    searchKnowledge: async (query) => {
      knowledge ??= allKnowledge(db, request.workspaceId);
      const hits = searchKnowledge(await knowledge, query, 3);
      return hits.map((hit) => ({ id: hit.id, title: hit.title, text: mask ? maskPersonalData(hit.text) : hit.text }));
    },
  });
  return done(outcome);
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** What the AI reply's message keeps in `routing`: who wrote it, and how. */
export function aiRouting(turn: AiTurn, rulesVersion: number): string {
  return JSON.stringify({
    rulesVersion,
    author: { type: "ai", model: turn.model },
    ai: {
      model: turn.model,
      provider: turn.provider,
      steps: turn.outcome.trace.steps,
      toolCalls: turn.outcome.trace.toolCalls,
      tokens: turn.outcome.trace.tokens,
      durationMs: turn.durationMs,
    },
  });
}

/** A note's most characters: enough for a few tool calls, never a page of results. */
const MAX_NOTE_CHARS = 2000;

/** What the model did before it handed off, for the human who takes over; null when it was never asked. */
export function aiHandoffNote(turn: AiTurn): string | null {
  const { outcome } = turn;
  if (outcome.kind !== "handoff" || outcome.trace.steps === 0) return null;
  const calls = outcome.trace.toolCalls.map((call) => `${call.name}(${JSON.stringify(call.arguments)}) → ${JSON.stringify(call.result)}`);
  const text = [
    `The AI (${turn.model}) handed off after ${outcome.trace.steps} model call${outcome.trace.steps === 1 ? "" : "s"}: ${outcome.reason}.`,
    ...calls,
  ].join("\n");
  return text.length > MAX_NOTE_CHARS ? `${text.slice(0, MAX_NOTE_CHARS - 1)}…` : text;
}
