/**
 * The Conversation object's state and the pure decisions over it: de-duplication, arrival
 * order, bot-or-human mode, the SLA clocks and the reply-window warning. The object itself (conversation.ts) only
 * loads, calls these, does the I/O they ask for, and saves.
 */

export type ClockKind = "first_response" | "agent_response";

export interface Clock {
  /** Stable: derived from what started it, so a re-run starts the same clock. */
  id: string;
  kind: ClockKind;
  /** The inbound message (first_response) or the ticket (agent_response). */
  subjectId: string;
  startedAt: number;
  warnAt: number;
  deadline: number;
  windowSeconds: number;
  warned: boolean;
  /** Past its deadline: no more alarms, but a late reply still stops it (for the metrics). */
  breached?: boolean;
}

/** A `conversation.reply_window_closing` to announce at `warnAt`, unless a reply goes out first. */
export interface WindowWarning {
  closesAt: number;
  warnAt: number;
  rule: string;
}

export interface ConversationState {
  /** The seq the next message gets: arrival order within the conversation. */
  nextSeq: number;
  /** `awaiting_human` from an escalation until its ticket is resolved: no automatic replies. */
  mode: "bot" | "awaiting_human";
  openTicketId: string | null;
  clocks: Clock[];
  /** What the platform's reply window counts from, as the messages seen so far say (epoch ms). */
  windowFacts: { lastInboundAt: number | null; adReferralAt: number | null };
  /** The warning of the current window, null once announced, answered, or where there is no window. */
  windowWarning: WindowWarning | null;
  /** Where the buyer last opened the chat from (a product, an order): context for routing and tickets. */
  enteredFrom: EnteredFrom | null;
  /** The conversation's D1 summary and search text not yet written, and when they are due (see summaryWrite). */
  pendingSummary: PendingSummary | null;
  /**
   * Platform message ids admitted whose routing has not finished acting. Finishing one rides
   * on the state write that ends acting anyway, so the stored message is written once; it
   * stays listed only while it is in flight or left unfinished.
   */
  unfinishedMessageIds: string[];
}

/** What the conversation's D1 row says of its messages (storage/inbox.ts upsertConversationStatement). */
export interface ConversationSummary {
  id: string;
  workspaceId: string;
  channelId: string;
  contactId: string;
  platformThreadId: string;
  lastMessageAt: number;
  lastInboundAt: number | null;
  replyToken: string | null;
  replyTokenExpiresAt: number | null;
  adReferralAt: number | null;
  adId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface PendingSummary {
  /** Null when only search text waits (an automatic reply's). */
  summary: ConversationSummary | null;
  /** The messages' text not yet in D1's search index: written with the summary, one search row a write, not one a message. */
  search?: SearchText | null;
  dueAt: number;
}

/** Search text waiting for its write, keyed by its first message's id: a re-run of that write adds nothing. */
export interface SearchText {
  key: string;
  text: string;
}

/** Past this many characters, waiting search text goes with the write of the message that brought it there. */
export const MAX_PENDING_SEARCH_CHARS = 16_384;

/** `text` (a message's, null when it has none) added to the search text waiting. */
export function withSearchText(search: SearchText | null | undefined, messageId: string, text: string | null): SearchText | null {
  if (text === null || text.trim() === "") return search ?? null;
  return search ? { key: search.key, text: `${search.text}\n${text}` } : { key: messageId, text };
}

/**
 * An automatic reply's text waits for the conversation's next D1 write (the next message's
 * summary) or, failing one, the alarm at most this long after: a reply then costs no D1 round
 * trip of its own, and the alarm rarely writes one.
 */
export const REPLY_SEARCH_WAIT_MS = 10_000;

/** A sent reply's text, left to wait with the summary (see REPLY_SEARCH_WAIT_MS). */
export function pendReplySearch(state: ConversationState, messageId: string, text: string | null, now: number): ConversationState {
  const pending = state.pendingSummary;
  const search = withSearchText(pending?.search, messageId, text);
  if (search === (pending?.search ?? null)) return state;
  return {
    ...state,
    pendingSummary: { summary: pending?.summary ?? null, search, dueAt: pending?.dueAt ?? now + REPLY_SEARCH_WAIT_MS },
  };
}

export interface EnteredFrom {
  source: "product" | "order" | "transfer";
  refId: string | null;
  at: number;
}

export const INITIAL_STATE: ConversationState = {
  nextSeq: 1,
  mode: "bot",
  openTicketId: null,
  clocks: [],
  windowFacts: { lastInboundAt: null, adReferralAt: null },
  windowWarning: null,
  enteredFrom: null,
  pendingSummary: null,
  unfinishedMessageIds: [],
};

/** States saved before a field existed get its initial value; fields since retired are dropped. */
export function withDefaults(saved: Partial<ConversationState> | undefined): ConversationState {
  // The de-duplication window moved to the stored messages (message-log.ts), the unfinished list to `unfinishedMessageIds`.
  const {
    recentMessageIds: _window,
    unfinished: _unfinished,
    ...kept
  } = (saved ?? {}) as Partial<ConversationState> & {
    recentMessageIds?: unknown;
    unfinished?: unknown;
  };
  return { ...INITIAL_STATE, ...kept };
}

/**
 * A platform message the conversation admitted before, as its stored message says
 * (message-log.ts `admitted`; every one ever admitted, with no time window): its position.
 */
export interface SeenMessage {
  seq: number;
}

/** Whether an admitted message has finished acting: the state lists those that have not. */
export function isFinished(state: ConversationState, platformMessageId: string): boolean {
  return !state.unfinishedMessageIds.includes(platformMessageId);
}

export type Admission = { duplicate: true } | { duplicate: false; rerun: boolean; seq: number; next: ConversationState };

/**
 * Decides whether a platform message is new and, if so, its position. A message seen but
 * not finished (its last attempt failed part-way) is admitted again as a re-run, in the
 * position it was given the first time.
 */
export function admitMessage(state: ConversationState, platformMessageId: string, seen: SeenMessage | null): Admission {
  if (seen && isFinished(state, platformMessageId)) return { duplicate: true };
  if (seen) return { duplicate: false, rerun: true, seq: seen.seq, next: state };
  return {
    duplicate: false,
    rerun: false,
    seq: state.nextSeq,
    next: { ...state, nextSeq: state.nextSeq + 1, unfinishedMessageIds: [...state.unfinishedMessageIds, platformMessageId] },
  };
}

/** The message's routing finished acting: from now on it is a duplicate. */
export function finishMessage(state: ConversationState, platformMessageId: string): ConversationState {
  if (!state.unfinishedMessageIds.includes(platformMessageId)) return state;
  return { ...state, unfinishedMessageIds: state.unfinishedMessageIds.filter((id) => id !== platformMessageId) };
}

/** Takes the next position for a message that did not come from the platform (a reply). */
export function reserveSeq(state: ConversationState): { seq: number; next: ConversationState } {
  return { seq: state.nextSeq, next: { ...state, nextSeq: state.nextSeq + 1 } };
}

export function newClock(
  kind: ClockKind,
  id: string,
  subjectId: string,
  startedAt: number,
  windowSeconds: number,
  warningRatio: number,
): Clock {
  return {
    id,
    kind,
    subjectId,
    startedAt,
    windowSeconds,
    warnAt: startedAt + Math.round(windowSeconds * warningRatio * 1000),
    deadline: startedAt + windowSeconds * 1000,
    warned: false,
  };
}

export function startClock(state: ConversationState, clock: Clock): ConversationState {
  if (state.clocks.some((c) => c.id === clock.id)) return state;
  return { ...state, clocks: [...state.clocks, clock] };
}

/** Stops every running clock of the given kinds (a reply stops all unanswered messages' clocks). */
export function stopClocks(state: ConversationState, kinds: ClockKind[]): { next: ConversationState; stopped: Clock[] } {
  const stopped = state.clocks.filter((c) => kinds.includes(c.kind));
  return { next: { ...state, clocks: state.clocks.filter((c) => !kinds.includes(c.kind)) }, stopped };
}

export function escalate(state: ConversationState, ticketId: string): ConversationState {
  return { ...state, mode: "awaiting_human", openTicketId: ticketId };
}

export function resolveTicket(state: ConversationState, ticketId: string): ConversationState {
  if (state.openTicketId !== ticketId) return state;
  return { ...state, mode: "bot", openTicketId: null };
}

/** What is due at `now`: warnings (the clock keeps running) and breaches (the clock ends). */
export function dueClocks(state: ConversationState, now: number): { next: ConversationState; warnings: Clock[]; breaches: Clock[] } {
  const warnings: Clock[] = [];
  const breaches: Clock[] = [];
  const clocks: Clock[] = [];
  for (const clock of state.clocks) {
    if (clock.breached) {
      clocks.push(clock);
    } else if (clock.deadline <= now) {
      if (!clock.warned) warnings.push(clock);
      breaches.push(clock);
      clocks.push({ ...clock, warned: true, breached: true });
    } else if (!clock.warned && clock.warnAt <= now) {
      warnings.push(clock);
      clocks.push({ ...clock, warned: true });
    } else {
      clocks.push(clock);
    }
  }
  return { next: { ...state, clocks }, warnings, breaches };
}

/** The latest of two optional times. */
function later(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** A buyer's message (sent at `sentAt`, from an ad or not) moves what the reply window counts from. */
export function noteInbound(state: ConversationState, sentAt: number, fromAd: boolean): ConversationState {
  const { lastInboundAt, adReferralAt } = state.windowFacts;
  return {
    ...state,
    windowFacts: { lastInboundAt: later(lastInboundAt, sentAt), adReferralAt: fromAd ? later(adReferralAt, sentAt) : adReferralAt },
  };
}

/** The buyer opened the chat from a product or an order; the latest one is the context (redeliveries and older ones change nothing). */
export function noteEnteredFrom(state: ConversationState, entered: EnteredFrom): ConversationState {
  if (state.enteredFrom && state.enteredFrom.at >= entered.at) return state;
  return { ...state, enteredFrom: entered };
}

/** The customer came back from an ad at `at`, without writing. */
export function noteAdReferral(state: ConversationState, at: number): ConversationState {
  return { ...state, windowFacts: { ...state.windowFacts, adReferralAt: later(state.windowFacts.adReferralAt, at) } };
}

/**
 * Arms the warning of the window the buyer's latest message opened, `warningMs` before it
 * closes. A window already closed (a late redelivery) or none at all arms nothing and leaves
 * the current warning; an out-of-order older message cannot replace a later window.
 */
export function armWindowWarning(
  state: ConversationState,
  window: { closesAt: number | null; rule: string },
  warningMs: number,
  now: number,
): ConversationState {
  const { closesAt, rule } = window;
  if (closesAt === null) return { ...state, windowWarning: null };
  if (closesAt <= now) return state;
  if (state.windowWarning && state.windowWarning.closesAt >= closesAt) return state;
  return { ...state, windowWarning: { closesAt, rule, warnAt: Math.max(closesAt - warningMs, now) } };
}

/** A reply went out: the window is answered, nothing to warn about until the buyer writes again. */
export function cancelWindowWarning(state: ConversationState): ConversationState {
  return state.windowWarning ? { ...state, windowWarning: null } : state;
}

/** The warning due at `now`, if any, taken out of the state: each window is announced at most once. */
export function dueWindowWarning(state: ConversationState, now: number): { next: ConversationState; due: WindowWarning | null } {
  const warning = state.windowWarning;
  if (!warning || warning.warnAt > now) return { next: state, due: null };
  // A window that closed while the alarm was late is no longer worth a warning.
  return { next: { ...state, windowWarning: null }, due: warning.closesAt > now ? warning : null };
}

/** When the alarm should next fire, or null when no clock runs, no window warning and no summary waits. */
export function nextAlarm(state: ConversationState): number | null {
  const times = state.clocks.filter((c) => !c.breached).map((c) => (c.warned ? c.deadline : c.warnAt));
  if (state.windowWarning) times.push(state.windowWarning.warnAt);
  if (state.pendingSummary) times.push(state.pendingSummary.dueAt);
  return times.length > 0 ? Math.min(...times) : null;
}

/**
 * A conversation's D1 summary (with its messages' search text) is written at most once per
 * this interval: a chatty buyer costs one write per interval, not one per message. The agent
 * console polls every 3 s, so a list it shows is at most one poll behind the conversation.
 */
export const SUMMARY_INTERVAL_MS = 3000;

export type SummaryWrite = { now: true } | { now: false; dueAt: number };

/**
 * Whether a message's summary goes into its own D1 batch or waits for the alarm (or a later
 * message's batch) at `dueAt`. Written at once: a conversation not yet in D1 (tickets,
 * contacts, lists and the API need its row), a summary that must be fresh (a LINE reply token
 * an agent's reply may use, an ad referral that moves the reply window, a re-run), one not
 * written in this instance yet, and one whose interval has passed.
 */
export function summaryWrite(input: { inD1: boolean; mustBeFresh: boolean; lastWrittenAt: number | null; now: number }): SummaryWrite {
  const { inD1, mustBeFresh, lastWrittenAt, now } = input;
  if (!inD1 || mustBeFresh || lastWrittenAt === null) return { now: true };
  const dueAt = lastWrittenAt + SUMMARY_INTERVAL_MS;
  return now >= dueAt ? { now: true } : { now: false, dueAt };
}

/**
 * A newer message's summary folded into the one still waiting, as the D1 upsert would fold
 * them: the latest times, the newest reply token, the latest ad referral.
 */
export function mergeSummary(pending: ConversationSummary | null, next: ConversationSummary): ConversationSummary {
  if (!pending) return next;
  const newerReferral = next.adReferralAt !== null && (pending.adReferralAt === null || next.adReferralAt > pending.adReferralAt);
  return {
    ...next,
    lastMessageAt: Math.max(pending.lastMessageAt, next.lastMessageAt),
    lastInboundAt: later(pending.lastInboundAt, next.lastInboundAt),
    replyToken: next.replyToken ?? pending.replyToken,
    replyTokenExpiresAt: next.replyToken !== null ? next.replyTokenExpiresAt : pending.replyTokenExpiresAt,
    adReferralAt: newerReferral ? next.adReferralAt : pending.adReferralAt,
    adId: newerReferral ? next.adId : pending.adId,
    createdAt: Math.min(pending.createdAt, next.createdAt),
    updatedAt: Math.max(pending.updatedAt, next.updatedAt),
  };
}
