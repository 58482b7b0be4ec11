/**
 * The Conversation object's state and the pure decisions over it: de-duplication, arrival
 * order, bot-or-human mode and the SLA clocks. The object itself (conversation.ts) only
 * loads, calls these, does the I/O they ask for, and saves.
 */

/**
 * How many recent platform message ids a conversation remembers for de-duplication. Older
 * retries are caught by D1 (the message's derived id); the window only spares them a
 * round trip. Small, because the state is rewritten on every message.
 */
export const DEDUP_WINDOW = 100;

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

export interface ConversationState {
  /** The seq the next message gets: arrival order within the conversation. */
  nextSeq: number;
  /** Recent platform message ids, oldest first. D1's derived ids catch anything older. */
  recentMessageIds: string[];
  /** `awaiting_human` from an escalation until its ticket is resolved: no automatic replies. */
  mode: "bot" | "awaiting_human";
  openTicketId: string | null;
  clocks: Clock[];
  /**
   * Messages recorded whose routing has not finished acting (a reply, a ticket). Found here
   * when the message comes again, it is a re-run of a step that failed, not a duplicate.
   */
  unfinished: string[];
}

export const INITIAL_STATE: ConversationState = {
  nextSeq: 1,
  recentMessageIds: [],
  mode: "bot",
  openTicketId: null,
  clocks: [],
  unfinished: [],
};

/** States saved before a field existed get its initial value. */
export function withDefaults(saved: Partial<ConversationState> | undefined): ConversationState {
  return { ...INITIAL_STATE, ...saved };
}

export type Admission = { duplicate: true } | { duplicate: false; rerun: boolean; seq: number; next: ConversationState };

/**
 * Decides whether a platform message is new and, if so, its position. A message left
 * unfinished (its last attempt failed part-way) is admitted again as a re-run.
 */
export function admitMessage(state: ConversationState, platformMessageId: string): Admission {
  const rerun = state.unfinished.includes(platformMessageId);
  if (!rerun && state.recentMessageIds.includes(platformMessageId)) return { duplicate: true };
  const recent = rerun ? state.recentMessageIds : [...state.recentMessageIds, platformMessageId].slice(-DEDUP_WINDOW);
  const unfinished = rerun ? state.unfinished : [...state.unfinished, platformMessageId];
  return {
    duplicate: false,
    rerun,
    seq: state.nextSeq,
    next: { ...state, nextSeq: state.nextSeq + 1, recentMessageIds: recent, unfinished },
  };
}

/** The message's routing has finished acting (or had nothing to do). */
export function finishMessage(state: ConversationState, platformMessageId: string): ConversationState {
  return { ...state, unfinished: state.unfinished.filter((id) => id !== platformMessageId) };
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

/** When the alarm should next fire, or null when no clock runs. */
export function nextAlarm(state: ConversationState): number | null {
  const times = state.clocks.filter((c) => !c.breached).map((c) => (c.warned ? c.deadline : c.warnAt));
  return times.length > 0 ? Math.min(...times) : null;
}
