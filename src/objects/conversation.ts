/**
 * One Durable Object per (channel, platform thread). It serializes the conversation's work,
 * so messages are stored, routed and announced in arrival order; it de-duplicates platform
 * retries; it knows whether the bot or a human has the conversation; and its alarm runs the
 * SLA clocks. The decisions are pure (conversation-state.ts); this shell does the I/O.
 */
import { DurableObject } from "cloudflare:workers";
import { fanOut } from "../actions/fan-out.ts";
import { type RecordedMessage, recordInboundMessage } from "../actions/record-inbound.ts";
import type { Author, ConversationHooks } from "../actions/reply.ts";
import { routeMessage } from "../actions/route-message.ts";
import { announceClock, clockId, recordClockStart, recordClocksStopped } from "../actions/sla.ts";
import { openTicket, type Scope } from "../actions/tickets.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { ChannelRef } from "../events/build.ts";
import { responseWindowSeconds } from "../settings.ts";
import { type Db, openDb } from "../storage/db.ts";
import { getSettings } from "../storage/settings.ts";
import {
  admitMessage,
  type Clock,
  type ConversationState,
  dueClocks,
  escalate,
  newClock,
  nextAlarm,
  reserveSeq,
  resolveTicket,
  startClock,
  stopClocks,
  withDefaults,
} from "./conversation-state.ts";

export interface IngestInput {
  workspaceId: string;
  channel: ChannelRef;
  item: InboundMessage;
}

export type IngestOutcome = ({ duplicate: false } & RecordedMessage & { seq: number }) | { duplicate: true };

const STATE_KEY = "state";
const SCOPE_KEY = "scope";

export function conversationObjectName(channelId: string, platformThreadId: string): string {
  return `${channelId}:${platformThreadId}`;
}

/** The stub for a conversation's object (`wrangler types` leaves the namespace untyped). */
export function conversationStub(env: Env, channelId: string, platformThreadId: string): DurableObjectStub<ConversationObject> {
  const namespace = env.CONVERSATION as unknown as DurableObjectNamespace<ConversationObject>;
  return namespace.getByName(conversationObjectName(channelId, platformThreadId));
}

export class ConversationObject extends DurableObject<Env> {
  /** Input gates do not cover D1 or queue I/O, so the object's work is chained explicitly. */
  private tail: Promise<unknown> = Promise.resolve();

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private load(): ConversationState {
    return withDefaults(this.ctx.storage.kv.get<ConversationState>(STATE_KEY));
  }

  private async save(state: ConversationState): Promise<void> {
    this.ctx.storage.kv.put(STATE_KEY, state);
    const at = nextAlarm(state);
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
  }

  ingestMessage(input: IngestInput): Promise<IngestOutcome> {
    return this.serialize(() => this.ingest(input));
  }

  /** A position in the conversation for an outbound message, in the same sequence as inbound ones. */
  reserveSeq(): Promise<number> {
    return this.serialize(async () => {
      const reserved = reserveSeq(this.load());
      this.ctx.storage.kv.put(STATE_KEY, reserved.next);
      return reserved.seq;
    });
  }

  /** A reply went out: it answers every waiting message; an agent's also answers the ticket's clock. */
  onReplied(author: Author): Promise<void> {
    return this.serialize(async () => {
      const { next, stopped } = stopClocks(this.load(), author === "agent" ? ["first_response", "agent_response"] : ["first_response"]);
      await recordClocksStopped(openDb(this.env.DB), stopped, Date.now());
      await this.save(next);
    });
  }

  /**
   * An agent changed a ticket. Resolved: the bot answers again and the agent's clock stops.
   * Reopened: a human has the conversation again.
   */
  onTicketStatus(ticketId: string, status: "open" | "pending" | "resolved"): Promise<void> {
    return this.serialize(async () => {
      const state = this.load();
      if (status !== "resolved") {
        if (state.openTicketId !== ticketId) await this.save(escalate(state, ticketId));
        return;
      }
      if (state.openTicketId !== ticketId) return;
      const { next, stopped } = stopClocks(resolveTicket(state, ticketId), ["agent_response"]);
      await recordClocksStopped(openDb(this.env.DB), stopped, Date.now());
      await this.save(next);
    });
  }

  /** SLA clocks: warnings (and an escalation when nobody has the conversation yet), then breaches. */
  override alarm(): Promise<void> {
    return this.serialize(async () => {
      const scope = this.ctx.storage.kv.get<Scope>(SCOPE_KEY);
      const now = Date.now();
      const due = dueClocks(this.load(), now);
      if (!scope) return this.save(due.next);
      const db = openDb(this.env.DB);
      let state = due.next;
      const eventIds: string[] = [];
      for (const clock of due.warnings) {
        eventIds.push(await announceClock(db, scope, clock, "sla.warning", now));
        if (clock.kind === "first_response" && state.mode === "bot") {
          const escalation = await this.escalateFor(db, scope, state, clock, now);
          state = escalation.state;
          eventIds.push(...escalation.eventIds);
        }
      }
      for (const clock of due.breaches) eventIds.push(await announceClock(db, scope, clock, "sla.breached", now));
      await fanOut(db, this.env.DELIVERIES_QUEUE, scope.workspaceId, eventIds, now);
      await this.save(state);
    });
  }

  private async ingest(input: IngestInput): Promise<IngestOutcome> {
    const admission = admitMessage(this.load(), input.item.platformMessageId);
    if (admission.duplicate) return { duplicate: true };

    const db = openDb(this.env.DB);
    const now = Date.now();
    const recorded = await recordInboundMessage(db, input.item, {
      workspaceId: input.workspaceId,
      channel: input.channel,
      seq: admission.seq,
      now,
    });
    // Announced before routing, so an order lookup never delays message.received.
    await fanOut(db, this.env.DELIVERIES_QUEUE, input.workspaceId, recorded.eventIds, now);

    const scope: Scope = {
      workspaceId: input.workspaceId,
      channel: input.channel,
      contact: { id: recorded.contactId, platformUserId: input.item.sender.platformUserId, displayName: input.item.sender.displayName },
      conversation: { id: recorded.conversationId, platformThreadId: input.item.platformThreadId },
    };
    this.ctx.storage.kv.put(SCOPE_KEY, scope);

    // The clock starts when the gateway receives the message: a platform's late redelivery
    // must not arrive already breached.
    const settings = await getSettings(db, input.workspaceId);
    const window = responseWindowSeconds(settings);
    const clock = newClock(
      "first_response",
      await clockId("first_response", recorded.messageId),
      recorded.messageId,
      now,
      window,
      settings.warningRatio,
    );
    let state = startClock(admission.next, clock);
    await recordClockStart(db, scope, clock);

    const hooks: ConversationHooks = {
      reserveSeq: async () => {
        const reserved = reserveSeq(state);
        state = reserved.next;
        return reserved.seq;
      },
      replied: async () => {},
    };
    const routed = await routeMessage(
      this.env,
      db,
      { scope, messageId: recorded.messageId, item: input.item, isNewContact: recorded.newContact, mode: state.mode, now },
      hooks,
    );
    if (routed.replied) {
      const { next, stopped } = stopClocks(state, ["first_response"]);
      state = next;
      await recordClocksStopped(db, stopped, now);
    }
    if (routed.ticket) {
      state = escalate(state, routed.ticket.id);
      state = await this.startAgentClock(db, scope, state, routed.ticket.id, window, settings.warningRatio, now);
    }
    await fanOut(db, this.env.DELIVERIES_QUEUE, input.workspaceId, routed.eventIds, now);
    // Saved only once everything above succeeded: a failure leaves the message unseen, and
    // the queue's retry runs it again, every step keyed so nothing happens twice.
    await this.save(state);
    return { duplicate: false, seq: admission.seq, ...recorded };
  }

  private async escalateFor(db: Db, scope: Scope, state: ConversationState, clock: Clock, now: number) {
    const share = Math.round(((clock.warnAt - clock.startedAt) / (clock.deadline - clock.startedAt)) * 100);
    const reason = `no reply within ${share} % of the ${clock.windowSeconds} s response window`;
    const opened = await openTicket(db, scope, {
      causeId: clock.id,
      reason,
      facts: { intent: null, sentiment: null, orderId: null, orderStatus: null },
      now,
    });
    const settings = await getSettings(db, scope.workspaceId);
    const next = await this.startAgentClock(
      db,
      scope,
      escalate(state, opened.ticket.id),
      opened.ticket.id,
      responseWindowSeconds(settings),
      settings.warningRatio,
      now,
    );
    return { state: next, eventIds: opened.eventIds };
  }

  private async startAgentClock(
    db: Db,
    scope: Scope,
    state: ConversationState,
    ticketId: string,
    window: number,
    ratio: number,
    now: number,
  ) {
    const clock = newClock("agent_response", await clockId("agent_response", ticketId), ticketId, now, window, ratio);
    await recordClockStart(db, scope, clock);
    return startClock(state, clock);
  }
}
