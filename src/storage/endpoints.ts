/** Subscriber endpoints: their settings, health and secrets (which stay sealed here). */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { TtlCache } from "../lib/ttl-cache.ts";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { endpoints } from "./schema.ts";

export type EndpointRow = typeof endpoints.$inferSelect;
export type NewEndpointRow = typeof endpoints.$inferInsert;

export type EndpointPatch = Partial<
  Pick<
    EndpointRow,
    | "url"
    | "eventTypes"
    | "description"
    | "enabled"
    | "rateLimitPerSecond"
    | "maxConcurrency"
    | "failingSince"
    | "disabledReason"
    | "disabledAt"
  >
> & { updatedAt: number };

/**
 * The fan-out's audience is read for every DM but changes rarely: kept per isolate for a few
 * seconds, like settings and rules. A change made through this module is seen at once in its
 * own isolate; other isolates see it within the TTL (a health mark, written by statement
 * builders without the workspace, also within it).
 */
const AUDIENCE_TTL_MS = 5_000;
const audiences = new TtlCache<EndpointRow[]>(AUDIENCE_TTL_MS);

/** Every endpoint of a workspace, disabled ones too (they hold events): the fan-out's audience, cached as above. */
export function workspaceAudience(db: Db, workspaceId: string): Promise<EndpointRow[]> {
  return audiences.get(workspaceId, Date.now(), () => listWorkspaceEndpoints(db, workspaceId));
}

/** Drops this isolate's cached audience of `workspaceId` (every write below does). */
function forgetAudience(workspaceId: string): void {
  audiences.forget(workspaceId);
}

export async function insertEndpoint(db: Db, row: NewEndpointRow): Promise<EndpointRow> {
  const inserted = await db.insert(endpoints).values(row).returning().get();
  forgetAudience(row.workspaceId);
  if (!inserted) throw new Error("endpoint insert returned nothing");
  return inserted;
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

/** Every endpoint of a workspace, disabled ones too: the fan-out's audience (disabled ones hold events). */
export async function countWorkspaceEndpoints(db: Db, workspaceId: string): Promise<number> {
  return db.$count(endpoints, eq(endpoints.workspaceId, workspaceId));
}

export async function listWorkspaceEndpoints(db: Db, workspaceId: string): Promise<EndpointRow[]> {
  return db.select().from(endpoints).where(eq(endpoints.workspaceId, workspaceId)).all();
}

export async function updateEndpoint(db: Db, workspaceId: string, id: string, patch: EndpointPatch): Promise<EndpointRow | undefined> {
  const updated = await db
    .update(endpoints)
    .set(patch)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.id, id)))
    .returning()
    .get();
  forgetAudience(workspaceId);
  return updated;
}

/** A new secret; the current one becomes the previous one, signing alongside until `previousExpiresAt`. */
export async function rotateEndpointSecret(
  db: Db,
  workspaceId: string,
  id: string,
  secretSealed: string,
  previousExpiresAt: number,
  now: number,
): Promise<EndpointRow | undefined> {
  const rotated = await db
    .update(endpoints)
    .set({ previousSecretSealed: sql`${endpoints.secretSealed}`, previousSecretExpiresAt: previousExpiresAt, secretSealed, updatedAt: now })
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.id, id)))
    .returning()
    .get();
  forgetAudience(workspaceId);
  return rotated;
}

/** Health after a success: no longer failing (written only when it was). */
export function markEndpointHealthyStatement(db: Db, id: string) {
  return db
    .update(endpoints)
    .set({ failingSince: null })
    .where(and(eq(endpoints.id, id), isNotNull(endpoints.failingSince)));
}

/** Health after a failure: failing since the first failure; disabled too when `disable` says so. */
export function markEndpointFailingStatement(db: Db, id: string, now: number, disable: { reason: "gone" | "failing" } | null) {
  const failingSince = sql`coalesce(${endpoints.failingSince}, ${now})`;
  if (!disable) return db.update(endpoints).set({ failingSince }).where(eq(endpoints.id, id));
  return db
    .update(endpoints)
    .set({ failingSince, enabled: false, disabledReason: disable.reason, disabledAt: now, updatedAt: now })
    .where(and(eq(endpoints.id, id), eq(endpoints.enabled, true)));
}

export async function deleteEndpoint(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(endpoints)
    .where(and(eq(endpoints.workspaceId, workspaceId), eq(endpoints.id, id)))
    .returning({ id: endpoints.id });
  forgetAudience(workspaceId);
  return deleted.length > 0;
}
