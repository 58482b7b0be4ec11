// The scheduled jobs (stall sweep, retention purge) and the deliveries dead-letter queue.
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fanOut } from "../../src/actions/fan-out.ts";
import worker from "../../src/index.ts";
import { purgeExpired, resumeStalledDeliveries, runMaintenance } from "../../src/maintenance/index.ts";
import { STALL_GRACE_MS } from "../../src/maintenance/resume-stalled.ts";
import { AttemptLog } from "../../src/objects/attempt-log.ts";
import { endpointObject } from "../../src/objects/endpoint-limiter.ts";
import { decodeCursor } from "../../src/storage/pagination.ts";
import {
  db,
  deliveryRow,
  eventLog,
  eventsOfType,
  storedEvent,
  storeEvent,
  subscriber,
  sweepEventLog,
  VirtualQueue,
  workspaceWithEndpoint,
} from "./deliveries-kit.ts";
import { call, count, json } from "./helpers.ts";

const DAY = 86_400_000;
const dropEverything = { sendBatch: async () => undefined };

describe("the stall sweep", () => {
  it("wakes a pending delivery whose queue message was lost, and leaves live ones alone", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const lost = await storeEvent(workspace.id);
    const now = Date.now();
    // The row is written, then the wake-up vanishes (a crash, a message gone to the dead-letter queue).
    await fanOut(db(), dropEverything, eventLog(workspace.id), workspace.id, [lost.id], now);
    const queue = new VirtualQueue(now + 60_000);
    expect(await resumeStalledDeliveries(env, queue.now, queue)).toEqual({ deliveries: 0 });

    queue.now = now + STALL_GRACE_MS + 1000;
    expect(await resumeStalledDeliveries(env, queue.now, queue)).toEqual({ deliveries: 1 });
    // Taken once: the next sweep does not wake it again while its wake-up is on the way.
    expect(await resumeStalledDeliveries(env, queue.now + 1000, queue)).toEqual({ deliveries: 0 });
    // The event was marked fanned out when its row was written: its log's sweep leaves it alone.
    expect(await sweepEventLog(workspace.id, queue.now, queue)).toEqual({ fannedOut: 0, purged: 0 });
    const ok = subscriber(queue, () => new Response("ok"));
    await queue.drain(ok.io);
    expect(ok.seen.map((s) => s.request.headers.get("webhook-id"))).toEqual([lost.id]);
    expect(await deliveryRow(endpoint.id, lost.id)).toMatchObject({ status: "succeeded" });
  });

  it("fans out an event whose fan-out never ran, from its workspace's event log", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    const orphan = await storeEvent(workspace.id, { at: Date.now() - STALL_GRACE_MS - 1000 });
    const recent = await storeEvent(workspace.id, { at: Date.now() - 1000 });
    const ancient = await storeEvent(workspace.id, { at: Date.now() - 2 * DAY });
    const queue = new VirtualQueue();
    expect(await sweepEventLog(workspace.id, queue.now, queue)).toEqual({ fannedOut: 1, purged: 0 });
    await queue.drain(subscriber(queue, () => new Response("ok")).io);
    expect((await storedEvent(workspace.id, orphan.id))?.fanned_out_at).toBe(queue.now);
    expect(await deliveryRow(endpoint.id, orphan.id)).toMatchObject({ status: "succeeded" });
    // Still within its own fan-out's reach, and too old to be a crash the sweep should mend.
    expect(await deliveryRow(endpoint.id, recent.id)).toBeNull();
    expect(await deliveryRow(endpoint.id, ancient.id)).toBeNull();
  });
});

describe("the deliveries dead-letter queue", () => {
  it("turns a delivery that crashed on every retry into a failed event of its endpoint, reported, not a dead letter", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    await json(
      await call("PATCH", `/v1/endpoints/${endpoint.id}`, {
        token: workspace.apiKey,
        json: { eventTypes: ["order.updated", "delivery.exhausted"] },
      }),
      200,
    );
    const event = await storeEvent(workspace.id);
    await fanOut(db(), dropEverything, eventLog(workspace.id), workspace.id, [event.id], Date.now());
    const body = { v: 1, kind: "event", workspaceId: workspace.id, eventId: event.id, endpointId: endpoint.id };
    const batch = createMessageBatch(env.DELIVERIES_DLQ_NAME, [{ id: "dead1", timestamp: new Date(), attempts: 1, body }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dead1"]);
    expect(await deliveryRow(endpoint.id, event.id)).toMatchObject({ status: "failed", reason: "gateway_error" });
    expect(await eventsOfType(workspace.id, "delivery.exhausted")).toMatchObject([
      { data: { reason: "gateway_error", event: { id: event.id } } },
    ]);
    expect(await count("SELECT count(*) n FROM dead_letters WHERE workspace_id = ?", workspace.id)).toBe(0);
  });
});

describe("retention", () => {
  async function ageEverything(workspaceId: string, ageMs: number) {
    const event = await storeEvent(workspaceId, { at: Date.now() - ageMs });
    const endpoint = await firstEndpoint(workspaceId);
    await env.DB.prepare(
      "INSERT INTO event_deliveries (endpoint_id, event_id, workspace_id, event_type, status, next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, 'order.updated', 'succeeded', 0, ?, ?)",
    )
      .bind(endpoint, event.id, workspaceId, Date.now() - ageMs, Date.now() - ageMs)
      .run();
    return { workspaceId, eventId: event.id };
  }

  async function firstEndpoint(workspaceId: string): Promise<string> {
    const row = await env.DB.prepare("SELECT id FROM endpoints WHERE workspace_id = ?").bind(workspaceId).first<{ id: string }>();
    return row?.id ?? "";
  }

  const left = async ({ workspaceId, eventId }: { workspaceId: string; eventId: string }) =>
    ((await storedEvent(workspaceId, eventId)) ? 1 : 0) +
    (await count("SELECT count(*) n FROM event_deliveries WHERE event_id = ?", eventId));

  it("purges events, delivery states and dead letters past each workspace's retention, and old inbound blobs", async () => {
    const standard = (await workspaceWithEndpoint()).workspace;
    const long = (await workspaceWithEndpoint()).workspace;
    const short = (await workspaceWithEndpoint()).workspace;
    await json(await call("PATCH", "/v1/settings", { token: long.apiKey, json: { deliveries: { retentionDays: 90 } } }), 200);
    await json(await call("PATCH", "/v1/settings", { token: short.apiKey, json: { deliveries: { retentionDays: 7 } } }), 200);

    const standardOld = await ageEverything(standard.id, 31 * DAY);
    const standardYoung = await ageEverything(standard.id, 29 * DAY);
    const longOld = await ageEverything(long.id, 60 * DAY);
    const shortOld = await ageEverything(short.id, 10 * DAY);
    const shortYoung = await ageEverything(short.id, 6 * DAY);
    await env.DB.prepare("INSERT INTO inbound_blobs (id, body, created_at) VALUES ('blob_old', '{}', ?), ('blob_new', '{}', ?)")
      .bind(Date.now() - 31 * DAY, Date.now() - DAY)
      .run();
    const deadLetter = env.DB.prepare(
      "INSERT INTO dead_letters (id, workspace_id, queue, reason, body, created_at) VALUES (?, ?, 'inbound', 'unreadable', '{}', ?)",
    );
    await env.DB.batch([
      deadLetter.bind("dl_standard_old", standard.id, Date.now() - 31 * DAY),
      deadLetter.bind("dl_long_old", long.id, Date.now() - 60 * DAY),
      deadLetter.bind("dl_orphan_old", null, Date.now() - 31 * DAY),
      deadLetter.bind("dl_orphan_young", null, Date.now() - DAY),
    ]);

    const counts = await purgeExpired(env, Date.now());
    expect(counts).toEqual({ deliveries: 2, inboundBlobs: 1, deadLetters: 2 });
    // Each workspace's events are purged by its own log, on its alarm.
    const purgedEvents = await Promise.all(
      [standard, long, short].map(async (w) => (await sweepEventLog(w.id, Date.now(), dropEverything)).purged),
    );
    expect(purgedEvents).toEqual([1, 0, 1]);
    const deadLettersLeft = await env.DB.prepare("SELECT id FROM dead_letters ORDER BY id").all<{ id: string }>();
    expect(deadLettersLeft.results.map((row) => row.id)).toEqual(["dl_long_old", "dl_orphan_young"]);
    expect(await left(standardOld)).toBe(0);
    expect(await left(shortOld)).toBe(0);
    expect(await left(standardYoung)).toBe(2);
    expect(await left(longOld)).toBe(2);
    expect(await left(shortYoung)).toBe(2);
    expect(await count("SELECT count(*) n FROM inbound_blobs WHERE id = 'blob_new'")).toBe(1);
  });

  it("keeps an endpoint's attempt history to its workspace's retention, dropping the expired as it writes", async () => {
    const endpointId = "ep_retentiontest0001";
    const row = (id: string, ageDays: number) => ({
      id,
      workspaceId: "ws_retention",
      endpointId,
      eventId: `evt_${id}`,
      attempt: 1,
      status: "succeeded" as const,
      responseStatus: 200,
      durationMs: 5,
      error: null,
      responseBody: null,
      createdAt: Date.now() - ageDays * DAY,
    });
    const history = endpointObject(env, endpointId);
    await history.finish([], [row("att_old", 40), row("att_kept", 20)], Date.now() - 30 * DAY);
    await history.finish([], [row("att_new", 0)], Date.now() - 30 * DAY);
    const listed = await history.listAttempts({ limit: 10, cursor: null });
    expect(listed.data.map((attempt) => attempt.id)).toEqual(["att_new", "att_kept"]);
    // Deleting the endpoint deletes its history.
    await history.forget();
    expect((await history.listAttempts({ limit: 10, cursor: null })).data).toEqual([]);
  });

  it("keeps each attempt once however often its write is retried, and pages the history and one event's attempts newest first", async () => {
    const endpointId = "ep_historypaging0001";
    const base = Date.now() - 60_000;
    // Three attempts per event over two events, two in the same millisecond (ties broken by id).
    const rows = Array.from({ length: 6 }, (_, i) => ({
      id: `att_page${i}`,
      workspaceId: "ws_history",
      endpointId,
      eventId: i % 2 === 0 ? "evt_even" : "evt_odd",
      attempt: Math.floor(i / 2) + 1,
      status: "failed" as const,
      responseStatus: 500,
      durationMs: 5,
      error: null,
      responseBody: null,
      createdAt: base + Math.min(i, 4) * 1000,
    }));
    const history = endpointObject(env, endpointId);
    await history.finish([], rows, 0);
    // A retried call carries the same rows: nothing is added.
    await history.finish([], rows.slice(2), 0);
    const walk = async (eventId?: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await history.listAttempts({ limit: 1, cursor: cursor ? decodeCursor(cursor) : null }, eventId);
        ids.push(...page.data.map((attempt) => attempt.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await walk()).toEqual(["att_page5", "att_page4", "att_page3", "att_page2", "att_page1", "att_page0"]);
    expect(await walk("evt_even")).toEqual(["att_page4", "att_page2", "att_page0"]);
    expect(await walk("evt_none")).toEqual([]);
    // An object of an earlier version had a rowid table of attempts: it gives way to the keyed one.
    const tables = await runInDurableObject(history, async (_instance, state) => {
      state.storage.sql.exec("CREATE TABLE IF NOT EXISTS attempts (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL)");
      new AttemptLog(state.storage.sql);
      return state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name LIKE 'attempt%' ORDER BY name")
        .toArray()
        .map((table) => table.name);
    });
    expect(tables).toEqual(["attempt_history", "attempt_history_event"]);
  });

  it("runs every job from the one entry point the cron handler calls", async () => {
    const result = await runMaintenance(env, Date.now());
    expect(result).toEqual({
      resumed: { deliveries: 0 },
      purged: { deliveries: 0, inboundBlobs: 0, deadLetters: 0 },
      tokens: { due: 0, failed: 0 },
    });
  });
});
