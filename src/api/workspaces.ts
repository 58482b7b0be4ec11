/** POST /v1/workspaces (admin token): a workspace and its API key, shown once. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { toBase64Url } from "../lib/encoding.ts";
import { randomId, randomToken } from "../lib/ids.ts";
import { openDb } from "../storage/db.ts";
import { insertWorkspace } from "../storage/workspaces.ts";
import { API_KEY_PREFIX, hashApiKey, requireAdmin } from "./auth.ts";
import { createRouter } from "./router.ts";
import { ADMIN_TOKEN_SCHEME, errors, jsonBody, jsonResponse } from "./schemas.ts";

const CreateWorkspaceSchema = z.strictObject({ name: z.string().trim().min(1).max(200) }).meta({ id: "CreateWorkspace" });

const CreatedWorkspaceSchema = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    apiKey: z.string().meta({ description: "`sbk_…`, shown only here: only its hash is stored" }),
  })
  .meta({ id: "CreatedWorkspace" });

export const workspaceRoutes = createRouter();

workspaceRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    middleware: [requireAdmin] as const,
    tags: ["Workspaces"],
    operationId: "createWorkspace",
    summary: "Create a workspace and its API key (admin token)",
    security: [{ [ADMIN_TOKEN_SCHEME]: [] }],
    request: { body: jsonBody(CreateWorkspaceSchema) },
    responses: { 201: jsonResponse(CreatedWorkspaceSchema, "The workspace, with its API key"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const { name } = c.req.valid("json");
    const id = randomId("ws");
    const apiKey = `${API_KEY_PREFIX}${toBase64Url(randomToken(32))}`;
    await insertWorkspace(openDb(c.env.DB), { id, name, keyId: randomId("agt"), keyHash: await hashApiKey(apiKey), now: Date.now() });
    return c.json({ id, name, apiKey }, 201);
  },
);
