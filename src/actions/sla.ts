/**
 * The I/O side of SLA clocks: their rows in D1 (for the metrics) and the `sla.warning` /
 * `sla.breached` events. Event ids derive from the clock, so an alarm that runs twice
 * announces once.
 */
import { buildEvent, isoTime } from "../events/build.ts";
import { derivedId } from "../lib/ids.ts";
import type { Clock } from "../objects/conversation-state.ts";
import type { Db } from "../storage/db.ts";
import { insertClockIfNewStatement, markClockStatement, markClocksStoppedStatements } from "../storage/sla.ts";
import type { EventSink } from "./event-sink.ts";
import type { Scope } from "./tickets.ts";

export function clockId(kind: Clock["kind"], subjectId: string): Promise<string> {
  return derivedId("sla", kind, subjectId);
}

export function clockStartStatement(db: Db, scope: Scope, clock: Clock) {
  return insertClockIfNewStatement(db, {
    id: clock.id,
    workspaceId: scope.workspaceId,
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
  });
}

/** The statements marking `clocks` stopped, for a caller that batches them. */
export function clocksStoppedStatements(db: Db, clocks: Clock[], now: number) {
  return markClocksStoppedStatements(
    db,
    clocks.map((c) => c.id),
    now,
  );
}

export async function recordClocksStopped(db: Db, clocks: Clock[], now: number): Promise<void> {
  const [first, ...rest] = clocksStoppedStatements(db, clocks, now);
  if (first) await db.batch([first, ...rest]);
}

/** Records and announces a warning or a breach through `sink`. */
export async function announceClock(
  db: Db,
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
  await sink.write([markClockStatement(db, clock.id, type === "sla.warning" ? "warnedAt" : "breachedAt", now)], [event], now);
}
