/** Workspace settings rows; a workspace without a row has the defaults. */
import { eq } from "drizzle-orm";
import { TtlCache } from "../lib/ttl-cache.ts";
import { DEFAULT_SETTINGS, type Settings, SettingsSchema } from "../settings.ts";
import type { Db } from "./db.ts";
import { workspaceSettings } from "./schema.ts";

/**
 * Settings are read for every message; a change reaches other isolates within this time
 * (the isolate that made it forgets its copy at once).
 */
const SETTINGS_TTL_MS = 5_000;
const cache = new TtlCache<Settings>(SETTINGS_TTL_MS);

export function getSettings(db: Db, workspaceId: string): Promise<Settings> {
  return cache.get(workspaceId, Date.now(), () => readSettings(db, workspaceId));
}

async function readSettings(db: Db, workspaceId: string): Promise<Settings> {
  const row = await db.select().from(workspaceSettings).where(eq(workspaceSettings.workspaceId, workspaceId)).get();
  if (!row) return DEFAULT_SETTINGS;
  // Stored settings were validated on write; parsing again fills defaults added since.
  const parsed = SettingsSchema.safeParse(JSON.parse(row.settings));
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export async function putSettings(db: Db, workspaceId: string, settings: Settings, now: number): Promise<void> {
  const json = JSON.stringify(settings);
  await db
    .insert(workspaceSettings)
    .values({ workspaceId, settings: json, updatedAt: now })
    .onConflictDoUpdate({ target: workspaceSettings.workspaceId, set: { settings: json, updatedAt: now } });
  cache.forget(workspaceId);
}
