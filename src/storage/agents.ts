/** Agents and their API keys (SHA-256 hashes only), and the audit list of what they did. */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { apiKeys, auditLog } from "./schema.ts";

export type AgentRow = typeof apiKeys.$inferSelect;
export type AgentRole = AgentRow["role"];
export type AuditRow = typeof auditLog.$inferSelect;

/** What authentication learns of a key: never its hash. */
export type Caller = Pick<AgentRow, "id" | "workspaceId" | "name" | "role">;

export async function findAgentByKeyHash(db: Db, keyHash: string): Promise<Caller | null> {
  const row = await db
    .select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId, name: apiKeys.name, role: apiKeys.role })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, keyHash))
    .get();
  return row ?? null;
}

export function insertAgentStatement(db: Db, row: AgentRow) {
  return db.insert(apiKeys).values(row);
}

export async function getAgent(db: Db, workspaceId: string, id: string): Promise<AgentRow | undefined> {
  return db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id)))
    .get();
}

export async function listAgents(db: Db, workspaceId: string, page: Page): Promise<Listed<AgentRow>> {
  const { after, order } = pageQuery(page, apiKeys.createdAt, apiKeys.id);
  const rows = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.workspaceId, workspaceId), after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

/**
 * True while the workspace keeps another admin besides `id`. Written into the statement
 * that demotes or deletes, so two admins removing each other at once cannot both succeed.
 */
function anotherAdmin(workspaceId: string, id: string) {
  return sql`exists (select 1 from ${apiKeys} where ${apiKeys.workspaceId} = ${workspaceId} and ${apiKeys.role} = 'admin' and ${apiKeys.id} <> ${id})`;
}

/** The agent as changed, or null when the change would leave the workspace without an admin. */
export async function updateAgent(
  db: Db,
  workspaceId: string,
  id: string,
  patch: Partial<Pick<AgentRow, "name" | "role">>,
  now: number,
): Promise<AgentRow | null> {
  const demotes = patch.role === "agent";
  const [row] = await db
    .update(apiKeys)
    .set({ ...patch, updatedAt: now })
    .where(
      and(
        eq(apiKeys.workspaceId, workspaceId),
        eq(apiKeys.id, id),
        demotes ? sql`(${apiKeys.role} <> 'admin' or ${anotherAdmin(workspaceId, id)})` : undefined,
      ),
    )
    .returning();
  return row ?? null;
}

/** Deletes the agent (its key answers 401 from then on) unless it is the workspace's last admin. */
export async function deleteAgent(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(apiKeys)
    .where(
      and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id), sql`(${apiKeys.role} <> 'admin' or ${anotherAdmin(workspaceId, id)})`),
    )
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export function insertAuditStatement(db: Db, row: AuditRow) {
  return db.insert(auditLog).values(row);
}

export async function listAudit(db: Db, workspaceId: string, page: Page, agentId?: string): Promise<Listed<AuditRow>> {
  const { after, order } = pageQuery(page, auditLog.createdAt, auditLog.id);
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), agentId ? eq(auditLog.agentId, agentId) : undefined, after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

export async function countAgents(db: Db, workspaceId: string): Promise<number> {
  const row = await db.select({ n: sql<number>`count(*)` }).from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).get();
  return row?.n ?? 0;
}
