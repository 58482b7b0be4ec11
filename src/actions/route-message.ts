/**
 * Routes one new inbound message: classify, decide with the workspace's rules, store the
 * decision with the message, then act (CRM tags and queue, notes, a ticket, one automatic
 * reply). Runs inside the conversation's Durable Object, once per platform message; every
 * effect is keyed by the message, so a re-run after a crash repeats none of them.
 */

import { lookUpChannel } from "../channel-cache.ts";
import type { Credentials, InboundMessage } from "../channels/types.ts";
import { readConfig } from "../env.ts";
import { derivedId } from "../lib/ids.ts";
import { classifyMessage } from "../route/classify.ts";
import { type Decision, decide } from "../route/engine.ts";
import type { RuleAction, RuleSet } from "../route/rules.ts";
import { orderValues, render, templateText } from "../route/templates.ts";
import { secretBox } from "../secrets.ts";
import type { Db } from "../storage/db.ts";
import { insertNote, setMessageRouting, tagAndAssign } from "../storage/inbox.ts";
import { getRuleSet } from "../storage/rules.ts";
import { getSettings } from "../storage/settings.ts";
import type { TicketRow } from "../storage/tickets.ts";
import { lookUpOrder, type OrderLookup } from "./order-lookup.ts";
import { type ConversationHooks, sendReply } from "./reply.ts";
import { openTicket, type Scope, type TicketFacts } from "./tickets.ts";

export interface RouteRequest {
  scope: Scope;
  messageId: string;
  item: InboundMessage;
  isNewContact: boolean;
  mode: "bot" | "awaiting_human";
  now: number;
}

export interface RouteOutcome {
  decision: Decision;
  /** Events to fan out (ticket.created); message.sent is fanned out by the reply itself. */
  eventIds: string[];
  ticket: TicketRow | null;
  /** An automatic reply went out: it stops the first-response clocks. */
  replied: boolean;
}

export async function routeMessage(env: Env, db: Db, request: RouteRequest, hooks: ConversationHooks): Promise<RouteOutcome> {
  const { scope, item, now } = request;
  const [ruleSet, settings, channel] = await Promise.all([
    getRuleSet(db, scope.workspaceId),
    getSettings(db, scope.workspaceId),
    lookUpChannel(db, () => secretBox(env), scope.channel.id, now),
  ]);
  const classification = await classifyMessage(readConfig(env), item.text ?? "", ruleSet.rules.orderPatterns);
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
  await setMessageRouting(db, request.messageId, JSON.stringify({ rulesVersion: ruleSet.version, ...decision }));

  const outcome: RouteOutcome = { decision, eventIds: [], ticket: null, replied: false };
  const facts: TicketFacts = {
    intent: classification.intent,
    sentiment: classification.sentiment,
    orderId: classification.orderIds[0] ?? null,
    orderStatus: null,
  };
  // The order lookup is needed by a reply, an escalation or both: it is done at most once per message.
  const credentials: Credentials = channel?.workspaceId === scope.workspaceId ? channel.credentials : {};
  let lookup: Promise<OrderLookup> | undefined;
  const orderLookup = (orderId: string) => {
    lookup ??= lookUpOrderFor(env, orderId, { settings, platform: scope.channel.platform, credentials }, now);
    return lookup.then((result) => {
      if (result.kind === "found") facts.orderStatus = result.order.status;
      return result;
    });
  };

  const escalate = async (reason: string) => {
    if (outcome.ticket) return;
    // The agent wants the order's status most when the bot did not answer: look it up for the ticket.
    if (facts.orderId && facts.orderStatus === null) await orderLookup(facts.orderId);
    const opened = await openTicket(db, scope, { causeId: request.messageId, reason, facts, now });
    outcome.ticket = opened.ticket;
    outcome.eventIds.push(...opened.eventIds);
  };

  const tags = new Set<string>();
  let queue: string | null = null;
  for (const { action, ruleId } of decision.actions) {
    switch (action.type) {
      case "tag":
        for (const tag of action.tags) tags.add(tag);
        break;
      case "assign":
        queue = action.queue;
        break;
      case "note":
        await insertNote(db, {
          id: await derivedId("note", request.messageId, ruleId),
          workspaceId: scope.workspaceId,
          contactId: scope.contact.id,
          conversationId: scope.conversation.id,
          text: action.text,
          author: `rule:${ruleId}`,
          createdAt: now,
        });
        break;
      case "escalate":
        await escalate(action.reason);
        break;
      case "reply_order_status":
      case "reply_template": {
        const text = await replyText(action, { classification, rules: ruleSet.rules, orderLookup, conversationId: scope.conversation.id });
        if (!text) break;
        const sent = await sendReply(
          env,
          {
            workspaceId: scope.workspaceId,
            conversationId: scope.conversation.id,
            text,
            author: "bot",
            messageId: await derivedId("msg", "auto-reply", request.messageId),
          },
          undefined,
          hooks,
        );
        if (sent.kind === "sent") outcome.replied = true;
        // A reply the platform refuses is recorded and handed to a human.
        if (sent.kind === "refused") await escalate(`automatic reply refused: ${sent.reason}`);
        if (sent.kind === "failed") await escalate(`automatic reply failed: ${sent.message.error ?? "platform error"}`);
        break;
      }
    }
  }
  if (tags.size > 0 || queue)
    await tagAndAssign(db, { contactId: scope.contact.id, conversationId: scope.conversation.id }, { tags: [...tags], queue }, now);
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

function lookUpOrderFor(env: Env, orderId: string, source: Parameters<typeof lookUpOrder>[1], now: number): Promise<OrderLookup> {
  const config = readConfig(env);
  return secretBox(env).then((box) =>
    lookUpOrder(orderId, source, {
      fetch: (input, init) => fetch(input, init),
      now,
      allowPrivate: config.allowPrivateEndpoints,
      open: (sealed) => box.open(sealed),
      tiktokApiBase: config.apiBase.tiktok,
    }),
  );
}
