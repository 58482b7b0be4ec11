/**
 * The I/O side of the reply-window warning: `conversation.reply_window_closing`, recorded once
 * per window. Its id derives from the conversation and the window's closing time, so an alarm
 * that runs twice announces once.
 */
import { buildEvent, isoTime } from "../events/build.ts";
import { derivedId } from "../lib/ids.ts";
import type { WindowWarning } from "../objects/conversation-state.ts";
import type { EventSink } from "./event-sink.ts";
import type { Scope } from "./tickets.ts";

/** Records and announces the warning's event through `sink`. */
export async function announceWindowClosing(scope: Scope, warning: WindowWarning, now: number, sink: EventSink): Promise<void> {
  const type = "conversation.reply_window_closing";
  const event = buildEvent(type, await derivedId("evt", type, scope.conversation.id, String(warning.closesAt)), now, {
    workspaceId: scope.workspaceId,
    channel: scope.channel,
    contact: scope.contact,
    conversation: scope.conversation,
    closesAt: isoTime(warning.closesAt),
    rule: warning.rule,
  });
  await sink.write([], [event], now);
}
