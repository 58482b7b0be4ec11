/**
 * One Durable Object per workspace, named by its id: the workspace's event log
 * (event-log.ts) in the object's own SQLite, so the events' writes leave D1's single writer.
 * The pipeline appends each sink write's events (a DM's) in one call and marks a delivery
 * round's events fanned out in another; GET /v1/events and the traffic metrics read it. Its
 * alarm is the log's own stall sweep (an event stored and never marked fanned out is fanned
 * out again, as the cron's sweep did when the log was in D1) and its retention purge: every
 * stall grace while events await their fan-out, else once a day.
 */
import { DurableObject } from "cloudflare:workers";
import type { EventLogRpc } from "../actions/event-log.ts";
import { type DeliveryProducer, fanOutStored } from "../actions/fan-out.ts";
import { STALL_GRACE_MS } from "../deliver/policy.ts";
import { type SlaByChannel, slaByChannel } from "../route/sla-metrics.ts";
import { openDb } from "../storage/db.ts";
import type { EventRow, TrafficCountRow } from "../storage/events.ts";
import type { Listed, Page } from "../storage/pagination.ts";
import { getSettings } from "../storage/settings.ts";
import { type ClockChange, ClockLog, type ClockRecord } from "./clock-log.ts";
import { EventLog } from "./event-log.ts";

const DAY_MS = 86_400_000;
/** Stalled events are looked for this far back: a crash is caught within two graces; older ones predate the sweep. */
const ORPHAN_LOOKBACK_MS = DAY_MS;
/** Stalled events fanned out per alarm, in parts of FAN_OUT_PART (each part one D1 batch and one queue send per 100). */
const SWEEP_LIMIT = 500;
const FAN_OUT_PART = 50;
const SWEPT_UNTIL_KEY = "swept_until";
/** Expired events dropped per alarm: no alarm runs long; a full purge comes back a second later for the rest. */
const PURGE_LIMIT = 2000;
const PURGE_AGAIN_MS = 1000;
/** With nothing waiting for its fan-out, the alarm only purges: once a day. */
const PURGE_EVERY_MS = DAY_MS;
/**
 * SLA clocks are kept at least this long whatever the events' retention: GET /v1/metrics/sla
 * spans up to 93 days, and the last 93 days always answer whole.
 */
const CLOCK_RETENTION_MIN_DAYS = 93;

export class EventLogObject extends DurableObject<Env> implements EventLogRpc {
  private readonly log: EventLog;
  private readonly clockLog: ClockLog;
  /** The alarm as this instance knows it (undefined: not read yet), so an append sets it only to bring it forward. */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.log = new EventLog(ctx.storage.sql);
    this.clockLog = new ClockLog(ctx.storage.sql);
  }

  async append(rows: EventRow[], clocks: ClockChange[] = []): Promise<EventRow[]> {
    // One implicit transaction: the events and the clocks' facts they go with.
    this.clockLog.apply(clocks);
    const awaiting = this.log.append(rows);
    // What awaits its fan-out is swept if not marked within a grace; the rest is only purged.
    await this.arm(Date.now() + (awaiting.length > 0 ? STALL_GRACE_MS : PURGE_EVERY_MS));
    return awaiting;
  }

  async awaiting(ids: string[]): Promise<EventRow[]> {
    return this.log.awaiting(ids);
  }

  async markFannedOut(ids: string[], now: number): Promise<void> {
    this.log.markFannedOut(ids, now);
  }

  async read(ids: string[]): Promise<EventRow[]> {
    return this.log.read(ids);
  }

  async list(page: Page, type?: string): Promise<Listed<EventRow>> {
    return this.log.list(page, type);
  }

  async recordClocks(changes: ClockChange[]): Promise<void> {
    this.clockLog.apply(changes);
  }

  async clocks(ids: string[]): Promise<ClockRecord[]> {
    return this.clockLog.read(ids);
  }

  async slaMetrics(from: number, to: number): Promise<SlaByChannel> {
    return slaByChannel(this.clockLog.startedBetween(from, to));
  }

  async countTraffic(from: number, to: number, bucketMs: number): Promise<TrafficCountRow[]> {
    return this.log.countTraffic(from, to, bucketMs);
  }

  /**
   * The stall sweep, then the retention purge; set again while the log holds events: after a
   * grace while some await their fan-out (one never marked is fanned out one to two graces
   * after it was stored), else in a day.
   */
  override async alarm(): Promise<void> {
    // The runtime clears an alarm that fired.
    this.alarmAt = null;
    const now = Date.now();
    const { purged } = await this.sweep(now, this.env.DELIVERIES_QUEUE);
    if (this.log.workspaceId() === null) return;
    if (purged >= PURGE_LIMIT) return this.arm(now + PURGE_AGAIN_MS);
    // Events stored since the sweep and not yet marked (a delivery round in flight, or a crash): look again after a grace.
    const sweptUntil = this.ctx.storage.kv.get<number>(SWEPT_UNTIL_KEY) ?? 0;
    await this.arm(now + (this.log.anyUnmarkedAfter(sweptUntil) ? STALL_GRACE_MS : PURGE_EVERY_MS));
  }

  /** The alarm's work at `now`, wake-ups going to `producer` (tests run it on a virtual clock and queue). */
  async sweep(now: number, producer: DeliveryProducer): Promise<{ fannedOut: number; purged: number }> {
    const workspaceId = this.log.workspaceId();
    if (workspaceId === null) return { fannedOut: 0, purged: 0 };
    const db = openDb(this.env.DB);
    // Each sweep reads on from where the last one ended, so it reads about one grace of events.
    const after = Math.max(this.ctx.storage.kv.get<number>(SWEPT_UNTIL_KEY) ?? 0, now - ORPHAN_LOOKBACK_MS);
    const stalled = this.log.stalled({ after, before: now - STALL_GRACE_MS }, SWEEP_LIMIT);
    for (let i = 0; i < stalled.length; i += FAN_OUT_PART) {
      await fanOutStored(db, producer, (ids, at) => this.log.markFannedOut(ids, at), workspaceId, stalled.slice(i, i + FAN_OUT_PART), now);
    }
    if (stalled.length > 0) console.warn(JSON.stringify({ msg: "stalled events fanned out", workspaceId, events: stalled.length }));
    // Everything before this is fanned out now; a full sweep resumes at its last event (ties are marked already).
    const sweptUntil = stalled.length < SWEEP_LIMIT ? now - STALL_GRACE_MS : (stalled.at(-1)?.createdAt ?? after) - 1;
    this.ctx.storage.kv.put(SWEPT_UNTIL_KEY, sweptUntil);
    const { retentionDays } = (await getSettings(db, workspaceId)).deliveries;
    const purged = this.log.purge(now - retentionDays * DAY_MS, PURGE_LIMIT);
    const clocksPurged = this.clockLog.purge(now - Math.max(retentionDays, CLOCK_RETENTION_MIN_DAYS) * DAY_MS, PURGE_LIMIT);
    // `purged`: the larger of the two purges, so either one left full brings the alarm back for the rest.
    return { fannedOut: stalled.length, purged: Math.max(purged, clocksPurged) };
  }

  /** Sets the alarm for `at` unless it is set for then or sooner already (a set alarm is a storage write). */
  private async arm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null && this.alarmAt <= at) return;
    await this.ctx.storage.setAlarm(at);
    this.alarmAt = at;
  }
}
