/**
 * Routes one new inbound message, in three steps the conversation's Durable Object runs in
 * order: decide (classify, apply the workspace's rules; no I/O but cached reads), record
 * (the decision and its CRM effects, written with the message in one batch), act (a ticket,
 * one automatic reply). Every effect is keyed by the message, so a re-run after a crash
 * repeats none of them.
 */

import { lookUpChannel } from "../channel-cache.ts";
import type { Credentials, InboundMessage } from "../channels/types.ts";
import { readConfig } from "../env.ts";
import { derivedId } from "../lib/ids.ts";
import { sealedAt } from "../lib/secret-box.ts";
import { credentialsForUse } from "../objects/channel-health.ts";
import type { EnteredFrom } from "../objects/conversation-state.ts";
import { classifyMessage } from "../route/classify.ts";
import { type Decision, decide } from "../route/engine.ts";
import { withEnteredFrom } from "../route/entered-from.ts";
import { rulePatterns } from "../route/rule-patterns.ts";
import type { RuleAction, RuleSet } from "../route/rules.ts";
import { orderValues, render, templateText } from "../route/templates.ts";
import { secretBox } from "../secrets.ts";
import type { Settings } from "../settings.ts";
import type { Db } from "../storage/db.ts";
import type { Statement } from "../storage/event-deliveries.ts";
import { insertNoteStatement, tagAndAssignStatement } from "../storage/inbox.ts";
import { getRuleSet, type StoredRuleSet } from "../storage/rules.ts";
import { getSettings } from "../storage/settings.ts";
import type { TicketRow } from "../storage/tickets.ts";
import { aiHandoffNote, aiRouting, runAiTurn } from "./ai-reply.ts";
import type { EventSink } from "./event-sink.ts";
import { retryWithRenewedToken } from "./fresh-token.ts";
import { lookUpOrder, type OrderLookup } from "./order-lookup.ts";
import { type Author, type ConversationHistory, type ConversationHooks, type ReplyEffects, sendReply } from "./reply.ts";
import { openTicket, type Scope, type TicketFacts } from "./tickets.ts";

export interface RouteRequest {
  scope: Scope;
  messageId: string;
  item: InboundMessage;
  isNewContact: boolean;
  mode: "bot" | "awaiting_human";
  /** Where the buyer opened the chat from, when the platform said (TikTok Shop). */
  enteredFrom: EnteredFrom | null;
  now: number;
}

/** What the rules decided for a message, with what acting on it needs. Made before anything is written. */
export interface Routed {
  decision: Decision;
  ruleSet: StoredRuleSet;
  settings: Settings;
  credentials: Credentials;
  /** The decision as stored with the message. */
  routing: string;
}

export interface RouteOutcome {
  decision: Decision;
  ticket: TicketRow | null;
  /** An automatic reply went out: it stops the first-response clocks. */
  replied: boolean;
}

/** Classifies the message and applies the workspace's rules (cached per isolate): no writes. */
export async function decideRoute(env: Env, db: Db, request: RouteRequest): Promise<Routed> {
  const { scope, item, now } = request;
  const [ruleSet, settings, channel] = await Promise.all([
    getRuleSet(db, scope.workspaceId),
    getSettings(db, scope.workspaceId),
    lookUpChannel(db, () => secretBox(env), scope.channel.id, now),
  ]);
  // Compiled within the rule set's budget, the same patterns PUT /v1/rules checked.
  const { orderPatterns } = rulePatterns(ruleSet.rules);
  const classification = withEnteredFrom(await classifyMessage(readConfig(env), item.text ?? "", orderPatterns), request.enteredFrom);
  const decision = decide(
    {
      text: item.text,
      channel: scope.channel.platform,
      classification,
      isNewContact: request.isNewContact,
      conversationState: request.mode,
    },
    ruleSet.rules,
  );
  const credentials: Credentials = channel?.workspaceId === scope.workspaceId ? channel.credentials : {};
  return { decision, ruleSet, settings, credentials, routing: JSON.stringify({ rulesVersion: ruleSet.version, ...decision }) };
}

/** The decision's actions (actOnRoute) that call out of the gateway: a reply, or a ticket that looks the order up. */
export function callsOut(routed: Routed): boolean {
  const hasOrderId = routed.decision.classification.orderIds.length > 0;
  return routed.decision.actions.some(
    ({ action }) =>
      action.type === "reply_order_status" ||
      action.type === "reply_template" ||
      action.type === "ai_reply" ||
      (action.type === "escalate" && hasOrderId),
  );
}

/** The decision's CRM effects (tags, queue, notes) as statements, written with the message. */
export async function routingStatements(db: Db, request: RouteRequest, routed: Routed): Promise<Statement[]> {
  const { scope, now } = request;
  const statements: Statement[] = [];
  const tags = new Set<string>();
  let queue: string | null = null;
  for (const { action, ruleId } of routed.decision.actions) {
    if (action.type === "tag") for (const tag of action.tags) tags.add(tag);
    if (action.type === "assign") queue = action.queue;
    if (action.type === "note")
      statements.push(
        insertNoteStatement(db, {
          id: await derivedId("note", request.messageId, ruleId),
          workspaceId: scope.workspaceId,
          contactId: scope.contact.id,
          conversationId: scope.conversation.id,
          text: action.text,
          author: `rule:${ruleId}`,
          createdAt: now,
        }),
      );
  }
  if (tags.size > 0 || queue)
    statements.push(
      ...tagAndAssignStatement(db, { contactId: scope.contact.id, conversationId: scope.conversation.id }, { tags: [...tags], queue }, now),
    );
  return statements;
}

/**
 * Acts on the decision once the message is stored: one automatic reply, a ticket. Every
 * effect is keyed by the message, so a re-run repeats none of them. `known` lets the reply
 * skip reading the conversation and contact (the caller just wrote them).
 */
export async function actOnRoute(
  env: Env,
  db: Db,
  request: RouteRequest,
  routed: Routed,
  effects: ReplyEffects & { sink: EventSink; hooks: ConversationHooks; history: ConversationHistory },
): Promise<RouteOutcome> {
  const { scope, now } = request;
  const { decision, settings, credentials } = routed;
  const { classification } = decision;
  const outcome: RouteOutcome = { decision, ticket: null, replied: false };
  const facts: TicketFacts = {
    intent: classification.intent,
    sentiment: classification.sentiment,
    orderId: classification.orderIds[0] ?? null,
    orderStatus: null,
    enteredFrom: request.enteredFrom ? { source: request.enteredFrom.source, refId: request.enteredFrom.refId } : null,
  };
  // The order lookup is needed by a reply, an escalation or both: it is done at most once per message.
  let lookup: Promise<OrderLookup> | undefined;
  const orderLookup = (orderId: string) => {
    lookup ??= lookUpOrderWithToken(env, db, scope, orderId, { settings, credentials }, now);
    return lookup.then((result) => {
      if (result.kind === "found") facts.orderStatus = result.order.status;
      return result;
    });
  };

  const escalate = async (reason: string) => {
    if (outcome.ticket) return;
    // The agent wants the order's status most when the bot did not answer: look it up for the ticket.
    if (facts.orderId && facts.orderStatus === null) await orderLookup(facts.orderId);
    outcome.ticket = await openTicket(db, scope, { causeId: request.messageId, reason, facts, now }, effects.sink, effects.history);
  };

  const reply = async (text: string, author: Author, key: string, routing?: string) => {
    const sent = await sendReply(
      env,
      {
        workspaceId: scope.workspaceId,
        conversationId: scope.conversation.id,
        text,
        author,
        messageId: await derivedId("msg", key, request.messageId),
        routing,
      },
      undefined,
      effects,
    );
    if (sent.kind === "sent") outcome.replied = true;
    // A reply the platform refuses is recorded and handed to a human.
    if (sent.kind === "refused") await escalate(`automatic reply refused: ${sent.reason}`);
    if (sent.kind === "failed") await escalate(`automatic reply failed: ${sent.message.error ?? "platform error"}`);
  };

  for (const { action } of decision.actions) {
    if (action.type === "escalate") await escalate(action.reason);
    if (action.type === "ai_reply") {
      // A re-run after a crash finds the answer already recorded: the model is not asked again
      // (a second answer could differ, and each call spends the budget); sendReply settles it.
      if (!effects.known && (await effects.hooks.getMessage(await derivedId("msg", "ai-reply", request.messageId)))) {
        await reply("", { type: "ai" }, "ai-reply");
        continue;
      }
      const turn = await runAiTurn(env, db, settings.ai, {
        workspaceId: scope.workspaceId,
        conversationId: scope.conversation.id,
        messageId: request.messageId,
        platform: scope.channel.platform,
        contactName: scope.contact.displayName ?? null,
        text: request.item.text ?? "",
        classification,
        now,
        history: effects.history,
        // The message's own order shares the look-up a ticket would make; another the model names is looked up apart.
        lookupOrder: (orderId) =>
          orderId === facts.orderId ? orderLookup(orderId) : lookUpOrderWithToken(env, db, scope, orderId, { settings, credentials }, now),
      });
      if (turn.outcome.kind === "handoff") {
        // What the model tried stays with the conversation for the human who takes over.
        const note = aiHandoffNote(turn);
        if (note)
          await insertNoteStatement(db, {
            id: await derivedId("note", request.messageId, "ai-handoff"),
            workspaceId: scope.workspaceId,
            contactId: scope.contact.id,
            conversationId: scope.conversation.id,
            text: note,
            author: `ai:${turn.model}`,
            createdAt: now,
          });
        await escalate(turn.outcome.reason);
      } else await reply(turn.outcome.text, { type: "ai", model: turn.model }, "ai-reply", aiRouting(turn, routed.ruleSet.version));
      continue;
    }
    if (action.type !== "reply_order_status" && action.type !== "reply_template") continue;
    const text = await replyText(action, {
      classification,
      rules: routed.ruleSet.rules,
      orderLookup,
      conversationId: scope.conversation.id,
    });
    if (!text) continue;
    await reply(text, { type: "bot" }, "auto-reply");
  }
  return outcome;
}

async function replyText(
  action: Extract<RuleAction, { type: "reply_order_status" | "reply_template" }>,
  context: {
    classification: Decision["classification"];
    rules: RuleSet;
    orderLookup: (orderId: string) => Promise<OrderLookup>;
    conversationId: string;
  },
): Promise<string | null> {
  const { language } = context.classification;
  if (action.type === "reply_template") {
    const text = templateText(context.rules, action.template, language);
    return text ? render(text, {}) : null;
  }
  const orderId = context.classification.orderIds[0];
  if (!orderId) return null;
  const lookup = await context.orderLookup(orderId);
  if (lookup.kind === "found")
    return render(templateText(context.rules, "order_status", language) ?? "", orderValues(lookup.order, language));
  if (lookup.kind === "failed")
    console.warn(JSON.stringify({ msg: "order lookup failed", conversationId: context.conversationId, error: lookup.error }));
  const template = lookup.kind === "not_found" ? "order_not_found" : "order_lookup_failed";
  return render(templateText(context.rules, template, language) ?? "", { orderId });
}

/**
 * Looks the order up with the channel's token fit to use: renewed first when due, and once
 * more when the platform refuses it as unauthorized, then asked again (as a reply is).
 */
async function lookUpOrderWithToken(
  env: Env,
  db: Db,
  scope: Scope,
  orderId: string,
  source: { settings: Settings; credentials: Credentials },
  now: number,
): Promise<OrderLookup> {
  const lookUp = (credentials: Credentials) =>
    lookUpOrderFor(env, scope.workspaceId, orderId, { settings: source.settings, platform: scope.channel.platform, credentials }, now);
  const current = await usableCredentials(env, db, scope, source.credentials, now);
  const result = await lookUp(current);
  if (result.kind !== "failed" || !result.unauthorized) return result;
  const after = await retryWithRenewedToken(
    env,
    scope.channel.id,
    current.accessToken ?? "",
    lookUp,
    (retried) => retried.kind === "failed" && retried.unauthorized === true,
  );
  if (after.kind === "retried") return after.result;
  if (after.kind === "unchanged") return result;
  // The platform's own words first, then why the gateway could not mend it.
  return { kind: "failed", error: `${result.error}; token refresh: ${after.answer.reason}` };
}

/** The channel's credentials with a token fit for an order look-up (renewed first when due). */
async function usableCredentials(env: Env, db: Db, scope: Scope, credentials: Credentials, now: number): Promise<Credentials> {
  const channel = await lookUpChannel(db, () => secretBox(env), scope.channel.id, now);
  return channel?.workspaceId === scope.workspaceId ? credentialsForUse(env, channel, now) : credentials;
}

function lookUpOrderFor(
  env: Env,
  workspaceId: string,
  orderId: string,
  source: Parameters<typeof lookUpOrder>[1],
  now: number,
): Promise<OrderLookup> {
  const config = readConfig(env);
  return secretBox(env).then((box) =>
    lookUpOrder(orderId, source, {
      fetch: (input, init) => fetch(input, init),
      now,
      allowPrivate: config.allowPrivateEndpoints,
      open: (sealed, header) => box.open(sealed, sealedAt.orderLookupHeader(workspaceId, header)),
      tiktokApiBase: config.apiBase.tiktok,
    }),
  );
}
