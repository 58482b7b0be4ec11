/**
 * Bearer authentication. The admin token may only create workspaces; an API key sees only
 * its own workspace. Unknown credential: 401. Right credential on the wrong route: 403.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { toHex } from "../lib/encoding.ts";
import { ApiError } from "../lib/errors.ts";
import { sha256, timingSafeEqualText } from "../lib/hmac.ts";
import { openDb } from "../storage/db.ts";
import { findWorkspaceIdByKeyHash } from "../storage/workspaces.ts";

export const API_KEY_PREFIX = "sbk_";

export async function hashApiKey(key: string): Promise<string> {
  return toHex(await sha256(key));
}

function bearer(header: string | undefined): string | null {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

async function isAdminToken(env: Env, token: string): Promise<boolean> {
  return Boolean(env.ADMIN_TOKEN) && timingSafeEqualText(token, env.ADMIN_TOKEN);
}

async function workspaceForKey(env: Env, token: string): Promise<string | null> {
  if (!token.startsWith(API_KEY_PREFIX)) return null;
  return findWorkspaceIdByKeyHash(openDb(env.DB), await hashApiKey(token));
}

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  if (!token) throw new ApiError("unauthorized", "send Authorization: Bearer <ADMIN_TOKEN>");
  if (await isAdminToken(c.env, token)) return next();
  if (await workspaceForKey(c.env, token)) throw new ApiError("forbidden", "an API key cannot create workspaces; use the admin token");
  throw new ApiError("unauthorized", "the bearer token is not valid");
});

export const requireWorkspace = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  if (!token) throw new ApiError("unauthorized", "send Authorization: Bearer <API key>");
  const workspaceId = await workspaceForKey(c.env, token);
  if (workspaceId) {
    c.set("workspaceId", workspaceId);
    return next();
  }
  if (await isAdminToken(c.env, token))
    throw new ApiError("forbidden", "the admin token only creates workspaces; use the workspace's API key");
  throw new ApiError("unauthorized", "the bearer token is not valid");
});
