/** /v1/endpoints: where a workspace's events are delivered, what happened when, and how to send them again. */
import { Hono } from "hono";
import { z } from "zod";
import { fanOutQuietly } from "../actions/fan-out.ts";
import { DEFAULT_LIMITS, LIMIT_BOUNDS } from "../deliver/limiter.ts";
import { MAX_REPLAY_EVENT_IDS, replayDeliveries } from "../deliver/replay.ts";
import { ROTATION_OVERLAP_MS } from "../deliver/rotation.ts";
import { encodeEndpointSecret } from "../deliver/sign.ts";
import { checkOutboundUrl } from "../deliver/url-guard.ts";
import type { AppEnv } from "../env.ts";
import { readConfig } from "../env.ts";
import { EventTypeSchema } from "../events/schema.ts";
import { ApiError } from "../lib/errors.ts";
import { randomId, randomToken } from "../lib/ids.ts";
import { secretBox } from "../secrets.ts";
import { listAttempts } from "../storage/attempts.ts";
import { openDb } from "../storage/db.ts";
import {
  deleteEndpoint,
  type EndpointPatch,
  getEndpoint,
  insertEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from "../storage/endpoints.ts";
import { listFailedDeliveries } from "../storage/event-deliveries.ts";
import { parseJsonBody, parsePage } from "./validation.ts";
import { attemptView, endpointView, failedEventView } from "./views.ts";

/** Business events and the operational ones (deduplicated, for when the latter join events/schema.ts). */

const fields = {
  url: z.string().max(2048),
  eventTypes: z.array(EventTypeSchema).max(50),
  description: z.string().max(500).nullable(),
  rateLimitPerSecond: z.number().int().min(LIMIT_BOUNDS.rateLimitPerSecond.min).max(LIMIT_BOUNDS.rateLimitPerSecond.max),
  maxConcurrency: z.number().int().min(LIMIT_BOUNDS.maxConcurrency.min).max(LIMIT_BOUNDS.maxConcurrency.max),
};

const CreateEndpointSchema = z.strictObject({
  url: fields.url,
  eventTypes: fields.eventTypes.optional(),
  description: fields.description.optional(),
  rateLimitPerSecond: fields.rateLimitPerSecond.optional(),
  maxConcurrency: fields.maxConcurrency.optional(),
});

const PatchEndpointSchema = z.strictObject({
  url: fields.url.optional(),
  eventTypes: fields.eventTypes.optional(),
  description: fields.description.optional(),
  enabled: z.boolean().optional(),
  rateLimitPerSecond: fields.rateLimitPerSecond.optional(),
  maxConcurrency: fields.maxConcurrency.optional(),
});

const ReplaySchema = z
  .strictObject({
    eventIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_REPLAY_EVENT_IDS).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((body) => body.eventIds !== undefined || body.since !== undefined, { message: "give eventIds, since, or both" });

function acceptableUrl(env: Env, url: string): string {
  const verdict = checkOutboundUrl(url, { allowPrivate: readConfig(env).allowPrivateEndpoints });
  if (!verdict.ok) throw new ApiError("unprocessable", `url ${verdict.reason}`, [{ path: "url", message: verdict.reason }]);
  return verdict.url.toString();
}

export const endpointRoutes = new Hono<AppEnv>();

endpointRoutes.post("/", async (c) => {
  const body = await parseJsonBody(c, CreateEndpointSchema);
  const secret = encodeEndpointSecret(randomToken(32));
  const now = Date.now();
  const row = await insertEndpoint(openDb(c.env.DB), {
    id: randomId("ep"),
    workspaceId: c.get("workspaceId"),
    url: acceptableUrl(c.env, body.url),
    eventTypes: JSON.stringify([...new Set(body.eventTypes ?? [])]),
    description: body.description ?? null,
    enabled: true,
    secretSealed: await (await secretBox(c.env)).seal(secret),
    rateLimitPerSecond: body.rateLimitPerSecond ?? DEFAULT_LIMITS.rateLimitPerSecond,
    maxConcurrency: body.maxConcurrency ?? DEFAULT_LIMITS.maxConcurrency,
    createdAt: now,
    updatedAt: now,
  });
  return c.json({ ...endpointView(row), secret }, 201);
});

endpointRoutes.get("/", async (c) => {
  const listed = await listEndpoints(openDb(c.env.DB), c.get("workspaceId"), parsePage(c));
  return c.json({ data: listed.data.map(endpointView), nextCursor: listed.nextCursor });
});

endpointRoutes.get("/:id", async (c) => {
  const row = await getEndpoint(openDb(c.env.DB), c.get("workspaceId"), c.req.param("id"));
  if (!row) throw new ApiError("not_found", "endpoint not found");
  return c.json(endpointView(row));
});

endpointRoutes.patch("/:id", async (c) => {
  const body = await parseJsonBody(c, PatchEndpointSchema);
  const now = Date.now();
  const patch: EndpointPatch = { updatedAt: now };
  if (body.url !== undefined) {
    patch.url = acceptableUrl(c.env, body.url);
    patch.failingSince = null; // a new URL gets a fresh chance
  }
  if (body.eventTypes !== undefined) patch.eventTypes = JSON.stringify([...new Set(body.eventTypes)]);
  if (body.description !== undefined) patch.description = body.description;
  if (body.rateLimitPerSecond !== undefined) patch.rateLimitPerSecond = body.rateLimitPerSecond;
  if (body.maxConcurrency !== undefined) patch.maxConcurrency = body.maxConcurrency;
  if (body.enabled === true) Object.assign(patch, { enabled: true, disabledReason: null, disabledAt: null, failingSince: null });
  if (body.enabled === false) Object.assign(patch, { enabled: false, disabledReason: "manual", disabledAt: now });
  const row = await updateEndpoint(openDb(c.env.DB), c.get("workspaceId"), c.req.param("id"), patch);
  if (!row) throw new ApiError("not_found", "endpoint not found");
  return c.json(endpointView(row));
});

endpointRoutes.delete("/:id", async (c) => {
  if (!(await deleteEndpoint(openDb(c.env.DB), c.get("workspaceId"), c.req.param("id")))) {
    throw new ApiError("not_found", "endpoint not found");
  }
  return c.body(null, 204);
});

endpointRoutes.post("/:id/rotate-secret", async (c) => {
  const secret = encodeEndpointSecret(randomToken(32));
  const now = Date.now();
  const sealed = await (await secretBox(c.env)).seal(secret);
  const row = await rotateEndpointSecret(openDb(c.env.DB), c.get("workspaceId"), c.req.param("id"), sealed, now + ROTATION_OVERLAP_MS, now);
  if (!row) throw new ApiError("not_found", "endpoint not found");
  return c.json({ secret }, 200);
});

endpointRoutes.get("/:id/attempts", async (c) => {
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const id = c.req.param("id");
  const page = parsePage(c);
  if (!(await getEndpoint(db, workspaceId, id))) throw new ApiError("not_found", "endpoint not found");
  const listed = await listAttempts(db, workspaceId, id, page, c.req.query("eventId"));
  return c.json({ data: listed.data.map(attemptView), nextCursor: listed.nextCursor });
});

endpointRoutes.get("/:id/failed-events", async (c) => {
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const id = c.req.param("id");
  const page = parsePage(c);
  if (!(await getEndpoint(db, workspaceId, id))) throw new ApiError("not_found", "endpoint not found");
  const listed = await listFailedDeliveries(db, workspaceId, id, page);
  return c.json({ data: listed.data.map(failedEventView), nextCursor: listed.nextCursor });
});

endpointRoutes.post("/:id/replay", async (c) => {
  const body = await parseJsonBody(c, ReplaySchema);
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const endpoint = await getEndpoint(db, workspaceId, c.req.param("id"));
  if (!endpoint) throw new ApiError("not_found", "endpoint not found");
  if (!endpoint.enabled) throw new ApiError("conflict", 'endpoint is disabled; PATCH it with {"enabled": true} first');
  const now = Date.now();
  const since = body.since === undefined ? undefined : Date.parse(body.since);
  const result = await replayDeliveries(db, c.env.DELIVERIES_QUEUE, endpoint, { eventIds: body.eventIds, since }, now);
  if (!result.ok) {
    throw new ApiError(
      "not_found",
      `no such event in this workspace: ${result.unknownEventIds.join(", ")}`,
      result.unknownEventIds.map((eventId) => ({ path: `eventIds.${body.eventIds?.indexOf(eventId)}`, message: "event not found" })),
    );
  }
  if (result.operationalEventId) await fanOutQuietly(db, c.env.DELIVERIES_QUEUE, workspaceId, [result.operationalEventId], now);
  return c.json({ replayed: result.replayed }, 202);
});
