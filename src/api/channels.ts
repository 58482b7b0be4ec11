/** /v1/channels: a workspace's platform accounts. Secret credentials go in, never out. */
import { Hono } from "hono";
import { z } from "zod";
import { forgetChannel } from "../channel-cache.ts";
import { getAdapter, supportedPlatforms } from "../channels/registry.ts";
import type { AnyChannelAdapter, Credentials } from "../channels/types.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { randomId } from "../lib/ids.ts";
import { describeIssues } from "../lib/zod-issues.ts";
import { secretBox } from "../secrets.ts";
import { deleteChannel, getChannel, insertChannel, listChannels, updateChannel } from "../storage/channels.ts";
import { openDb } from "../storage/db.ts";
import { parseJsonBody, parsePage } from "./validation.ts";
import { channelView } from "./views.ts";

const CreateChannelSchema = z.strictObject({
  platform: z.string(),
  name: z.string().trim().min(1).max(200),
  credentials: z.record(z.string(), z.unknown()),
});

const PatchChannelSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  /** Merged into the stored credentials: send only what changes. */
  credentials: z.record(z.string(), z.unknown()).optional(),
});

function adapterFor(platform: string): AnyChannelAdapter {
  const adapter = getAdapter(platform);
  if (!adapter) {
    throw new ApiError("validation_failed", `platform must be one of: ${supportedPlatforms().join(", ")}`, [
      { path: "platform", message: `unsupported platform '${platform}'` },
    ]);
  }
  return adapter;
}

function validCredentials(adapter: AnyChannelAdapter, credentials: unknown): Credentials {
  const parsed = adapter.credentials.safeParse(credentials);
  if (!parsed.success) {
    const details = describeIssues(parsed.error).map((d) => ({ ...d, path: `credentials.${d.path}` }));
    throw new ApiError("validation_failed", `credentials are invalid for ${adapter.platform}`, details);
  }
  return parsed.data as Credentials;
}

function publicPart(adapter: AnyChannelAdapter, credentials: Credentials): string {
  const shown: Record<string, string> = {};
  for (const field of adapter.publicCredentialFields) {
    const value = credentials[field];
    if (value !== undefined) shown[field] = value;
  }
  return JSON.stringify(shown);
}

function origin(url: string): string {
  return new URL(url).origin;
}

export const channelRoutes = new Hono<AppEnv>();

channelRoutes.post("/", async (c) => {
  const body = await parseJsonBody(c, CreateChannelSchema);
  const adapter = adapterFor(body.platform);
  const credentials = validCredentials(adapter, body.credentials);
  const now = Date.now();
  const row = {
    id: randomId("ch"),
    workspaceId: c.get("workspaceId"),
    platform: adapter.platform,
    name: body.name,
    credentialsSealed: await (await secretBox(c.env)).seal(JSON.stringify(credentials)),
    publicCredentials: publicPart(adapter, credentials),
    createdAt: now,
    updatedAt: now,
  };
  await insertChannel(openDb(c.env.DB), row);
  return c.json(channelView(row, origin(c.req.url)), 201);
});

channelRoutes.get("/", async (c) => {
  const listed = await listChannels(openDb(c.env.DB), c.get("workspaceId"), parsePage(c));
  return c.json({ data: listed.data.map((row) => channelView(row, origin(c.req.url))), nextCursor: listed.nextCursor });
});

channelRoutes.get("/:id", async (c) => {
  const row = await getChannel(openDb(c.env.DB), c.get("workspaceId"), c.req.param("id"));
  if (!row) throw new ApiError("not_found", "channel not found");
  return c.json(channelView(row, origin(c.req.url)));
});

channelRoutes.patch("/:id", async (c) => {
  const body = await parseJsonBody(c, PatchChannelSchema);
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const id = c.req.param("id");
  const row = await getChannel(db, workspaceId, id);
  if (!row) throw new ApiError("not_found", "channel not found");
  const patch: Parameters<typeof updateChannel>[3] = { updatedAt: Date.now() };
  if (body.name !== undefined) patch.name = body.name;
  if (body.credentials !== undefined) {
    const adapter = adapterFor(row.platform);
    const box = await secretBox(c.env);
    const current = JSON.parse(await box.open(row.credentialsSealed)) as Credentials;
    const credentials = validCredentials(adapter, { ...current, ...body.credentials });
    patch.credentialsSealed = await box.seal(JSON.stringify(credentials));
    patch.publicCredentials = publicPart(adapter, credentials);
  }
  const updated = await updateChannel(db, workspaceId, id, patch);
  if (!updated) throw new ApiError("not_found", "channel not found");
  forgetChannel(id);
  return c.json(channelView(updated, origin(c.req.url)));
});

channelRoutes.delete("/:id", async (c) => {
  const id = c.req.param("id");
  if (!(await deleteChannel(openDb(c.env.DB), c.get("workspaceId"), id))) throw new ApiError("not_found", "channel not found");
  forgetChannel(id);
  return c.body(null, 204);
});
