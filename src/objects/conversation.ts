/**
 * One Durable Object per (channel, platform thread). It serializes the conversation's
 * work, so messages are stored and announced in arrival order, de-duplicates platform
 * retries, and (later) holds the SLA alarm.
 */
import { DurableObject } from "cloudflare:workers";
import { fanOut } from "../actions/fan-out.ts";
import { type RecordedMessage, recordInboundMessage } from "../actions/record-inbound.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { ChannelRef } from "../events/build.ts";
import { openDb } from "../storage/db.ts";
import { admitMessage, type ConversationState, INITIAL_STATE, reserveSeq } from "./conversation-state.ts";

export interface IngestInput {
  workspaceId: string;
  channel: ChannelRef;
  item: InboundMessage;
}

export type IngestOutcome = ({ duplicate: false } & RecordedMessage & { seq: number }) | { duplicate: true };

const STATE_KEY = "state";

export function conversationObjectName(channelId: string, platformThreadId: string): string {
  return `${channelId}:${platformThreadId}`;
}

/** The stub for a conversation's object (`wrangler types` leaves the namespace untyped). */
export function conversationStub(env: Env, channelId: string, platformThreadId: string): DurableObjectStub<ConversationObject> {
  const namespace = env.CONVERSATION as unknown as DurableObjectNamespace<ConversationObject>;
  return namespace.getByName(conversationObjectName(channelId, platformThreadId));
}

export class ConversationObject extends DurableObject<Env> {
  /** Input gates do not cover D1 or queue I/O, so ingests are chained explicitly. */
  private tail: Promise<unknown> = Promise.resolve();

  ingestMessage(input: IngestInput): Promise<IngestOutcome> {
    const run = this.tail.then(() => this.ingestNow(input));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** A position in the conversation for an outbound message, in the same sequence as inbound ones. */
  reserveSeq(): Promise<number> {
    const run = this.tail.then(() => {
      const reserved = reserveSeq(this.ctx.storage.kv.get<ConversationState>(STATE_KEY) ?? INITIAL_STATE);
      this.ctx.storage.kv.put(STATE_KEY, reserved.next);
      return reserved.seq;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async ingestNow(input: IngestInput): Promise<IngestOutcome> {
    const state = this.ctx.storage.kv.get<ConversationState>(STATE_KEY) ?? INITIAL_STATE;
    const admission = admitMessage(state, input.item.platformMessageId);
    if (admission.duplicate) return { duplicate: true };

    const db = openDb(this.env.DB);
    const now = Date.now();
    const recorded = await recordInboundMessage(db, input.item, {
      workspaceId: input.workspaceId,
      channel: input.channel,
      seq: admission.seq,
      now,
    });
    await fanOut(db, this.env.DELIVERIES_QUEUE, input.workspaceId, recorded.eventIds, now);
    // Saved only once everything above succeeded: a failure leaves the message unseen,
    // and the queue's retry records it (idempotently) again.
    this.ctx.storage.kv.put(STATE_KEY, admission.next);
    return { duplicate: false, seq: admission.seq, ...recorded };
  }
}
