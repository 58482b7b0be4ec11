/** POST /v1/workspaces (admin token): a workspace and its API key, shown once. */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { toBase64Url } from "../lib/encoding.ts";
import { randomId, randomToken } from "../lib/ids.ts";
import { openDb } from "../storage/db.ts";
import { insertWorkspace } from "../storage/workspaces.ts";
import { API_KEY_PREFIX, hashApiKey, requireAdmin } from "./auth.ts";
import { parseJsonBody } from "./validation.ts";

const CreateWorkspaceSchema = z.strictObject({ name: z.string().trim().min(1).max(200) });

export const workspaceRoutes = new Hono<AppEnv>();

workspaceRoutes.post("/", requireAdmin, async (c) => {
  const { name } = await parseJsonBody(c, CreateWorkspaceSchema);
  const id = randomId("ws");
  const apiKey = `${API_KEY_PREFIX}${toBase64Url(randomToken(32))}`;
  await insertWorkspace(openDb(c.env.DB), { id, name, keyId: randomId("key"), keyHash: await hashApiKey(apiKey), now: Date.now() });
  return c.json({ id, name, apiKey }, 201);
});
