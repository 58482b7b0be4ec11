// Drives the worker as a platform, a merchant and a subscriber would: through HTTP.
import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import { conversationStub } from "../../src/objects/conversation.ts";
import { type ConversationState, isFinished, withDefaults } from "../../src/objects/conversation-state.ts";
import { TIKTOK_TEST_APP } from "../fixtures/tiktok/index.ts";
import { signTikTok, withTimestamp } from "../helpers/tiktok.ts";
import { countSubrequest } from "./production-limits.ts";

export const ADMIN_TOKEN = "test-admin-token";
const BASE = "https://gateway.test";

export async function call(
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set("authorization", `Bearer ${options.token}`);
  let body = options.body;
  if (options.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(options.json);
  }
  return exports.default.fetch(`${BASE}${path}`, { method, headers, body });
}

export async function json<T = Record<string, unknown>>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

export async function createWorkspace(name = "Acme"): Promise<{ id: string; apiKey: string }> {
  return json(await call("POST", "/v1/workspaces", { token: ADMIN_TOKEN, json: { name } }), 201);
}

/** Routing off: no rule fires, so a test sees only the pipeline it is about. */
export async function disableRouting(apiKey: string): Promise<void> {
  const response = await call("PUT", "/v1/rules", { token: apiKey, json: { rules: [] } });
  expect(response.status, await response.clone().text()).toBe(200);
}

export async function createTikTokChannel(apiKey: string): Promise<{ id: string; webhookUrl: string }> {
  return json(
    await call("POST", "/v1/channels", { token: apiKey, json: { platform: "tiktok", name: "Shop", credentials: { ...TIKTOK_TEST_APP } } }),
    201,
  );
}

/** Each endpoint gets its own URL, so a test sees only its own deliveries. */
export async function createEndpoint(apiKey: string, url = `http://127.0.0.1:9999/hooks/${crypto.randomUUID()}`, eventTypes?: string[]) {
  return json<{ id: string; secret: string; url: string; eventTypes: string[] }>(
    await call("POST", "/v1/endpoints", { token: apiKey, json: { url, eventTypes } }),
    201,
  );
}

/** POSTs a fixture as TikTok Shop would: fresh timestamp, signed with the test app. */
export async function postTikTok(channelId: string, fixture: string, options: { signature?: string; fresh?: boolean } = {}) {
  const body = options.fresh === false ? fixture : withTimestamp(fixture, Math.floor(Date.now() / 1000));
  const signature = options.signature ?? signTikTok(TIKTOK_TEST_APP.appKey, TIKTOK_TEST_APP.appSecret, body);
  return call("POST", `/webhooks/tiktok/${channelId}`, { body, headers: { authorization: signature, "content-type": "application/json" } });
}

export interface CapturedDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Replaces outbound fetch (the queue consumers run in this isolate) with a recorder that
 * keeps the requests to `urlPrefix`; queues outlive a test, so others may still arrive.
 */
export function captureOutbound(urlPrefix: string, answer: (request: Request) => Response | Promise<Response> = () => new Response("ok")) {
  const captured: CapturedDelivery[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    countSubrequest("fetch");
    const request = new Request(input, init);
    const body = await request.clone().text();
    if (request.url.startsWith(urlPrefix)) captured.push({ url: request.url, headers: Object.fromEntries(request.headers), body });
    return answer(request);
  });
  return { captured, restore: () => spy.mockRestore() };
}

export async function count(sql: string, ...params: unknown[]): Promise<number> {
  const { env } = await import("cloudflare:workers");
  const row = await env.DB.prepare(sql)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * The platform messages a conversation object admitted, by platform message id, read in place
 * as it de-duplicates: its stored inbound messages (src/objects/message-log.ts), finished unless
 * its state lists them unfinished.
 */
export async function admittedMessages(
  channelId: string,
  platformThreadId: string,
): Promise<Map<string, { seq: number; finished: boolean }>> {
  return runInDurableObject(conversationStub(env, channelId, platformThreadId), async (_instance, object) => {
    const state = withDefaults(object.storage.kv.get<ConversationState>("state"));
    const rows = object.storage.sql
      .exec<{ platform_message_id: string; seq: number }>("SELECT platform_message_id, seq FROM messages WHERE direction = 'inbound'")
      .toArray();
    return new Map(rows.map(({ platform_message_id: id, seq }) => [id, { seq, finished: isFinished(state, id) }] as const));
  });
}

/**
 * Rows of the conversations' own `messages` tables (src/objects/message-log.ts), across every
 * conversation object created so far: `SELECT * FROM messages WHERE <where>` in each.
 */
export async function storedMessages(where = "1 = 1", ...params: unknown[]): Promise<Record<string, SqlStorageValue>[]> {
  const namespace = env.CONVERSATION as unknown as DurableObjectNamespace;
  const rows: Record<string, SqlStorageValue>[] = [];
  for (const id of await listDurableObjectIds(namespace)) {
    const found = await runInDurableObject(namespace.get(id), async (_instance, object) =>
      object.storage.sql.exec(`SELECT * FROM messages WHERE ${where} ORDER BY seq`, ...(params as SqlStorageValue[])).toArray(),
    );
    rows.push(...found);
  }
  return rows;
}

/** How many messages `storedMessages(where, ...params)` finds. */
export async function countStoredMessages(where: string, ...params: unknown[]): Promise<number> {
  return (await storedMessages(where, ...params)).length;
}

/**
 * Rows of a workspace's SLA clocks (src/objects/clock-log.ts), read in place in its event log
 * object: `SELECT * FROM sla_clocks WHERE <where>`.
 */
export async function storedClocks(workspaceId: string, where = "1 = 1", ...params: unknown[]): Promise<Record<string, SqlStorageValue>[]> {
  const namespace = env.EVENT_LOG as unknown as DurableObjectNamespace;
  return runInDurableObject(namespace.getByName(workspaceId), async (_instance, object) =>
    object.storage.sql.exec(`SELECT * FROM sla_clocks WHERE ${where} ORDER BY started_at, id`, ...(params as SqlStorageValue[])).toArray(),
  );
}

/** How many clocks `storedClocks(workspaceId, where, ...params)` finds. */
export async function countStoredClocks(workspaceId: string, where: string, ...params: unknown[]): Promise<number> {
  return (await storedClocks(workspaceId, where, ...params)).length;
}

/** A workspace with its owner's key (admin) and one `agent`'s key. */
export async function team(): Promise<{ admin: string; agent: string }> {
  const workspace = await createWorkspace();
  const agent = await json<{ apiKey: string }>(
    await call("POST", "/v1/agents", { token: workspace.apiKey, json: { name: "Lan", role: "agent" } }),
    201,
  );
  return { admin: workspace.apiKey, agent: agent.apiKey };
}
