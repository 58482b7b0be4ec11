/** Subscriber endpoints. Secrets stay sealed here. */
import { and, eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { endpoints } from "./schema.ts";

export type EndpointRow = typeof endpoints.$inferSelect;

export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db.insert(endpoints).values(row);
}

export async function getEndpoint(db: Db, workspaceId: string, id: string): Promise<EndpointRow | undefined> {
  return db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.id, id)))
    .get();
}

export async function listEndpoints(db: Db, workspaceId: string, page: Page): Promise<Listed<EndpointRow>> {
  const { after, order } = pageQuery(page, endpoints.createdAt, endpoints.id);
  const rows = await db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.workspaceId, workspaceId), after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

/** Every enabled endpoint of a workspace: the fan-out's audience. */
export async function listEnabledEndpoints(db: Db, workspaceId: string): Promise<EndpointRow[]> {
  return db
    .select()
    .from(endpoints)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.enabled, true)))
    .all();
}

export async function updateEndpoint(
  db: Db,
  workspaceId: string,
  id: string,
  patch: Partial<Pick<EndpointRow, "url" | "eventTypes" | "description" | "enabled">> & { updatedAt: number },
): Promise<EndpointRow | undefined> {
  return db
    .update(endpoints)
    .set(patch)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.id, id)))
    .returning()
    .get();
}

export async function deleteEndpoint(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(endpoints)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.id, id)))
    .returning({ id: endpoints.id });
  return deleted.length > 0;
}
