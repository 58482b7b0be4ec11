/**
 * The I/O side of SLA clocks: their facts in the workspace's log object (objects/clock-log.ts,
 * for the metrics and the tickets' SLA fields) and the `sla.warning` / `sla.breached` events.
 * The facts ride on the log call a write makes anyway (a DM's events, a reply's, an alarm's);
 * only writes with no event (an agent's reply settled, a ticket resolved or opened) call the
 * log for them alone. Event ids derive from the clock, so an alarm that runs twice announces once.
 */
import { buildEvent, isoTime } from "../events/build.ts";
import { derivedId } from "../lib/ids.ts";
import type { ClockChange } from "../objects/clock-log.ts";
import type { Clock } from "../objects/conversation-state.ts";
import type { EventLogRpc } from "./event-log.ts";
import type { EventSink } from "./event-sink.ts";
import type { Scope } from "./tickets.ts";

export function clockId(kind: Clock["kind"], subjectId: string): Promise<string> {
  return derivedId("sla", kind, subjectId);
}

/** The fact of `clock` started in `scope`'s conversation. */
export function clockStarted(scope: Scope, clock: Clock): ClockChange {
  return {
    change: "started",
    clock: {
      id: clock.id,
      channelId: scope.channel.id,
      conversationId: scope.conversation.id,
      subjectId: clock.subjectId,
      clock: clock.kind,
      startedAt: clock.startedAt,
      deadline: clock.deadline,
      windowSeconds: clock.windowSeconds,
      stoppedAt: null,
      warnedAt: null,
      breachedAt: null,
    },
  };
}

/** The fact of `clocks` stopped at `now` (none when nothing was running). */
export function clocksStopped(clocks: Clock[], now: number): ClockChange[] {
  return clocks.length > 0 ? [{ change: "stopped", ids: clocks.map((c) => c.id), at: now }] : [];
}

/** Clocks' facts with no event to ride on: one call to the workspace's log, none when there are none. */
export async function recordClocks(log: EventLogRpc, changes: ClockChange[]): Promise<void> {
  if (changes.length > 0) await log.recordClocks(changes);
}

/** Announces a warning or a breach through `sink`, the clock's mark riding on the event's append. */
export async function announceClock(
  scope: Scope,
  clock: Clock,
  type: "sla.warning" | "sla.breached",
  now: number,
  sink: EventSink,
): Promise<void> {
  const event = buildEvent(type, await derivedId("evt", type, clock.id), now, {
    workspaceId: scope.workspaceId,
    channel: scope.channel,
    contact: scope.contact,
    conversation: scope.conversation,
    clock: clock.kind,
    messageId: clock.subjectId,
    startedAt: isoTime(clock.startedAt),
    deadline: isoTime(clock.deadline),
    windowSeconds: clock.windowSeconds,
  });
  await sink.write([], [event], now, [{ change: type === "sla.warning" ? "warned" : "breached", id: clock.id, at: now }]);
}
