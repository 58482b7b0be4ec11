/**
 * Writes a channel's health and announces it: the update and its `channel.status_changed`
 * event go in one D1 batch, the event only when `status` itself changes. Callers that can
 * race (refreshes, pushes from the platform) go through the channel's own object
 * (objects/channel-token.ts), so read-then-write is safe there.
 */
import { type Health, healthChange } from "../channels/health.ts";
import { buildEvent } from "../events/build.ts";
import type { Platform } from "../events/schema.ts";
import { derivedId } from "../lib/ids.ts";
import type { ChannelHealthPatch, ChannelRow } from "../storage/channels.ts";
import { updateChannelHealthStatement } from "../storage/channels.ts";
import type { Db } from "../storage/db.ts";
import type { Statement } from "../storage/event-deliveries.ts";
import { eventLogs } from "./event-log.ts";
import { queuedSink } from "./event-sink.ts";

export type HealthSubject = Pick<ChannelRow, "id" | "workspaceId" | "platform" | "status" | "statusReason">;

/** The `channel.status_changed` event of `channel` entering `health` at `now`. */
export async function statusChangedEvent(channel: Pick<ChannelRow, "id" | "workspaceId" | "platform">, health: Health, now: number) {
  const id = await derivedId("evt", "channel.status_changed", channel.id, health.status, String(now));
  return buildEvent("channel.status_changed", id, now, {
    workspaceId: channel.workspaceId,
    channel: { id: channel.id, platform: channel.platform as Platform, status: health.status, statusReason: health.statusReason },
  });
}

/**
 * Writes `patch` and the health `next` (when it differs), announcing a new status. Resolves
 * to whether the row was written (false: `ifSealedIs` no longer matched).
 */
export async function writeChannelHealth(
  db: Db,
  env: Pick<Env, "DELIVERIES_QUEUE" | "EVENT_LOG">,
  channel: HealthSubject,
  next: Health,
  now: number,
  patch: ChannelHealthPatch = {},
  ifSealedIs?: string,
): Promise<boolean> {
  const change = healthChange({ status: channel.status as Health["status"], statusReason: channel.statusReason }, next);
  if (!change && Object.keys(patch).length === 0) return true;
  const full: ChannelHealthPatch = {
    ...patch,
    ...(change ? { status: change.health.status, statusReason: change.health.statusReason } : {}),
  };
  const statement: Statement = updateChannelHealthStatement(db, channel.id, full, ifSealedIs);
  const events = change?.announce ? [await statusChangedEvent(channel, next, now)] : [];
  const sink = queuedSink(db, env.DELIVERIES_QUEUE, eventLogs(env)(channel.workspaceId), channel.workspaceId);
  if (ifSealedIs === undefined) {
    await sink.write([statement], events, now);
    return true;
  }
  // Conditional: the event may go out only once the update is known to have happened.
  const [result] = await sink.write([statement], [], now);
  const written = Array.isArray(result) && result.length > 0;
  if (written && events.length > 0) await sink.write([], events, now);
  return written;
}
