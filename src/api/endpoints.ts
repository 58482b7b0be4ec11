/** /v1/endpoints: where a workspace's events are delivered, and what happened when. */
import { Hono } from "hono";
import { z } from "zod";
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
import { deleteEndpoint, getEndpoint, insertEndpoint, listEndpoints, updateEndpoint } from "../storage/endpoints.ts";
import { parseJsonBody, parsePage } from "./validation.ts";
import { attemptView, endpointView } from "./views.ts";

const fields = {
  url: z.string().max(2048),
  eventTypes: z.array(EventTypeSchema).max(50),
  description: z.string().max(500).nullable(),
};

const CreateEndpointSchema = z.strictObject({
  url: fields.url,
  eventTypes: fields.eventTypes.optional(),
  description: fields.description.optional(),
});

const PatchEndpointSchema = z.strictObject({
  url: fields.url.optional(),
  eventTypes: fields.eventTypes.optional(),
  description: fields.description.optional(),
  enabled: z.boolean().optional(),
});

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
  const row = {
    id: randomId("ep"),
    workspaceId: c.get("workspaceId"),
    url: acceptableUrl(c.env, body.url),
    eventTypes: JSON.stringify([...new Set(body.eventTypes ?? [])]),
    description: body.description ?? null,
    enabled: true,
    secretSealed: await (await secretBox(c.env)).seal(secret),
    createdAt: now,
    updatedAt: now,
  };
  await insertEndpoint(openDb(c.env.DB), row);
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
  const patch: Parameters<typeof updateEndpoint>[3] = { updatedAt: Date.now() };
  if (body.url !== undefined) patch.url = acceptableUrl(c.env, body.url);
  if (body.eventTypes !== undefined) patch.eventTypes = JSON.stringify([...new Set(body.eventTypes)]);
  if (body.description !== undefined) patch.description = body.description;
  if (body.enabled !== undefined) patch.enabled = body.enabled;
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

endpointRoutes.get("/:id/attempts", async (c) => {
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const id = c.req.param("id");
  const page = parsePage(c);
  if (!(await getEndpoint(db, workspaceId, id))) throw new ApiError("not_found", "endpoint not found");
  const listed = await listAttempts(db, workspaceId, id, page);
  return c.json({ data: listed.data.map(attemptView), nextCursor: listed.nextCursor });
});
