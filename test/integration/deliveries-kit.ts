// The deliveries tests' workbench: stored events, a virtual DELIVERIES queue on a virtual
// clock (so a 27-hour retry schedule runs in milliseconds), and fake subscribers.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eventLogs } from "../../src/actions/event-log.ts";
import { type DeliveryProducer, fanOut } from "../../src/actions/fan-out.ts";
import { type ConsumerIo, consumeDeliveries } from "../../src/consumers/deliveries.ts";
import type { EventDelivery } from "../../src/consumers/messages.ts";
import { endpointObject } from "../../src/objects/endpoint-limiter.ts";
import type { EventLogObject } from "../../src/objects/event-log-object.ts";
import { openDb } from "../../src/storage/db.ts";
import { call, createEndpoint, createWorkspace, json } from "./helpers.ts";

export const db = () => openDb(env.DB);

let counter = 0;

/** Stores an event as the pipeline would (not yet fanned out) and returns its id and exact body. */
export async function storeEvent(workspaceId: string, options: { type?: string; at?: number; data?: unknown } = {}) {
  counter += 1;
  const id = `evt_test${String(counter).padStart(8, "0")}${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const at = options.at ?? Date.now();
  const type = options.type ?? "order.updated";
  const payload = JSON.stringify({ id, type, timestamp: new Date(at).toISOString(), data: options.data ?? { workspaceId } });
  await eventLog(workspaceId).append([{ id, workspaceId, type, payload, createdAt: at, fannedOutAt: null }]);
  return { id, payload };
}

/** The workspace's event log (its object's RPC). */
export function eventLog(workspaceId: string) {
  return eventLogs(env)(workspaceId);
}

function eventLogObject(workspaceId: string): DurableObjectStub<EventLogObject> {
  return (env.EVENT_LOG as unknown as DurableObjectNamespace<EventLogObject>).getByName(workspaceId);
}

/** Runs the log's alarm work (its stall sweep and retention purge) at `now`, into `queue`. */
export async function sweepEventLog(workspaceId: string, now: number, queue: DeliveryProducer) {
  return runInDurableObject(eventLogObject(workspaceId), (instance: EventLogObject) => instance.sweep(now, queue));
}

/** How many events the workspace's log holds (of `type`, if given). */
export async function storedEventCount(workspaceId: string, type?: string): Promise<number> {
  return runInDurableObject(eventLogObject(workspaceId), (_instance, state) =>
    type === undefined
      ? state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM events").one().n
      : state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM events WHERE type = ?", type).one().n,
  );
}

/** The stored event's row in its workspace's log, as its SQLite holds it (null: not there). */
export async function storedEvent(workspaceId: string, eventId: string) {
  return runInDurableObject(
    eventLogObject(workspaceId),
    (_instance, state) =>
      state.storage.sql
        .exec<{ id: string; type: string; payload: string; created_at: number; fanned_out_at: number | null }>(
          "SELECT id, type, payload, created_at, fanned_out_at FROM events WHERE id = ?",
          eventId,
        )
        .toArray()
        .at(0) ?? null,
  );
}

/** A workspace with one endpoint (extra POST fields allowed, e.g. rate limits). */
export async function workspaceWithEndpoint(endpointFields: Record<string, unknown> = {}) {
  const workspace = await createWorkspace();
  const url = `http://127.0.0.1:9999/hooks/${crypto.randomUUID()}`;
  const endpoint =
    Object.keys(endpointFields).length === 0
      ? await createEndpoint(workspace.apiKey, url)
      : await json<{ id: string; secret: string; url: string }>(
          await call("POST", "/v1/endpoints", { token: workspace.apiKey, json: { url, ...endpointFields } }),
          201,
        );
  return { workspace, endpoint };
}

export interface VirtualMessage {
  id: string;
  body: unknown;
  attempts: number;
  visibleAt: number;
}

export interface Processed {
  id: string;
  at: number;
  outcome: { kind: "ack" } | { kind: "retry"; delaySeconds: number } | { kind: "none" };
}

/**
 * A DELIVERIES queue the test drives: messages become visible after their delay on a
 * virtual clock, batches go to consumeDeliveries, and acks, retries and their delays are
 * applied (and kept in `history`) as Cloudflare Queues would.
 */
export class VirtualQueue implements DeliveryProducer {
  now: number;
  messages: VirtualMessage[] = [];
  history: Processed[] = [];
  private sequence = 0;

  constructor(now = Date.now()) {
    this.now = now;
  }

  async sendBatch(requests: Iterable<MessageSendRequest<EventDelivery>>): Promise<void> {
    for (const request of requests) this.push(request.body, request.delaySeconds ?? 0);
  }

  push(body: unknown, delaySeconds = 0, attempts = 1): string {
    this.sequence += 1;
    const id = `vm${this.sequence}`;
    this.messages.push({ id, body, attempts, visibleAt: this.now + delaySeconds * 1000 });
    return id;
  }

  /** Fans events out into this queue, as the pipeline does into the real one. */
  async fanOut(workspaceId: string, eventIds: string[]): Promise<number> {
    return fanOut(db(), this, eventLog(workspaceId), workspaceId, eventIds, this.now);
  }

  /** Runs one batch of what is visible now (at most 50, as wrangler.toml configures). */
  async step(io: Omit<ConsumerIo, "now" | "queue">, consumerEnv: Env = env): Promise<Processed[]> {
    const visible = this.messages.filter((m) => m.visibleAt <= this.now).slice(0, 50);
    this.messages = this.messages.filter((m) => !visible.includes(m));
    const outcomes = new Map<string, Processed["outcome"]>();
    const batch: MessageBatch<unknown> = {
      queue: env.DELIVERIES_QUEUE_NAME,
      metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } },
      messages: visible.map((m) => ({
        id: m.id,
        timestamp: new Date(this.now),
        body: m.body,
        attempts: m.attempts,
        ack: () => outcomes.set(m.id, { kind: "ack" }),
        retry: (options?: QueueRetryOptions) => outcomes.set(m.id, { kind: "retry", delaySeconds: options?.delaySeconds ?? 0 }),
      })),
      ackAll: () => {
        for (const m of visible) outcomes.set(m.id, { kind: "ack" });
      },
      retryAll: () => {
        for (const m of visible) outcomes.set(m.id, { kind: "retry", delaySeconds: 0 });
      },
    };
    await consumeDeliveries(batch, consumerEnv, { ...io, now: () => this.now, queue: this });
    const processed: Processed[] = [];
    for (const m of visible) {
      const outcome = outcomes.get(m.id) ?? { kind: "none" };
      processed.push({ id: m.id, at: this.now, outcome });
      if (outcome.kind === "retry")
        this.messages.push({ ...m, attempts: m.attempts + 1, visibleAt: this.now + outcome.delaySeconds * 1000 });
    }
    this.history.push(...processed);
    return processed;
  }

  /** Runs batches, moving the clock to the next visible message, until the queue is empty. */
  async drain(io: Omit<ConsumerIo, "now" | "queue">, options: { maxSteps?: number; consumerEnv?: Env } = {}): Promise<void> {
    for (let i = 0; i < (options.maxSteps ?? 500); i++) {
      if (this.messages.length === 0) return;
      const next = Math.min(...this.messages.map((m) => m.visibleAt));
      if (next > this.now) this.now = next;
      await this.step(io, options.consumerEnv);
    }
    throw new Error(`queue not drained after ${options.maxSteps ?? 500} batches; ${this.messages.length} left`);
  }
}

export interface Seen {
  at: number;
  request: Request;
  body: string;
}

/** A fake subscriber: answers with `answer(n)` for its n-th request (1-based) and records each, with the virtual time. */
export function subscriber(queueOrClock: { now: number }, answer: (n: number, request: Request) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetchFake: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({ at: queueOrClock.now, request, body: await request.clone().text() });
    return answer(seen.length, request);
  };
  return { seen, io: { fetch: fetchFake, random: () => 0.5 } };
}

export async function deliveryRow(endpointId: string, eventId: string) {
  return env.DB.prepare("SELECT * FROM event_deliveries WHERE endpoint_id = ? AND event_id = ?").bind(endpointId, eventId).first<{
    status: string;
    reason: string | null;
    attempts: number;
    next_attempt_at: number;
    last_error: string | null;
    replays: number;
  }>();
}

/** An endpoint's attempt history, as its object keeps it (src/objects/attempt-log.ts), oldest first. */
export async function attemptsOf(endpointId: string, eventId?: string) {
  return runInDurableObject(endpointObject(env, endpointId), async (_instance, state) =>
    state.storage.sql
      .exec<{ attempt: number; status: string; response_status: number | null; error: string | null; response_body: string | null }>(
        `SELECT attempt, status, response_status, error, response_body FROM attempt_history ${eventId === undefined ? "" : "WHERE event_id = ?"} ORDER BY attempt, created_at`,
        ...(eventId === undefined ? [] : [eventId]),
      )
      .toArray(),
  );
}

export async function eventsOfType(workspaceId: string, type: string) {
  const rows = await runInDurableObject(eventLogObject(workspaceId), (_instance, state) =>
    state.storage.sql.exec<{ payload: string }>("SELECT payload FROM events WHERE type = ? ORDER BY created_at", type).toArray(),
  );
  return rows.map((row) => JSON.parse(row.payload) as { id: string; type: string; data: Record<string, unknown> });
}
