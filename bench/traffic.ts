/**
 * The DMs a run sends: message i comes from conversation i mod C (one buyer per
 * conversation), with a text drawn from texts.ts. Bodies are built (and signed) at send time
 * so every signed timestamp is fresh.
 */
import { type PickedText, pickText, prng } from "./texts.ts";
import { type DirectMessage, idSource } from "./tiktok.ts";

const NICKNAMES = ["Linh", "Somchai", "Putri", "Anh Tuấn", "Maria", "Budi", "Nok", "Hà", "Jess", "Ploy", "Dewi", "Minh"];

export interface PlannedMessage extends DirectMessage {
  index: number;
  conversation: number;
  /** The conversation's first message: its buyer is a new contact. */
  first: boolean;
  picked: PickedText;
}

export interface Traffic {
  conversations: number;
  message(index: number): PlannedMessage;
  notificationId(): string;
}

export function traffic(conversations: number, seed: number): Traffic {
  const conversationId = idSource(3);
  const userId = idSource(1);
  const messageId = idSource(5);
  const notificationId = idSource(7);
  const threads = Array.from({ length: conversations }, (_, i) => ({
    conversationId: conversationId(),
    imUserId: userId(),
    nickname: `${NICKNAMES[i % NICKNAMES.length]} ${i}`,
  }));
  const random = prng(seed);
  return {
    conversations,
    notificationId,
    message(index) {
      const conversation = index % conversations;
      const thread = threads[conversation];
      if (!thread) throw new Error("no thread");
      const picked = pickText(random);
      return { ...thread, messageId: messageId(), text: picked.text, index, conversation, first: index < conversations, picked };
    },
  };
}
