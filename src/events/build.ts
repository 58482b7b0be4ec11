/** Pure builders for event envelopes: every event body is made here, in one shape. */
import type { z } from "zod";
import type {
  ChannelRefSchema,
  ContactRefSchema,
  ConversationRefSchema,
  EventData,
  EventOfType,
  EventType,
  MessageSchema,
} from "./schema.ts";

export type ChannelRef = z.infer<typeof ChannelRefSchema>;
export type ContactRef = z.infer<typeof ContactRefSchema>;
export type ConversationRef = z.infer<typeof ConversationRefSchema>;
export type MessageBody = z.infer<typeof MessageSchema>;

export function buildEvent<T extends EventType>(type: T, id: string, at: number, data: EventData<T>): EventOfType<T> {
  return { id, type, timestamp: new Date(at).toISOString(), data } as EventOfType<T>;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
