/**
 * The I/O side of the reply-window warning: `conversation.reply_window_closing`, recorded once
 * per window. Its id derives from the conversation and the window's closing time, so an alarm
 * that runs twice announces once.
 */
import { buildEvent, isoTime } from "../events/build.ts";
import { derivedId } from "../lib/ids.ts";
import type { WindowWarning } from "../objects/conversation-state.ts";
import type { Db } from "../storage/db.ts";
import { eventRow, insertEventIfNewStatement } from "../storage/events.ts";
import type { Scope } from "./tickets.ts";

/** Records the warning's event; returns its id to fan out. */
export async function announceWindowClosing(db: Db, scope: Scope, warning: WindowWarning, now: number): Promise<string> {
  const type = "conversation.reply_window_closing";
  const event = buildEvent(type, await derivedId("evt", type, scope.conversation.id, String(warning.closesAt)), now, {
    workspaceId: scope.workspaceId,
    channel: scope.channel,
    contact: scope.contact,
    conversation: scope.conversation,
    closesAt: isoTime(warning.closesAt),
    rule: warning.rule,
  });
  await insertEventIfNewStatement(db, eventRow(scope.workspaceId, event, now));
  return event.id;
}
