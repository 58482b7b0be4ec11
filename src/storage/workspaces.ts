/** Workspaces, created with their first agent: `Owner`, an admin, whose key is stored as a SHA-256 hash only. */
import type { Db } from "./db.ts";
import { apiKeys, workspaces } from "./schema.ts";

export async function insertWorkspace(
  db: Db,
  row: { id: string; name: string; keyId: string; keyHash: string; now: number },
): Promise<void> {
  await db.batch([
    db.insert(workspaces).values({ id: row.id, name: row.name, createdAt: row.now }),
    db.insert(apiKeys).values({
      id: row.keyId,
      workspaceId: row.id,
      keyHash: row.keyHash,
      name: "Owner",
      role: "admin",
      createdAt: row.now,
      updatedAt: row.now,
    }),
  ]);
}
