/** /v1/endpoints: where a workspace's events are delivered, what happened when, and how to send them again. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { eventLogs } from "../actions/event-log.ts";
import { fanOutQuietly } from "../actions/fan-out.ts";
import { DEFAULT_LIMITS, LIMIT_BOUNDS } from "../deliver/limiter.ts";
import { MAX_REPLAY_EVENT_IDS, replayDeliveries } from "../deliver/replay.ts";
import { ROTATION_OVERLAP_MS } from "../deliver/rotation.ts";
import { encodeEndpointSecret } from "../deliver/sign.ts";
import { checkOutboundUrl } from "../deliver/url-guard.ts";
import { readConfig } from "../env.ts";
import { EventTypeSchema } from "../events/schema.ts";
import { ApiError } from "../lib/errors.ts";
import { randomId, randomToken } from "../lib/ids.ts";
import { sealedAt } from "../lib/secret-box.ts";
import { endpointObject } from "../objects/endpoint-limiter.ts";
import { secretBox } from "../secrets.ts";
import { openDb } from "../storage/db.ts";
import {
  countWorkspaceEndpoints,
  deleteEndpoint,
  type EndpointPatch,
  getEndpoint,
  insertEndpoint,
  listEndpoints,
  rotateEndpointSecret,
  updateEndpoint,
} from "../storage/endpoints.ts";
import { listFailedDeliveries } from "../storage/event-deliveries.ts";
import { createRouter } from "./router.ts";
import { errors, IdParamSchema, jsonBody, jsonResponse, listOf, PageQuerySchema, pageOf } from "./schemas.ts";
import { AttemptSchema, attemptView, EndpointSchema, endpointView, FailedEventSchema, failedEventView } from "./views.ts";

const fields = {
  url: z.string().max(2048).meta({ description: "https and public, unless ALLOW_PRIVATE_ENDPOINTS is on" }),
  eventTypes: z.array(EventTypeSchema).max(50).meta({ description: "Omitted or `[]`: every business event" }),
  description: z.string().max(500).nullable(),
  rateLimitPerSecond: z.number().int().min(LIMIT_BOUNDS.rateLimitPerSecond.min).max(LIMIT_BOUNDS.rateLimitPerSecond.max),
  maxConcurrency: z.number().int().min(LIMIT_BOUNDS.maxConcurrency.min).max(LIMIT_BOUNDS.maxConcurrency.max),
};

const CreateEndpointSchema = z
  .strictObject({
    url: fields.url,
    eventTypes: fields.eventTypes.optional(),
    description: fields.description.optional(),
    rateLimitPerSecond: fields.rateLimitPerSecond.optional().meta({ description: `Default ${DEFAULT_LIMITS.rateLimitPerSecond}` }),
    maxConcurrency: fields.maxConcurrency.optional().meta({ description: `Default ${DEFAULT_LIMITS.maxConcurrency}` }),
  })
  .meta({ id: "CreateEndpoint" });

const PatchEndpointSchema = z
  .strictObject({
    url: fields.url.optional(),
    eventTypes: fields.eventTypes.optional(),
    description: fields.description.optional(),
    enabled: z.boolean().optional(),
    rateLimitPerSecond: fields.rateLimitPerSecond.optional(),
    maxConcurrency: fields.maxConcurrency.optional(),
  })
  .meta({ id: "PatchEndpoint" });

const ReplaySchema = z
  .strictObject({
    eventIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_REPLAY_EVENT_IDS).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((body) => body.eventIds !== undefined || body.since !== undefined, { message: "give eventIds, since, or both" })
  .meta({ id: "Replay", description: "Give `eventIds`, `since`, or both" });

const SecretSchema = z.string().meta({ description: "`whsec_` + base64 of 32 random bytes; keys the Standard Webhooks signature" });
const CreatedEndpointSchema = EndpointSchema.extend({ secret: SecretSchema }).meta({ id: "CreatedEndpoint" });
const RotatedSecretSchema = z.strictObject({ secret: SecretSchema }).meta({ id: "RotatedSecret" });
const ReplayedSchema = z.strictObject({ replayed: z.number().int() }).meta({ id: "Replayed" });
const AttemptQuerySchema = PageQuerySchema.extend({ eventId: z.string().optional().meta({ description: "Only attempts for this event" }) });

function acceptableUrl(env: Env, url: string): string {
  const verdict = checkOutboundUrl(url, { allowPrivate: readConfig(env).allowPrivateEndpoints });
  if (!verdict.ok) throw new ApiError("unprocessable", `url ${verdict.reason}`, [{ path: "url", message: verdict.reason }]);
  return verdict.url.toString();
}

const tags = ["Endpoints"];
const notFound = () => new ApiError("not_found", "endpoint not found");

export const endpointRoutes = createRouter();

/**
 * Every message's events fan out to each endpoint inside one queue invocation: 20 DMs × a
 * few events × 20 endpoints stays far inside a Worker's 10,000 subrequests per invocation
 * and D1's 1,000 queries (https://developers.cloudflare.com/workers/platform/limits/).
 */
export const MAX_ENDPOINTS_PER_WORKSPACE = 20;

endpointRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    operationId: "createEndpoint",
    summary: "Subscribe a URL to events",
    description: "The answer carries the endpoint's `whsec_` signing secret: it is shown only here and by rotation.",
    request: { body: jsonBody(CreateEndpointSchema) },
    responses: {
      201: jsonResponse(CreatedEndpointSchema, "The endpoint and its secret"),
      ...errors(400, 401, 403, 409),
      422: { $ref: "#/components/responses/Unprocessable", description: "A URL the gateway will not call" },
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = openDb(c.env.DB);
    if ((await countWorkspaceEndpoints(db, c.get("workspaceId"))) >= MAX_ENDPOINTS_PER_WORKSPACE) {
      throw new ApiError("conflict", `a workspace has at most ${MAX_ENDPOINTS_PER_WORKSPACE} endpoints; delete one first`);
    }
    const secret = encodeEndpointSecret(randomToken(32));
    const now = Date.now();
    const id = randomId("ep");
    const row = await insertEndpoint(db, {
      id,
      workspaceId: c.get("workspaceId"),
      url: acceptableUrl(c.env, body.url),
      eventTypes: JSON.stringify([...new Set(body.eventTypes ?? [])]),
      description: body.description ?? null,
      enabled: true,
      secretSealed: await (await secretBox(c.env)).seal(secret, sealedAt.endpointSecret(id)),
      rateLimitPerSecond: body.rateLimitPerSecond ?? DEFAULT_LIMITS.rateLimitPerSecond,
      maxConcurrency: body.maxConcurrency ?? DEFAULT_LIMITS.maxConcurrency,
      createdAt: now,
      updatedAt: now,
    });
    return c.json({ ...endpointView(row), secret }, 201);
  },
);

endpointRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "listEndpoints",
    summary: "List endpoints",
    request: { query: PageQuerySchema },
    responses: { 200: jsonResponse(listOf(EndpointSchema, "EndpointList"), "A page of endpoints, newest first"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const listed = await listEndpoints(openDb(c.env.DB), c.get("workspaceId"), pageOf(c.req.valid("query")));
    return c.json({ data: listed.data.map(endpointView), nextCursor: listed.nextCursor }, 200);
  },
);

endpointRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    operationId: "getEndpoint",
    summary: "Read an endpoint, with its health",
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(EndpointSchema, "The endpoint"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const row = await getEndpoint(openDb(c.env.DB), c.get("workspaceId"), c.req.valid("param").id);
    if (!row) throw notFound();
    return c.json(endpointView(row), 200);
  },
);

endpointRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    operationId: "updateEndpoint",
    summary: "Change an endpoint; `enabled: true` re-enables a disabled one",
    request: { params: IdParamSchema, body: jsonBody(PatchEndpointSchema) },
    responses: { 200: jsonResponse(EndpointSchema, "The endpoint"), ...errors(400, 401, 403, 404, 422) },
  }),
  async (c) => {
    const body = c.req.valid("json");
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
    const row = await updateEndpoint(openDb(c.env.DB), c.get("workspaceId"), c.req.valid("param").id, patch);
    if (!row) throw notFound();
    return c.json(endpointView(row), 200);
  },
);

endpointRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    operationId: "deleteEndpoint",
    summary: "Delete an endpoint",
    request: { params: IdParamSchema },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (!(await deleteEndpoint(openDb(c.env.DB), c.get("workspaceId"), id))) throw notFound();
    await endpointObject(c.env, id).forget();
    return c.body(null, 204);
  },
);

endpointRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/rotate-secret",
    tags,
    operationId: "rotateEndpointSecret",
    summary: "Replace the signing secret",
    description: "For 24 h every delivery carries both signatures, space-separated, so either secret verifies it.",
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(RotatedSecretSchema, "The new secret"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const secret = encodeEndpointSecret(randomToken(32));
    const now = Date.now();
    const id = c.req.valid("param").id;
    const sealed = await (await secretBox(c.env)).seal(secret, sealedAt.endpointSecret(id));
    const row = await rotateEndpointSecret(openDb(c.env.DB), c.get("workspaceId"), id, sealed, now + ROTATION_OVERLAP_MS, now);
    if (!row) throw notFound();
    return c.json({ secret }, 200);
  },
);

endpointRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/attempts",
    tags,
    operationId: "listEndpointAttempts",
    summary: "Every delivery attempt to this endpoint",
    request: { params: IdParamSchema, query: AttemptQuerySchema },
    responses: {
      200: jsonResponse(listOf(AttemptSchema, "AttemptList"), "A page of attempts, newest first"),
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const { id } = c.req.valid("param");
    const query = c.req.valid("query");
    if (!(await getEndpoint(db, workspaceId, id))) throw notFound();
    // The history lives in the endpoint's own object (objects/attempt-log.ts).
    const listed = await endpointObject(c.env, id).listAttempts(pageOf(query), query.eventId);
    return c.json({ data: listed.data.map(attemptView), nextCursor: listed.nextCursor }, 200);
  },
);

endpointRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/failed-events",
    tags,
    operationId: "listEndpointFailedEvents",
    summary: "Events that did not get through",
    description: "`failed` (with why) or `held` while the endpoint was disabled; replay them with `POST …/replay`.",
    request: { params: IdParamSchema, query: PageQuerySchema },
    responses: {
      200: jsonResponse(listOf(FailedEventSchema, "FailedEventList"), "A page of failed or held events, newest first"),
      ...errors(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const { id } = c.req.valid("param");
    const page = pageOf(c.req.valid("query"));
    if (!(await getEndpoint(db, workspaceId, id))) throw notFound();
    const listed = await listFailedDeliveries(db, workspaceId, id, page);
    return c.json({ data: listed.data.map(failedEventView), nextCursor: listed.nextCursor }, 200);
  },
);

endpointRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/replay",
    tags,
    operationId: "replayEndpoint",
    summary: "Deliver events again, with their original ids",
    description:
      "`eventIds`: any event of the workspace (an unknown id is a 404 naming it); `since`: every failed or held event created since then (1000 per call). Reported as `delivery.replayed`.",
    request: { params: IdParamSchema, body: jsonBody(ReplaySchema) },
    responses: {
      202: jsonResponse(ReplayedSchema, "Queued again"),
      ...errors(400, 401, 403, 404),
      409: { $ref: "#/components/responses/Conflict", description: "The endpoint is disabled" },
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const endpoint = await getEndpoint(db, workspaceId, c.req.valid("param").id);
    if (!endpoint) throw notFound();
    if (!endpoint.enabled) throw new ApiError("conflict", 'endpoint is disabled; PATCH it with {"enabled": true} first');
    const now = Date.now();
    const since = body.since === undefined ? undefined : Date.parse(body.since);
    const log = eventLogs(c.env)(workspaceId);
    const result = await replayDeliveries(db, c.env.DELIVERIES_QUEUE, log, endpoint, { eventIds: body.eventIds, since }, now);
    if (!result.ok) {
      throw new ApiError(
        "not_found",
        `no such event in this workspace: ${result.unknownEventIds.join(", ")}`,
        result.unknownEventIds.map((eventId) => ({ path: `eventIds.${body.eventIds?.indexOf(eventId)}`, message: "event not found" })),
      );
    }
    if (result.operationalEventId) await fanOutQuietly(db, c.env.DELIVERIES_QUEUE, log, workspaceId, [result.operationalEventId], now);
    return c.json({ replayed: result.replayed }, 202);
  },
);
