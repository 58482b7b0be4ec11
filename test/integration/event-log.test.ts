// Each workspace's event log object (src/objects/event-log-object.ts): append once by id,
// GET /v1/events pages and filters it, and its alarm sweeps what a crash left unfanned and
// purges what retention drops.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { STALL_GRACE_MS } from "../../src/deliver/policy.ts";
import { EventLog } from "../../src/objects/event-log.ts";
import type { EventLogObject } from "../../src/objects/event-log-object.ts";
import type { EventRow } from "../../src/storage/events.ts";
import { tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { deliveryRow, eventLog, storedEvent, storedEventCount, workspaceWithEndpoint } from "./deliveries-kit.ts";
import {
  call,
  captureOutbound,
  countStoredMessages,
  createEndpoint,
  createTikTokChannel,
  createWorkspace,
  disableRouting,
  json,
  postTikTok,
} from "./helpers.ts";
import { failNextD1 } from "./production-limits.ts";

let outbound: ReturnType<typeof captureOutbound> | undefined;
afterEach(() => outbound?.restore());

const DAY = 86_400_000;

function logObject(workspaceId: string): DurableObjectStub<EventLogObject> {
  return (env.EVENT_LOG as unknown as DurableObjectNamespace<EventLogObject>).getByName(workspaceId);
}

let serial = 0;
function row(workspaceId: string, fields: Partial<EventRow> = {}): EventRow {
  serial += 1;
  const id = fields.id ?? `evt_log${String(serial).padStart(6, "0")}${crypto.randomUUID().replaceAll("-", "").slice(0, 10)}`;
  const type = fields.type ?? "order.updated";
  const createdAt = fields.createdAt ?? Date.now();
  const payload = JSON.stringify({ id, type, timestamp: new Date(createdAt).toISOString(), data: { workspaceId, orderId: "576" } });
  return { id, workspaceId, type, payload, createdAt, fannedOutAt: null, ...fields };
}

describe("the event log object", () => {
  it("appends once by id: a re-run's rebuild keeps the first-stored bytes, and hands back only what awaits its fan-out", async () => {
    const workspace = await createWorkspace();
    const log = eventLog(workspace.id);
    const first = row(workspace.id);
    const quiet = row(workspace.id, { fannedOutAt: first.createdAt });
    expect(await log.append([first, quiet])).toEqual([first]);

    const rebuilt = { ...first, payload: first.payload.replace("576", "577"), createdAt: first.createdAt + 1000 };
    expect(await log.append([rebuilt, quiet])).toEqual([first]);
    expect((await storedEvent(workspace.id, first.id))?.payload).toBe(first.payload);

    await log.markFannedOut([first.id], first.createdAt + 5);
    expect(await log.append([rebuilt])).toEqual([]);
    expect(await log.read([first.id, quiet.id, "evt_missing"])).toHaveLength(2);
  });

  it("pages GET /v1/events newest first past 200 events, with the type filter however rare the type, each workspace apart", async () => {
    const workspace = await createWorkspace();
    const other = await createWorkspace();
    const base = Date.now() - 10 * 60_000;
    // 450 events, two per millisecond (ties broken by id), every third an order status, five tickets far apart.
    const typeOf = (i: number) => (i % 90 === 44 ? "ticket.created" : i % 3 === 0 ? "message.status" : "order.updated");
    const rows = Array.from({ length: 450 }, (_, i) => row(workspace.id, { createdAt: base + Math.floor(i / 2), type: typeOf(i) }));
    for (let i = 0; i < rows.length; i += 100) await eventLog(workspace.id).append(rows.slice(i, i + 100));
    await eventLog(other.id).append([row(other.id)]);

    const walk = async (query: string, limit = 200) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { data: { id: string; type: string }[]; nextCursor: string | null } = await json(
          await call("GET", `/v1/events?limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ""}`, { token: workspace.apiKey }),
          200,
        );
        expect(page.data.length).toBeLessThanOrEqual(limit);
        seen.push(...page.data.map((event) => event.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    };
    const newestFirst = [...rows].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1));
    expect(await walk("")).toEqual(newestFirst.map((r) => r.id));
    expect(await walk("&type=message.status")).toEqual(newestFirst.filter((r) => r.type === "message.status").map((r) => r.id));
    // A rare type (no index of its own: read through the newest-first one), two a page across the log.
    const tickets = newestFirst.filter((r) => r.type === "ticket.created").map((r) => r.id);
    expect(tickets).toHaveLength(5);
    expect(await walk("&type=ticket.created", 2)).toEqual(tickets);
    expect(await walk("&type=sla.breached", 2)).toEqual([]);
    // The bodies are the stored payloads, as delivered.
    const page = await json<{ data: unknown[] }>(await call("GET", "/v1/events?limit=1", { token: workspace.apiKey }), 200);
    expect(page.data).toEqual([JSON.parse(newestFirst[0]?.payload ?? "")]);
  });

  it("keeps one index on its events: a log created with the type index loses it", async () => {
    const workspace = await createWorkspace();
    const indexes = await runInDurableObject(logObject(workspace.id), async (_instance, state) => {
      state.storage.sql.exec("CREATE INDEX IF NOT EXISTS events_type ON events (type, created_at, id)");
      new EventLog(state.storage.sql);
      return state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")
        .toArray()
        .map((index) => index.name);
    });
    expect(indexes).toEqual(["events_newest"]);
  });

  it("fans out from its alarm an event stored by a run that crashed before its fan-out", async () => {
    const { workspace, endpoint } = await workspaceWithEndpoint();
    // Stored, then the consumer died: no delivery row, no wake-up, never marked.
    const orphan = row(workspace.id, { createdAt: Date.now() - STALL_GRACE_MS - 1000 });
    const recent = row(workspace.id);
    await eventLog(workspace.id).append([orphan, recent]);
    expect(await deliveryRow(endpoint.id, orphan.id)).toBeNull();

    expect(await runDurableObjectAlarm(logObject(workspace.id))).toBe(true);
    expect((await storedEvent(workspace.id, orphan.id))?.fanned_out_at).not.toBeNull();
    expect(await deliveryRow(endpoint.id, orphan.id)).not.toBeNull();
    // Still within its own run's reach: left alone, and the alarm is set again for it.
    expect((await storedEvent(workspace.id, recent.id))?.fanned_out_at).toBeNull();
    expect(await deliveryRow(endpoint.id, recent.id)).toBeNull();
    expect(await runInDurableObject(logObject(workspace.id), (_instance, state) => state.storage.getAlarm())).not.toBeNull();
  });

  it("sets its alarm a day ahead while nothing awaits its fan-out, and a grace ahead once something does", async () => {
    const workspace = await createWorkspace();
    const alarm = () => runInDurableObject(logObject(workspace.id), (_instance, state) => state.storage.getAlarm());
    const start = Date.now();
    await eventLog(workspace.id).append([row(workspace.id, { fannedOutAt: start })]);
    expect(await alarm()).toBeGreaterThan(start + DAY - 60_000);
    await eventLog(workspace.id).append([row(workspace.id)]);
    const grace = await alarm();
    expect(grace).toBeGreaterThanOrEqual(start + STALL_GRACE_MS);
    expect(grace).toBeLessThan(start + STALL_GRACE_MS + 60_000);
  });

  it("refuses an event over 2 MB, as Durable Object SQLite does deployed", async () => {
    const workspace = await createWorkspace();
    const huge = { ...row(workspace.id), payload: "x".repeat(2_000_001) };
    const refusal = await runInDurableObject(logObject(workspace.id), (_instance, state) => {
      try {
        new EventLog(state.storage.sql).append([huge]);
        return null;
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(refusal).toMatch(/too big/);
    expect(await storedEvent(workspace.id, huge.id)).toBeNull();
  });

  it("purges on its alarm what is past the workspace's retention", async () => {
    const workspace = await createWorkspace();
    await json(await call("PATCH", "/v1/settings", { token: workspace.apiKey, json: { deliveries: { retentionDays: 7 } } }), 200);
    const old = row(workspace.id, { createdAt: Date.now() - 8 * DAY, fannedOutAt: Date.now() - 8 * DAY });
    const kept = row(workspace.id, { createdAt: Date.now() - 6 * DAY, fannedOutAt: Date.now() - 6 * DAY });
    await eventLog(workspace.id).append([old, kept]);

    expect(await runDurableObjectAlarm(logObject(workspace.id))).toBe(true);
    expect(await storedEvent(workspace.id, old.id)).toBeNull();
    expect(await storedEvent(workspace.id, kept.id)).not.toBeNull();
  });

  it("comes back a second later while a purge has more to drop than one alarm takes", async () => {
    const workspace = await createWorkspace();
    const expired = Date.now() - 31 * DAY;
    const rows = Array.from({ length: 2001 }, (_, i) => row(workspace.id, { createdAt: expired + i, fannedOutAt: expired + i }));
    for (let i = 0; i < rows.length; i += 200) await eventLog(workspace.id).append(rows.slice(i, i + 200));
    const kept = row(workspace.id, { fannedOutAt: Date.now() });
    await eventLog(workspace.id).append([kept]);

    const alarm = () => runInDurableObject(logObject(workspace.id), (_instance, state) => state.storage.getAlarm());
    expect(await runDurableObjectAlarm(logObject(workspace.id))).toBe(true);
    expect(await storedEventCount(workspace.id)).toBe(2);
    expect(await alarm()).toBeLessThan(Date.now() + 5000);
    expect(await runDurableObjectAlarm(logObject(workspace.id))).toBe(true);
    expect(await storedEventCount(workspace.id)).toBe(1);
    expect(await alarm()).toBeGreaterThan(Date.now() + DAY - 60_000);
  });
});

describe("a crash between storing a DM's events and recording the DM", () => {
  it("loses nothing and sends nothing twice: the queue's re-run records it and delivers the events once, as first stored", async () => {
    const workspace = await createWorkspace();
    await disableRouting(workspace.apiKey);
    const channel = await createTikTokChannel(workspace.apiKey);
    const endpoint = await createEndpoint(workspace.apiKey);
    outbound = captureOutbound(endpoint.url);
    const captured = outbound.captured;
    // The record batch (contact, conversation, message, clock) fails once, its events already in the log.
    failNextD1(/^insert into "message_search"/);
    await postTikTok(channel.id, tiktokFixtures["new-message-text"]);
    await vi.waitFor(() => expect(captured).toHaveLength(3), { timeout: 30_000, interval: 200 });
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(captured).toHaveLength(3);
    expect(await countStoredMessages("workspace_id = ?", workspace.id)).toBe(1);
    expect(await storedEventCount(workspace.id)).toBe(3);
    for (const delivery of captured) {
      const stored = await storedEvent(workspace.id, delivery.headers["webhook-id"] ?? "");
      expect(delivery.body).toBe(stored?.payload);
      expect(stored?.fanned_out_at).not.toBeNull();
    }
  }, 40_000);
});
