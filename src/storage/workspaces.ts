/** Workspaces and their API keys (stored as SHA-256 hashes only). */
import { eq } from "drizzle-orm";
import type { Db } from "./db.ts";
import { apiKeys, workspaces } from "./schema.ts";

export async function insertWorkspace(
  db: Db,
  row: { id: string; name: string; keyId: string; keyHash: string; now: number },
): Promise<void> {
  await db.batch([
    db.insert(workspaces).values({ id: row.id, name: row.name, createdAt: row.now }),
    db.insert(apiKeys).values({ id: row.keyId, workspaceId: row.id, keyHash: row.keyHash, createdAt: row.now }),
  ]);
}

export async function findWorkspaceIdByKeyHash(db: Db, keyHash: string): Promise<string | null> {
  const row = await db.select({ workspaceId: apiKeys.workspaceId }).from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
  return row?.workspaceId ?? null;
}
