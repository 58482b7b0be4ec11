/**
 * Bearer authentication and roles. The admin token may only create workspaces; an API key
 * is one agent's and sees only its workspace. Unknown credential: 401. Right credential on
 * the wrong route: 403.
 *
 * Roles are decided here, once, for every /v1 route: any key reads; writes need an `admin`
 * key, except the inbox writes in AGENT_WRITES. A route added later is admin-only for writes
 * until it is listed (roles.ts), so none can forget the check (test/integration/roles.test.ts walks them all).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv, AuditDetail } from "../env.ts";
import { toHex } from "../lib/encoding.ts";
import { ApiError, errorMessage } from "../lib/errors.ts";
import { sha256, timingSafeEqualText } from "../lib/hmac.ts";
import { randomId } from "../lib/ids.ts";
import { type Caller, findAgentByKeyHash, insertAuditStatement } from "../storage/agents.ts";
import { openDb } from "../storage/db.ts";
import { isWrite, roleFor } from "./roles.ts";

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

async function agentForKey(env: Env, token: string): Promise<Caller | null> {
  if (!token.startsWith(API_KEY_PREFIX)) return null;
  return findAgentByKeyHash(openDb(env.DB), await hashApiKey(token));
}

export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  if (!token) throw new ApiError("unauthorized", "send Authorization: Bearer <ADMIN_TOKEN>");
  if (await isAdminToken(c.env, token)) return next();
  if (await agentForKey(c.env, token)) throw new ApiError("forbidden", "an API key cannot create workspaces; use the admin token");
  throw new ApiError("unauthorized", "the bearer token is not valid");
});

/** The route this request matched, as declared (`/v1/tickets/:id`): the last one of its method, not a wildcard middleware. */
function declaredRoute(c: Context, method: string): string | null {
  const routes = matchedRoutes(c).filter((route) => route.method === method && !route.path.endsWith("*"));
  return routes.at(-1)?.path ?? null;
}

export const requireWorkspace = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  if (!token) throw new ApiError("unauthorized", "send Authorization: Bearer <API key>");
  const agent = await agentForKey(c.env, token);
  if (!agent) {
    if (await isAdminToken(c.env, token))
      throw new ApiError("forbidden", "the admin token only creates workspaces; use the workspace's API key");
    throw new ApiError("unauthorized", "the bearer token is not valid");
  }
  const method = c.req.method.toUpperCase();
  const route = declaredRoute(c, method);
  // An unknown path falls through to the 404 whatever the role.
  if (route && agent.role !== "admin" && roleFor(method, route) === "admin")
    throw new ApiError("forbidden", `an agent key may not ${method} ${route}; it needs an admin key`);
  c.set("workspaceId", agent.workspaceId);
  c.set("agent", agent);
  await next();
  if (route && isWrite(method) && c.res.status < 400) {
    const target = c.get("auditDetail")?.targetId ?? pathId(route, c.req.path) ?? (await createdId(c.res));
    await audit(c.env, agent, `${method} ${route}`, target, c.get("auditDetail"), c.res.status);
  }
});

/** What a 201 created, read from its answer's `id` (only the id: the rest may hold a secret shown once). */
async function createdId(response: Response): Promise<string | null> {
  if (response.status !== 201 || !response.headers.get("content-type")?.includes("json")) return null;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => null);
  const id = body && typeof body === "object" && "id" in body ? body.id : null;
  return typeof id === "string" ? id : null;
}

/**
 * One row for every write that succeeded: who, which route, on what, and what the route said
 * changed. The write is done by then: a failure to record it is logged, never answered as an
 * error (a client retrying a reply it thinks failed would send it twice).
 */
async function audit(
  env: Env,
  agent: Caller,
  action: string,
  target: string | null,
  detail: AuditDetail | undefined,
  status: number,
): Promise<void> {
  const row = {
    id: randomId("aud"),
    workspaceId: agent.workspaceId,
    agentId: agent.id,
    agentName: agent.name,
    action,
    targetId: target,
    detail: detail?.changes ? JSON.stringify(detail.changes) : null,
    status,
    createdAt: Date.now(),
  };
  try {
    await insertAuditStatement(openDb(env.DB), row);
  } catch (error) {
    console.error(JSON.stringify({ msg: "audit entry not recorded", action, agentId: agent.id, error: errorMessage(error) }));
  }
}

/** The `:id` segment of the path, read against the declared route. */
function pathId(route: string, path: string): string | null {
  const at = route.split("/").indexOf(":id");
  return at < 0 ? null : (path.split("/")[at] ?? null);
}
