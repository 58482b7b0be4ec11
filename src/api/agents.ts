/**
 * /v1/agents (a team's people, each with its own key), /v1/me (who the calling key is) and
 * /v1/audit (who did what, when). Roles are enforced for every route in auth.ts.
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { toBase64Url } from "../lib/encoding.ts";
import { ApiError } from "../lib/errors.ts";
import { randomId, randomToken } from "../lib/ids.ts";
import {
  type AgentRow,
  type AuditRow,
  countAgents,
  deleteAgent,
  getAgent,
  insertAgentStatement,
  listAgents,
  listAudit,
  updateAgent,
} from "../storage/agents.ts";
import { openDb } from "../storage/db.ts";
import { API_KEY_PREFIX, hashApiKey } from "./auth.ts";
import { createRouter } from "./router.ts";
import { errors, IdParamSchema, iso, jsonBody, jsonResponse, listOf, PageQuerySchema, pageOf, TimestampSchema } from "./schemas.ts";

/** A workspace's team: far more than a live-sale night needs, and a bound on what one admin key can create. */
export const MAX_AGENTS = 200;

const RoleSchema = z.enum(["admin", "agent"]).meta({
  id: "AgentRole",
  description: "`admin`: everything; `agent`: reads everything, and writes only replies and ticket changes",
});
const NameSchema = z.string().trim().min(1).max(200);

const CreateAgentSchema = z.strictObject({ name: NameSchema, role: RoleSchema }).meta({ id: "CreateAgent" });
const PatchAgentSchema = z
  .strictObject({ name: NameSchema.optional(), role: RoleSchema.optional() })
  .refine((patch) => patch.name !== undefined || patch.role !== undefined, "send name or role")
  .meta({ id: "PatchAgent" });

const AgentSchema = z
  .strictObject({ id: z.string(), name: z.string(), role: RoleSchema, createdAt: TimestampSchema })
  .meta({ id: "Agent", description: "An agent; its key is never shown after creation" });
const CreatedAgentSchema = AgentSchema.extend({
  apiKey: z.string().meta({ description: "`sbk_…`, shown only here: only its hash is stored" }),
}).meta({ id: "CreatedAgent" });
const MeSchema = z.strictObject({ id: z.string(), name: z.string(), role: RoleSchema, workspaceId: z.string() }).meta({ id: "Me" });

const AuditEntrySchema = z
  .strictObject({
    id: z.string(),
    agentId: z.string(),
    agentName: z.string().meta({ description: "The agent's name when it acted" }),
    action: z.string().meta({ description: "The route, as declared: `PATCH /v1/tickets/:id`, `POST /v1/conversations/:id/messages`…" }),
    targetId: z.string().nullable().meta({ description: "The object acted on: the path's id, or what the request created" }),
    detail: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: "What changed: a ticket's `status`/`assignee`, a reply's `messageId`…" }),
    status: z.number().int().meta({ description: "The HTTP status the request was answered with" }),
    createdAt: TimestampSchema,
  })
  .meta({ id: "AuditEntry" });
const AuditQuerySchema = PageQuerySchema.extend({
  agentId: z.string().min(1).max(64).optional().meta({ description: "Only what this agent did" }),
});

function agentView(row: AgentRow): z.infer<typeof AgentSchema> {
  return { id: row.id, name: row.name, role: row.role, createdAt: iso(row.createdAt) };
}

function auditView(row: AuditRow): z.infer<typeof AuditEntrySchema> {
  return {
    id: row.id,
    agentId: row.agentId,
    agentName: row.agentName,
    action: row.action,
    targetId: row.targetId,
    detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    status: row.status,
    createdAt: iso(row.createdAt),
  };
}

const LAST_ADMIN = "the workspace must keep at least one admin";
const tags = ["Agents"];

export const agentRoutes = createRouter();

agentRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    operationId: "createAgent",
    summary: "Add an agent, with its own API key (shown once; admin key)",
    request: { body: jsonBody(CreateAgentSchema) },
    responses: { 201: jsonResponse(CreatedAgentSchema, "The agent, with its API key"), ...errors(400, 401, 403, 409) },
  }),
  async (c) => {
    const { name, role } = c.req.valid("json");
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    if ((await countAgents(db, workspaceId)) >= MAX_AGENTS) throw new ApiError("conflict", `a workspace has at most ${MAX_AGENTS} agents`);
    const now = Date.now();
    const apiKey = `${API_KEY_PREFIX}${toBase64Url(randomToken(32))}`;
    const row: AgentRow = {
      id: randomId("agt"),
      workspaceId,
      keyHash: await hashApiKey(apiKey),
      name,
      role,
      createdAt: now,
      updatedAt: now,
    };
    await insertAgentStatement(db, row);
    c.set("auditDetail", { targetId: row.id, changes: { name, role } });
    return c.json({ ...agentView(row), apiKey }, 201);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "listAgents",
    summary: "List the workspace's agents (keys are never shown)",
    request: { query: PageQuerySchema },
    responses: { 200: jsonResponse(listOf(AgentSchema, "AgentList"), "A page of agents, newest first"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const listed = await listAgents(openDb(c.env.DB), c.get("workspaceId"), pageOf(c.req.valid("query")));
    return c.json({ data: listed.data.map(agentView), nextCursor: listed.nextCursor }, 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    operationId: "getAgent",
    summary: "Read an agent",
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(AgentSchema, "The agent"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const row = await getAgent(openDb(c.env.DB), c.get("workspaceId"), c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "agent not found");
    return c.json(agentView(row), 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    operationId: "updateAgent",
    summary: "Rename an agent or change its role (admin key); the last admin cannot be demoted",
    request: { params: IdParamSchema, body: jsonBody(PatchAgentSchema) },
    responses: { 200: jsonResponse(AgentSchema, "The agent"), ...errors(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    const patch = c.req.valid("json");
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const id = c.req.valid("param").id;
    if (!(await getAgent(db, workspaceId, id))) throw new ApiError("not_found", "agent not found");
    const row = await updateAgent(db, workspaceId, id, patch, Date.now());
    if (!row) throw new ApiError("conflict", `${LAST_ADMIN}: make another agent admin first`);
    c.set("auditDetail", { changes: patch });
    return c.json(agentView(row), 200);
  },
);

agentRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    operationId: "deleteAgent",
    summary: "Delete an agent: its key answers 401 from then on (admin key); the last admin cannot be deleted",
    request: { params: IdParamSchema },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404, 409) },
  }),
  async (c) => {
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const id = c.req.valid("param").id;
    if (!(await getAgent(db, workspaceId, id))) throw new ApiError("not_found", "agent not found");
    if (!(await deleteAgent(db, workspaceId, id))) throw new ApiError("conflict", `${LAST_ADMIN}: make another agent admin first`);
    return c.body(null, 204);
  },
);

export const meRoutes = createRouter();

meRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "getMe",
    summary: "The agent the calling key belongs to",
    responses: { 200: jsonResponse(MeSchema, "The calling agent"), ...errors(401, 403) },
  }),
  (c) => {
    const { id, name, role, workspaceId } = c.get("agent");
    return c.json({ id, name, role, workspaceId }, 200);
  },
);

export const auditRoutes = createRouter();

auditRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "listAudit",
    summary: "Who did what, when: every write an agent's key made (replies, assignments, resolutions, admin changes)",
    request: { query: AuditQuerySchema },
    responses: { 200: jsonResponse(listOf(AuditEntrySchema, "AuditList"), "A page of entries, newest first"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const listed = await listAudit(openDb(c.env.DB), c.get("workspaceId"), pageOf(query), query.agentId);
    return c.json({ data: listed.data.map(auditView), nextCursor: listed.nextCursor }, 200);
  },
);
