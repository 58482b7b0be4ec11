/**
 * One Durable Object per (channel, platform thread). It serializes the conversation's work,
 * so messages are stored, routed and announced in arrival order; it keeps the conversation's
 * messages and reply outbox in its own SQLite (message-log.ts) and de-duplicates platform
 * retries against them (a message's id derives from the platform's); it knows whether the
 * bot or a human has the conversation; and its alarm runs the SLA clocks, the reply-window
 * warning, the outbox's sweep and the D1 summary (with search text) that waited. The
 * decisions are pure (conversation-state.ts); this shell does the I/O.
 */
import { DurableObject } from "cloudflare:workers";
import { eventLogs } from "../actions/event-log.ts";
import { type DueDelivery, type InlineSink, inlineSink, queuedSink } from "../actions/event-sink.ts";
import { type InboundIds, inboundIds, inboundRecord, type RecordedMessage } from "../actions/record-inbound.ts";
import {
  type AuthorType,
  type ConversationHistory,
  type ConversationHooks,
  type ConversationRpc,
  type KnownConversation,
  resumptionOf,
  SEND_CLAIM_MS,
} from "../actions/reply.ts";
import { announceWindowClosing } from "../actions/reply-window.ts";
import { actOnRoute, callsOut, decideRoute, type Routed, type RouteRequest, routingStatements } from "../actions/route-message.ts";
import { announceClock, clockId, clockStarted, clocksStopped, recordClocks } from "../actions/sla.ts";
import { changeTicket, openTicket, type Scope, type TicketPatch } from "../actions/tickets.ts";
import { replyWindowOf } from "../channels/registry.ts";
import type { InboundMessage } from "../channels/types.ts";
import type { ReplyJob } from "../consumers/messages.ts";
import type { ChannelRef } from "../events/build.ts";
import { responseWindowSeconds } from "../settings.ts";
import { chunk } from "../storage/chunk.ts";
import { type Db, openDb } from "../storage/db.ts";
import { workspaceAudience } from "../storage/endpoints.ts";
import { type IngestReads, messageSearchStatement, readForIngest, upsertConversationStatement } from "../storage/inbox.ts";
import type { Listed, Page } from "../storage/pagination.ts";
import { getSettings } from "../storage/settings.ts";
import { getTicket, type TicketRow } from "../storage/tickets.ts";
import { conversationObjectName } from "./conversation-name.ts";
import {
  admitMessage,
  armWindowWarning,
  type Clock,
  type ConversationState,
  type ConversationSummary,
  cancelWindowWarning,
  dueClocks,
  dueWindowWarning,
  type EnteredFrom,
  escalate,
  finishMessage,
  MAX_PENDING_SEARCH_CHARS,
  mergeSummary,
  newClock,
  nextAlarm,
  noteAdReferral,
  noteEnteredFrom,
  noteInbound,
  type PendingSummary,
  pendReplySearch,
  reserveSeq,
  resolveTicket,
  type SearchText,
  startClock,
  stopClocks,
  summaryWrite,
  withDefaults,
  withSearchText,
} from "./conversation-state.ts";
import { MessageLog, type MessagePatch, type MessageRow } from "./message-log.ts";

export interface IngestInput {
  workspaceId: string;
  channel: ChannelRef;
  item: InboundMessage;
}

/** `due`: the deliveries the ingest left to the caller to attempt at once (deliver/inline.ts). */
export type IngestOutcome =
  | ({ duplicate: false } & RecordedMessage & { seq: number; due: DueDelivery[]; act: boolean })
  | { duplicate: true; due: DueDelivery[] };

/**
 * A message between its two steps in its conversation's object: what step 1 (record)
 * learned and step 2 (act) needs. The routing request carries the message, its scope and
 * ids; `known` is the conversation and contact as step 1 wrote them (none on a re-run).
 */
interface MessageInFlight {
  request: RouteRequest;
  routed: Routed;
  known: KnownConversation | undefined;
  sink: InlineSink;
  responseWindowSeconds: number;
}

/** What step 1 leaves: a duplicate, or the message in flight with the state to act from. */
type Recorded =
  | { duplicate: true; due: DueDelivery[] }
  | {
      duplicate: false;
      inFlight: MessageInFlight;
      state: ConversationState;
      /** Whether the object's storage holds `state` already (else the next step must write it). */
      stateSaved: boolean;
      outcome: RecordedMessage & { duplicate: false; seq: number };
    };

export interface TicketChangeRequest {
  workspaceId: string;
  ticketId: string;
  channel: ChannelRef | null;
  patch: TicketPatch;
}

/**
 * How long this instance trusts the contact's status it last read (a block, an unfollow):
 * within it a message reads nothing from D1 before routing. A block that lands meanwhile
 * is refused by the platform itself: the automatic reply is recorded as failed.
 */
const CONTACT_TRUSTED_MS = 60_000;

const STATE_KEY = "state";
const SCOPE_KEY = "scope";
/** Queues take at most 100 messages a sendBatch. */
const QUEUE_BATCH_MESSAGES = 100;

/** The D1 statements writing the conversation's `summary` (when given) and its waiting `search` text, one row for all of it. */
function summaryStatements(db: Db, scope: Scope, summary: ConversationSummary | null, search: SearchText | null) {
  return [
    ...(summary ? [upsertConversationStatement(db, summary)] : []),
    ...(search ? [messageSearchStatement(db, search.key, search.text, scope.conversation.id, scope.workspaceId)] : []),
  ];
}

/** The stub for a conversation's object (`wrangler types` leaves the namespace untyped). */
export function conversationStub(env: Env, channelId: string, platformThreadId: string): DurableObjectStub<ConversationObject> {
  const namespace = env.CONVERSATION as unknown as DurableObjectNamespace<ConversationObject>;
  return namespace.getByName(conversationObjectName(channelId, platformThreadId));
}

export class ConversationObject extends DurableObject<Env> implements ConversationRpc {
  private readonly messages: MessageLog;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Earlier versions' de-duplication ledger: the stored messages are it now (see record).
    ctx.storage.sql.exec("DROP TABLE IF EXISTS seen");
    this.messages = new MessageLog(ctx.storage.sql);
  }

  /** Input gates do not cover D1 or queue I/O, so the object's work is chained explicitly. */
  private tail: Promise<unknown> = Promise.resolve();

  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Messages recorded by step 1 whose step 2 waits for `actOnMessage`, by platform message id. */
  private awaitingAct = new Map<string, MessageInFlight>();
  /** The alarm as last set by this instance (undefined: not known), so an unchanged one is not written again. */
  private alarmAt: number | null | undefined;
  /** The scope as last stored, likewise. */
  private storedScope: string | undefined;
  /** When this instance last wrote the conversation's D1 summary (null: not since it started, so the next one goes at once). */
  private summaryWrittenAt: number | null = null;
  /**
   * What D1 holds of the conversation (its row exists) and of its contact, as this instance
   * last read or wrote it, and when it read the contact's status (see CONTACT_TRUSTED_MS).
   * Conversations and contacts are never deleted, so only the status can go stale.
   */
  private catalog: { contact: NonNullable<IngestReads["contact"]>; statusReadAt: number } | null = null;

  private load(): ConversationState {
    return withDefaults(this.ctx.storage.kv.get<ConversationState>(STATE_KEY));
  }

  private async save(state: ConversationState): Promise<void> {
    this.ctx.storage.kv.put(STATE_KEY, state);
    await this.arm(state);
  }

  /** The alarm at the state's next clock or the outbox's next lapsed claim, whichever comes first. */
  private async arm(state: ConversationState): Promise<void> {
    const clocks = nextAlarm(state);
    const lapse = this.messages.nextLapse();
    const at = clocks === null ? lapse : lapse === null ? clocks : Math.min(clocks, lapse);
    if (at === this.alarmAt) return;
    if (at === null) await this.ctx.storage.deleteAlarm();
    else await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }

  private storeScope(scope: Scope): void {
    const json = JSON.stringify(scope);
    if (json === this.storedScope) return;
    this.ctx.storage.kv.put(SCOPE_KEY, scope);
    this.storedScope = json;
  }

  /** Records a message (step 1); `act` in the answer says whether `actOnMessage` must follow. */
  ingestMessage(input: IngestInput): Promise<IngestOutcome> {
    return this.serialize(() => this.ingest(input, false));
  }

  /**
   * Step 2: acts on the message recorded by `ingestMessage` when acting calls out (a reply,
   * a ticket that looks the order up). Separate so the caller can deliver `message.received`
   * while an order look-up or a platform's API is still answering. If this instance forgot
   * the step (it restarted in between), the whole ingest runs again as a re-run, every write
   * keyed so nothing happens twice.
   */
  actOnMessage(input: IngestInput): Promise<{ due: DueDelivery[] }> {
    return this.serialize(async () => {
      const inFlight = this.awaitingAct.get(input.item.platformMessageId);
      this.awaitingAct.delete(input.item.platformMessageId);
      // Acted on from the state as it is now: another message may have come in between.
      if (inFlight) return { due: await this.act(inFlight, this.load()) };
      const outcome = await this.ingest(input, true);
      return { due: outcome.due };
    });
  }

  /** A page of the conversation's messages, newest first (GET /v1/conversations/:id/messages). */
  listMessages(page: Page): Promise<Listed<MessageRow>> {
    return this.serialize(async () => this.messages.list(page));
  }

  getMessage(id: string): Promise<MessageRow | null> {
    return this.serialize(async () => this.messages.get(id));
  }

  /** An agent's reply, recorded as pending and claimed at the next position (see ConversationHooks). */
  recordReply(message: Omit<MessageRow, "seq">): Promise<{ recorded: boolean; message: MessageRow }> {
    return this.serialize(async () => {
      const earlier = this.messages.get(message.id);
      if (earlier) return { recorded: false, message: earlier };
      const reserved = reserveSeq(this.load());
      const row = { ...message, seq: reserved.seq };
      this.messages.insertIfNew(row);
      // In the same implicit transaction: if the sender dies, the alarm resumes the reply.
      await this.save(reserved.next);
      return { recorded: true, message: row };
    });
  }

  /** What the platform said of a reply. Sent, it answers every waiting message; an agent's also answers the ticket's clock. */
  settleReply(id: string, patch: MessagePatch, replied: AuthorType | null): Promise<void> {
    return this.serialize(async () => {
      this.messages.update(id, patch);
      if (replied === null) return this.arm(this.load());
      const now = Date.now();
      const { next, stopped } = stopClocks(this.load(), replied === "agent" ? ["first_response", "agent_response"] : ["first_response"]);
      await this.recordClocksStopped(stopped, now);
      const searched = pendReplySearch(cancelWindowWarning(next), id, this.messages.get(id)?.text ?? null, now);
      // An agent's reply is searchable at once (agents look for what they wrote); an automatic one's waits.
      await this.save(replied === "agent" ? { ...searched, pendingSummary: await this.flushSearch(searched.pendingSummary) } : searched);
    });
  }

  /** Writes the search text waiting in `pending` now; what is left waits as before. */
  private async flushSearch(pending: PendingSummary | null): Promise<PendingSummary | null> {
    const scope = this.ctx.storage.kv.get<Scope>(SCOPE_KEY);
    if (!pending?.search || !scope) return pending;
    await messageSearchStatement(openDb(this.env.DB), pending.search.key, pending.search.text, scope.conversation.id, scope.workspaceId);
    return pending.summary ? { ...pending, search: null } : null;
  }

  deleteMessage(id: string): Promise<void> {
    return this.serialize(async () => this.messages.delete(id));
  }

  /** The queue's retry of a pending reply takes it for its attempt (see MessageLog.claimReply). */
  claimReply(id: string, attempt: number, claimedUntil: number): Promise<MessageRow | null> {
    return this.serialize(async () => {
      const claimed = this.messages.claimReply(id, attempt, claimedUntil);
      await this.arm(this.load());
      return claimed;
    });
  }

  /** The buyer opened the chat from a product or an order: kept as context for its next messages. */
  onEnteredFrom(entered: EnteredFrom): Promise<void> {
    return this.serialize(async () => {
      const state = this.load();
      const noted = noteEnteredFrom(state, entered);
      if (noted !== state) this.ctx.storage.kv.put(STATE_KEY, noted);
    });
  }

  /**
   * The customer came back from an ad (Messenger's `referral` event): the window may now close
   * later. A warning still waiting (no reply since the buyer's last message) moves with it.
   */
  onAdReferral(at: number): Promise<void> {
    return this.serialize(async () => {
      const scope = this.ctx.storage.kv.get<Scope>(SCOPE_KEY);
      const noted = noteAdReferral(this.load(), at);
      if (!scope || !noted.windowWarning) return this.save(noted);
      const settings = await getSettings(openDb(this.env.DB), scope.workspaceId);
      const window = replyWindowOf(scope.channel.platform, noted.windowFacts);
      await this.save(armWindowWarning(noted, window, settings.replyWindowWarningSeconds * 1000, Date.now()));
    });
  }

  /**
   * An agent's change to one of this conversation's tickets (PATCH /v1/tickets/:id). The
   * object is the only writer of the conversation's mode: `ticket.updated` is stored in the
   * workspace's log, the ticket and the mode in D1 are one batch, the event leaves, then the
   * object's own state follows. Serialized with the conversation's messages, so a message
   * arriving meanwhile sees the mode before or after the change, never half of it. Resolved: the bot answers
   * again and the agent's clock stops. Reopened: a human has the conversation again.
   */
  changeTicket(request: TicketChangeRequest): Promise<TicketRow | null> {
    return this.serialize(async () => {
      const db = openDb(this.env.DB);
      // Read here, not by the caller: another agent's change may have been applied first.
      const row = await getTicket(db, request.workspaceId, request.ticketId);
      if (!row) return null;
      const now = Date.now();
      const changed = await changeTicket(db, row, request.channel, request.patch, now, this.offPathSink(db, row.workspaceId));
      if (request.patch.status) await this.followTicketStatus(row.id, request.patch.status, now);
      return changed;
    });
  }

  private async followTicketStatus(ticketId: string, status: TicketRow["status"], now: number): Promise<void> {
    const state = this.load();
    if (status !== "resolved") {
      if (state.openTicketId !== ticketId) await this.save(escalate(state, ticketId));
      return;
    }
    if (state.openTicketId !== ticketId) return;
    const { next, stopped } = stopClocks(resolveTicket(state, ticketId), ["agent_response"]);
    await this.recordClocksStopped(stopped, now);
    await this.save(next);
  }

  /**
   * SLA clocks: warnings (and an escalation when nobody has the conversation yet), then
   * breaches; and the reply window's warning when it is due.
   */
  override alarm(): Promise<void> {
    // The runtime clears an alarm that fired.
    this.alarmAt = undefined;
    return this.serialize(async () => {
      const scope = this.ctx.storage.kv.get<Scope>(SCOPE_KEY);
      const now = Date.now();
      const due = dueClocks(await this.flushDueSummary(this.load(), now), now);
      const window = dueWindowWarning(due.next, now);
      if (!scope) return this.save(window.next);
      await this.resumeAbandonedReplies(scope, now);
      const db = openDb(this.env.DB);
      const sink = this.offPathSink(db, scope.workspaceId);
      let state = window.next;
      if (window.due) await announceWindowClosing(scope, window.due, now, sink);
      for (const clock of due.warnings) {
        await announceClock(scope, clock, "sla.warning", now, sink);
        if (clock.kind === "first_response" && state.mode === "bot") state = await this.escalateFor(db, scope, state, clock, now);
      }
      for (const clock of due.breaches) await announceClock(scope, clock, "sla.breached", now, sink);
      await this.save(state);
    });
  }

  /** The summary that waited for its interval, written to D1 (a crash before the state is saved writes it again: the upsert is idempotent). */
  private async flushDueSummary(state: ConversationState, now: number): Promise<ConversationState> {
    const pending = state.pendingSummary;
    if (!pending || pending.dueAt > now) return state;
    // Waiting text implies a recorded message, hence a stored scope.
    const scope = this.ctx.storage.kv.get<Scope>(SCOPE_KEY);
    if (!scope) return { ...state, pendingSummary: null };
    const db = openDb(this.env.DB);
    const [first, ...rest] = summaryStatements(db, scope, pending.summary, pending.search ?? null);
    if (first) await db.batch([first, ...rest]);
    if (pending.summary) this.summaryWrittenAt = now;
    return { ...state, pendingSummary: null };
  }

  /**
   * The outbox's sweep: pending replies whose sender vanished (a crash mid-send, a lost retry
   * message) get their next attempt enqueued, each claimed again so the next sweep leaves it
   * to that job; those whose attempts are spent are recorded as failed.
   */
  private async resumeAbandonedReplies(scope: Scope, now: number): Promise<void> {
    const jobs: ReplyJob[] = [];
    for (const message of this.messages.takeAbandoned(now, now + SEND_CLAIM_MS)) {
      const job = resumptionOf(message, scope.conversation.platformThreadId);
      if (job) jobs.push(job);
      else
        this.messages.update(message.id, {
          status: "failed",
          error: "the reply's sender stopped before it was sent",
          sendClaimedUntil: null,
        });
    }
    for (const part of chunk(jobs, QUEUE_BATCH_MESSAGES))
      await this.env.DELIVERIES_QUEUE.sendBatch(part.map((body) => ({ body, contentType: "json" })));
    if (jobs.length > 0) console.warn(JSON.stringify({ msg: "abandoned replies resumed", replies: jobs.length }));
  }

  /**
   * One new message: record it (step 1), then act on it (step 2) now when `actNow` or when
   * acting stays inside (a ticket from D1 alone); what waits on another service (a reply, an
   * order look-up) is left to actOnMessage, so the caller can deliver message.received first.
   */
  private async ingest(input: IngestInput, actNow: boolean): Promise<IngestOutcome> {
    const recorded = await this.record(input);
    if (recorded.duplicate) return recorded;
    const { inFlight, state, stateSaved, outcome } = recorded;
    if (actNow || !callsOut(inFlight.routed)) {
      await this.act(inFlight, state);
      return { ...outcome, due: inFlight.sink.due, act: false };
    }
    // actOnMessage acts from the stored state: written here only if step 1 left it behind.
    if (stateSaved) await this.arm(state);
    else await this.save(state);
    this.awaitingAct.set(input.item.platformMessageId, inFlight);
    return { ...outcome, due: inFlight.sink.due, act: true };
  }

  /**
   * Step 1: decide how to route the message (no writes), then admit it (the state) and store
   * it with the decision in the object's SQLite, then write its catalog rows, clock and
   * events in one D1 batch. The events' deliveries are returned (`sink.due`) for the caller
   * to attempt at once.
   */
  private async record(input: IngestInput): Promise<Recorded> {
    const { item, workspaceId, channel } = input;
    const now = Date.now();
    // The message's id derives from the platform's: a message stored under it was admitted before.
    const ids = await inboundIds(channel.id, item);
    const admission = admitMessage(this.load(), item.platformMessageId, this.messages.admitted(ids.messageId));
    if (admission.duplicate) return { duplicate: true, due: [] };
    const { rerun } = admission;

    const db = openDb(this.env.DB);
    const [reads, audience] = await Promise.all([this.readCatalog(db, ids, rerun, now), workspaceAudience(db, workspaceId)]);
    const sink = inlineSink(db, eventLogs(this.env)(workspaceId), workspaceId, audience);
    const scope: Scope = {
      workspaceId,
      channel,
      contact: { id: ids.contactId, platformUserId: item.sender.platformUserId, displayName: item.sender.displayName },
      conversation: { id: ids.conversationId, platformThreadId: item.platformThreadId },
    };
    this.storeScope(scope);

    const request: RouteRequest = {
      scope,
      messageId: ids.messageId,
      item,
      isNewContact: reads.contact === null,
      mode: admission.next.mode,
      enteredFrom: admission.next.enteredFrom,
      now,
    };
    const routed = await decideRoute(this.env, db, request);
    const { settings } = routed;
    // The clock starts when the gateway receives the message: a platform's late redelivery
    // must not arrive already breached.
    const window = responseWindowSeconds(settings);
    const clock = newClock(
      "first_response",
      await clockId("first_response", ids.messageId),
      ids.messageId,
      now,
      window,
      settings.warningRatio,
    );
    const record = await inboundRecord(db, item, {
      ids,
      workspaceId,
      channel,
      seq: admission.seq,
      now,
      existing: { contact: reads.contact, conversation: reads.conversationExists },
      routing: routed.routing,
    });
    // The conversation's summary goes in this batch when due; else it waits in the state (with
    // what earlier messages left) for the alarm or a later message's batch, one write per SUMMARY_INTERVAL_MS.
    const summary = mergeSummary(admission.next.pendingSummary?.summary ?? null, record.summary);
    // The message's text for search waits with the summary: one search row a write, not one a message.
    const search = withSearchText(admission.next.pendingSummary?.search, ids.messageId, item.text);
    const summaryNow = summaryWrite({
      inD1: reads.conversationExists,
      mustBeFresh:
        rerun || item.replyToken !== undefined || item.adReferral !== undefined || (search?.text.length ?? 0) > MAX_PENDING_SEARCH_CHARS,
      lastWrittenAt: this.summaryWrittenAt,
      now,
    });
    const admitted = summaryNow.now ? admission.next : { ...admission.next, pendingSummary: { summary, search, dueAt: summaryNow.dueAt } };
    // The buyer wrote: its clock starts, the platform's reply window (re)opens and its warning
    // is armed. Decided before the writes, so the state is written once here, not again after the batch.
    const noted = noteInbound(startClock(admitted, clock), item.sentAt, item.adReferral !== undefined);
    const recordedState = armWindowWarning(
      noted,
      replyWindowOf(channel.platform, noted.windowFacts),
      settings.replyWindowWarningSeconds * 1000,
      now,
    );
    // One local transaction (no await between the writes): the message (which de-duplicates
    // its redeliveries) and the state that counts it. Durable before any effect leaves (output gates): a crash from here
    // on leaves the message unfinished, and its re-run takes the careful path that reads
    // before each effect (the message is stored already; the D1 batch below is keyed; a clock
    // or a window warning already in the state is not started or armed twice).
    if (!rerun) {
      this.messages.insertIfNew(record.message);
      this.ctx.storage.kv.put(STATE_KEY, recordedState);
    }
    // A summary left waiting is flushed by the alarm even if this instance stops now.
    if (!summaryNow.now) await this.arm(recordedState);
    // The clock's start rides on the DM's events to the workspace's log: no D1 row, no call of its own.
    await sink.write(
      [
        ...record.statements,
        ...(summaryNow.now ? summaryStatements(db, scope, summary, search) : []),
        ...(await routingStatements(db, request, routed)),
      ],
      record.events,
      now,
      [clockStarted(scope, clock)],
    );
    if (summaryNow.now) this.summaryWrittenAt = now;
    // What D1 holds now: the conversation's row (a new one went in this batch) and the contact as this message left it.
    this.catalog = {
      contact: { status: reads.contact?.status ?? "active", displayName: item.sender.displayName ?? reads.contact?.displayName ?? null },
      statusReadAt: reads.readAt,
    };
    // A summary that waited went out with this batch: the state's next write says so (act's at the latest).
    const state = summaryNow.now && recordedState.pendingSummary !== null ? { ...recordedState, pendingSummary: null } : recordedState;
    const known: KnownConversation | undefined = rerun
      ? undefined
      : {
          // The window as the object knows it: an earlier message may have come from an ad.
          conversation: { ...record.conversation, ...state.windowFacts },
          contact: { ...scope.contact, status: reads.contact?.status ?? "active" },
        };
    return {
      duplicate: false,
      inFlight: { request, routed, known, sink, responseWindowSeconds: window },
      state,
      stateSaved: !rerun && state === recordedState,
      outcome: { duplicate: false, seq: admission.seq, ...record.recorded },
    };
  }

  /**
   * The contact and whether the conversation's row exists: from this instance's memory while
   * the contact's status is trusted (CONTACT_TRUSTED_MS), else one D1 batch. A re-run reads.
   */
  private async readCatalog(db: Db, ids: InboundIds, rerun: boolean, now: number): Promise<IngestReads & { readAt: number }> {
    const known = this.catalog;
    if (!rerun && known && now - known.statusReadAt < CONTACT_TRUSTED_MS)
      return { contact: known.contact, conversationExists: true, readAt: known.statusReadAt };
    return { ...(await readForIngest(db, ids.contactId, ids.conversationId)), readAt: now };
  }

  /**
   * Step 2: act on the routing decision (an automatic reply, a ticket) from `state`, then
   * mark the message finished. Returns the deliveries this step left to attempt.
   */
  private async act(inFlight: MessageInFlight, from: ConversationState): Promise<DueDelivery[]> {
    const { request, routed, known, sink } = inFlight;
    const { scope, now } = request;
    const db = openDb(this.env.DB);
    const before = sink.due.length;
    let state = from;
    // The reply's record is this object's own: written here directly, in its SQLite.
    const hooks: ConversationHooks = {
      recordReply: async (message) => {
        const earlier = this.messages.get(message.id);
        if (earlier) return { recorded: false, message: earlier };
        const reserved = reserveSeq(state);
        state = reserved.next;
        const row = { ...message, seq: reserved.seq };
        this.messages.insertIfNew(row);
        // If this instance dies while sending, the alarm resumes the reply once its claim lapses.
        await this.arm(state);
        return { recorded: true, message: row };
      },
      getMessage: async (id) => this.messages.get(id),
      // Sent, the clocks stop with the reply's `message.sent` (`clocksIfSent`) and in `state` below;
      // its text waits for the conversation's next D1 write, for search.
      settleReply: async (id, patch) => {
        this.messages.update(id, patch);
        if (patch.status === "sent") state = pendReplySearch(state, id, this.messages.get(id)?.text ?? null, Date.now());
      },
      deleteMessage: async (id) => this.messages.delete(id),
    };
    const history: ConversationHistory = {
      recentMessages: async (limit) => this.messages.recent(limit),
      countAiReplies: async () => this.messages.countAiReplies(),
    };
    // An automatic reply answers the waiting messages: their clocks stop with its event's append.
    const clocksIfSent = clocksStopped(stopClocks(state, ["first_response"]).stopped, now);
    const acted = await actOnRoute(this.env, db, request, routed, { hooks, history, sink, known, clocksIfSent });
    if (acted.replied) state = cancelWindowWarning(stopClocks(state, ["first_response"]).next);
    if (acted.ticket) {
      state = escalate(state, acted.ticket.id);
      state = await this.startAgentClock(scope, state, acted.ticket.id, inFlight.responseWindowSeconds, routed.settings.warningRatio, now);
    }
    // Finished only once everything above succeeded: a failure leaves the message
    // unfinished, and the queue's retry runs it again, every step keyed so nothing happens twice.
    // The finish rides on this state write (the message row is not written again).
    await this.save(finishMessage(state, request.item.platformMessageId));
    return sink.due.slice(before);
  }

  /** Events off the hot path (the ticket API, the alarm): stored in the workspace's log, fanned out through the queue. */
  private offPathSink(db: Db, workspaceId: string) {
    return queuedSink(db, this.env.DELIVERIES_QUEUE, eventLogs(this.env)(workspaceId), workspaceId);
  }

  private async escalateFor(db: Db, scope: Scope, state: ConversationState, clock: Clock, now: number) {
    const share = Math.round(((clock.warnAt - clock.startedAt) / (clock.deadline - clock.startedAt)) * 100);
    const reason = `no reply within ${share} % of the ${clock.windowSeconds} s response window`;
    const ticket = await openTicket(
      db,
      scope,
      { causeId: clock.id, reason, facts: { intent: null, sentiment: null, orderId: null, orderStatus: null }, now },
      this.offPathSink(db, scope.workspaceId),
      { recentMessages: async (limit) => this.messages.recent(limit) },
    );
    const settings = await getSettings(db, scope.workspaceId);
    return this.startAgentClock(scope, escalate(state, ticket.id), ticket.id, responseWindowSeconds(settings), settings.warningRatio, now);
  }

  private async startAgentClock(scope: Scope, state: ConversationState, ticketId: string, window: number, ratio: number, now: number) {
    const clock = newClock("agent_response", await clockId("agent_response", ticketId), ticketId, now, window, ratio);
    // No event goes with it: the ticket's own was appended already, so the start is a call of its own.
    await recordClocks(eventLogs(this.env)(scope.workspaceId), [clockStarted(scope, clock)]);
    return startClock(state, clock);
  }

  /** Stopped clocks in the workspace's log, where the metrics and the tickets read them (a clock implies a stored scope). */
  private async recordClocksStopped(stopped: Clock[], now: number): Promise<void> {
    const scope = this.ctx.storage.kv.get<Scope>(SCOPE_KEY);
    if (scope) await recordClocks(eventLogs(this.env)(scope.workspaceId), clocksStopped(stopped, now));
  }
}
