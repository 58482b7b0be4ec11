/**
 * The Conversation object's state and the pure decisions over it. The object itself
 * (conversation.ts) only loads, calls these, and saves.
 */

/** How many recent platform message ids a conversation remembers for de-duplication. */
export const DEDUP_WINDOW = 1000;

export interface ConversationState {
  /** The seq the next new message gets: arrival order within the conversation. */
  nextSeq: number;
  /** Recent platform message ids, oldest first. D1's derived ids catch anything older. */
  recentMessageIds: string[];
}

export const INITIAL_STATE: ConversationState = { nextSeq: 1, recentMessageIds: [] };

export type Admission = { duplicate: true } | { duplicate: false; seq: number; next: ConversationState };

/** Decides whether a platform message is new and, if so, its position. */
export function admitMessage(state: ConversationState, platformMessageId: string): Admission {
  if (state.recentMessageIds.includes(platformMessageId)) return { duplicate: true };
  const recent = [...state.recentMessageIds, platformMessageId];
  return {
    duplicate: false,
    seq: state.nextSeq,
    next: { nextSeq: state.nextSeq + 1, recentMessageIds: recent.slice(-DEDUP_WINDOW) },
  };
}

/** Takes the next position for a message that did not come from the platform (a reply). */
export function reserveSeq(state: ConversationState): { seq: number; next: ConversationState } {
  return { seq: state.nextSeq, next: { ...state, nextSeq: state.nextSeq + 1 } };
}
