/** Sets a workspace up through the public API, as a merchant would (README "Walkthrough"). */
import { BENCH_APP } from "./tiktok.ts";

export interface Workspace {
  id: string;
  apiKey: string;
  channelId: string;
  endpointId: string;
  /** Whether PATCH /v1/settings took the order lookup (false while the settings API is missing). */
  orderLookupSet: boolean;
  /** The limits the endpoint was created with; null: the API's defaults. */
  endpointLimits: { rateLimitPerSecond: number; maxConcurrency: number } | null;
  notes: string[];
}

/** The upper bounds of POST /v1/endpoints when src/deliver/limiter.ts does not say (LIMIT_BOUNDS). */
export const ENDPOINT_LIMITS = { rateLimitPerSecond: 1000, maxConcurrency: 100 };

export async function call(
  base: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, json };
}

function field(json: unknown, key: string): string {
  const value = (json as Record<string, unknown> | null)?.[key];
  if (typeof value !== "string") throw new Error(`expected "${key}" in ${JSON.stringify(json).slice(0, 300)}`);
  return value;
}

export async function setUpWorkspace(
  base: string,
  adminToken: string,
  options: {
    name: string;
    subscriberUrl: string;
    orderLookupUrl: string;
    endpointLimits: { rateLimitPerSecond: number; maxConcurrency: number };
  },
): Promise<Workspace> {
  const notes: string[] = [];
  const workspace = await call(base, "POST", "/v1/workspaces", adminToken, { name: options.name });
  if (workspace.status !== 201) throw new Error(`POST /v1/workspaces answered ${workspace.status}: ${JSON.stringify(workspace.json)}`);
  const apiKey = field(workspace.json, "apiKey");
  const channel = await call(base, "POST", "/v1/channels", apiKey, {
    platform: "tiktok",
    name: `${options.name} shop`,
    credentials: { ...BENCH_APP },
  });
  if (channel.status !== 201) throw new Error(`POST /v1/channels answered ${channel.status}: ${JSON.stringify(channel.json)}`);
  // The highest per-endpoint limits the API allows, so the benchmark measures the pipeline,
  // not the endpoint's rate limit (50/s by default); older code without the fields gets none.
  let endpoint = await call(base, "POST", "/v1/endpoints", apiKey, { url: options.subscriberUrl, ...options.endpointLimits });
  let endpointLimits: Workspace["endpointLimits"] = options.endpointLimits;
  if (endpoint.status === 400 || endpoint.status === 422) {
    endpoint = await call(base, "POST", "/v1/endpoints", apiKey, { url: options.subscriberUrl });
    endpointLimits = null;
    notes.push("the endpoint API took no rateLimitPerSecond/maxConcurrency: the endpoint has the defaults");
  }
  if (endpoint.status !== 201) throw new Error(`POST /v1/endpoints answered ${endpoint.status}: ${JSON.stringify(endpoint.json)}`);
  const settings = await call(base, "PATCH", "/v1/settings", apiKey, { orderLookup: { url: options.orderLookupUrl } });
  const orderLookupSet = settings.status === 200;
  if (!orderLookupSet)
    notes.push(`PATCH /v1/settings answered ${settings.status}: order look-ups use TikTok's Order API on the fake instead`);
  return {
    id: field(workspace.json, "id"),
    apiKey,
    channelId: field(channel.json, "id"),
    endpointId: field(endpoint.json, "id"),
    orderLookupSet,
    endpointLimits,
    notes,
  };
}

/** Counts tickets through GET /v1/tickets (all pages); null when the route does not exist. */
export async function countTickets(base: string, apiKey: string): Promise<number | null> {
  let cursor: string | null = null;
  let count = 0;
  for (let page = 0; page < 1000; page++) {
    const query: string = cursor ? `?limit=200&cursor=${encodeURIComponent(cursor)}` : "?limit=200";
    const listed = await call(base, "GET", `/v1/tickets${query}`, apiKey);
    if (listed.status !== 200) return null;
    const body = listed.json as { data?: unknown[]; nextCursor?: string | null };
    count += body.data?.length ?? 0;
    cursor = body.nextCursor ?? null;
    if (!cursor) break;
  }
  return count;
}
