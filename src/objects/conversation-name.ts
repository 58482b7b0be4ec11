/** The name of a conversation's Durable Object: one per (channel, platform thread). */
export function conversationObjectName(channelId: string, platformThreadId: string): string {
  return `${channelId}:${platformThreadId}`;
}
