/** Channel rows. Credentials stay sealed here; callers open them with the SecretBox. */
import { and, asc, eq, inArray, isNotNull, lte, ne } from "drizzle-orm";
import { selectInParts } from "./chunk.ts";
import type { Db } from "./db.ts";
import type { Statement } from "./event-deliveries.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { channels } from "./schema.ts";

export type ChannelRow = typeof channels.$inferSelect;

export async function insertChannel(db: Db, row: ChannelRow): Promise<void> {
  await db.insert(channels).values(row);
}

export async function getChannel(db: Db, workspaceId: string, id: string): Promise<ChannelRow | undefined> {
  return db
    .select()
    .from(channels)
    .where(and(eq(channels.workspaceId, workspaceId), eq(channels.id, id)))
    .get();
}

/** Intake's lookup: by id alone, since the webhook URL carries no workspace. */
export async function getChannelById(db: Db, id: string): Promise<ChannelRow | undefined> {
  return db.select().from(channels).where(eq(channels.id, id)).get();
}

export async function listChannels(db: Db, workspaceId: string, page: Page): Promise<Listed<ChannelRow>> {
  const { after, order } = pageQuery(page, channels.createdAt, channels.id);
  const rows = await db
    .select()
    .from(channels)
    .where(and(eq(channels.workspaceId, workspaceId), after))
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

export async function updateChannel(
  db: Db,
  workspaceId: string,
  id: string,
  patch: Partial<Pick<ChannelRow, "name" | "credentialsSealed" | "publicCredentials" | "tokenExpiresAt">> & { updatedAt: number },
): Promise<ChannelRow | undefined> {
  return db
    .update(channels)
    .set(patch)
    .where(and(eq(channels.workspaceId, workspaceId), eq(channels.id, id)))
    .returning()
    .get();
}

export async function deleteChannel(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const deleted = await db
    .delete(channels)
    .where(and(eq(channels.workspaceId, workspaceId), eq(channels.id, id)))
    .returning({ id: channels.id });
  return deleted.length > 0;
}

export type ChannelHealthPatch = Partial<Pick<ChannelRow, "status" | "statusReason" | "tokenExpiresAt" | "credentialsSealed">>;

/**
 * The channel's health (and, after a refresh, its credentials), unwritten. With
 * `ifSealedIs`, only while the credentials are still those: a refresh never overwrites
 * credentials a PATCH replaced meanwhile.
 */
export function updateChannelHealthStatement(db: Db, id: string, patch: ChannelHealthPatch, ifSealedIs?: string): Statement {
  const where = ifSealedIs === undefined ? eq(channels.id, id) : and(eq(channels.id, id), eq(channels.credentialsSealed, ifSealedIs));
  return db.update(channels).set(patch).where(where).returning({ id: channels.id });
}

/** Channels whose known token expiry is at or before `before`, soonest first; never disconnected ones. */
export async function listChannelsDueForRefresh(db: Db, before: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: channels.id })
    .from(channels)
    .where(and(isNotNull(channels.tokenExpiresAt), lte(channels.tokenExpiresAt, before), ne(channels.status, "disconnected")))
    .orderBy(asc(channels.tokenExpiresAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

/** Each of the workspace's channels among `ids`, by id → platform (a deleted channel is absent). */
export async function channelPlatforms(db: Db, workspaceId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await selectInParts([...new Set(ids)], (part) =>
    db
      .select({ id: channels.id, platform: channels.platform })
      .from(channels)
      .where(and(eq(channels.workspaceId, workspaceId), inArray(channels.id, part)))
      .all(),
  );
  return new Map(rows.map((row) => [row.id, row.platform]));
}
