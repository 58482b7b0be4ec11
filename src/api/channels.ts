/** /v1/channels: a workspace's platform accounts. Secret credentials go in, never out. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { writeChannelHealth } from "../actions/channel-health.ts";
import { forgetChannel } from "../channel-cache.ts";
import { HEALTHY } from "../channels/health.ts";
import { getAdapter, supportedPlatforms } from "../channels/registry.ts";
import type { AnyChannelAdapter, Credentials } from "../channels/types.ts";
import type { Platform } from "../events/schema.ts";
import { ApiError } from "../lib/errors.ts";
import { randomId } from "../lib/ids.ts";
import { SealedSecretError, type SecretBox, sealedAt } from "../lib/secret-box.ts";
import { describeIssues } from "../lib/zod-issues.ts";
import { secretBox } from "../secrets.ts";
import { deleteChannel, getChannel, insertChannel, listChannels, updateChannel } from "../storage/channels.ts";
import { openDb } from "../storage/db.ts";
import { createRouter } from "./router.ts";
import { errors, IdParamSchema, jsonBody, jsonResponse, listOf, PageQuerySchema, pageOf } from "./schemas.ts";
import { ChannelSchema, channelView } from "./views.ts";

const NameSchema = z.string().trim().min(1).max(200);

/** One shape per platform: `credentials` is validated by that platform's adapter schema, and documented by it. */
const CreateChannelSchema = z
  .discriminatedUnion(
    "platform",
    supportedPlatforms().map((platform) =>
      z
        .strictObject({ platform: z.literal(platform), name: NameSchema, credentials: adapterFor(platform).credentials })
        .meta({ id: `Create${platform[0]?.toUpperCase()}${platform.slice(1)}Channel` }),
    ) as unknown as [z.ZodObject<{ platform: z.ZodLiteral<Platform>; name: typeof NameSchema; credentials: z.ZodType<Credentials> }>],
    { error: (issue) => (issue.code === "invalid_union" ? `platform must be one of: ${supportedPlatforms().join(", ")}` : undefined) },
  )
  .meta({ id: "CreateChannel" });

const PatchChannelSchema = z
  .strictObject({
    name: NameSchema.optional(),
    credentials: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: "Merged into the stored credentials (send only what changes), then validated as a whole" }),
  })
  .meta({ id: "PatchChannel" });

function adapterFor(platform: string): AnyChannelAdapter {
  const adapter = getAdapter(platform);
  if (!adapter) {
    throw new ApiError("validation_failed", `platform must be one of: ${supportedPlatforms().join(", ")}`, [
      { path: "platform", message: `unsupported platform '${platform}'` },
    ]);
  }
  return adapter;
}

/** Platforms' tokens and secrets run to a few hundred characters; anything far longer is not one. */
export const MAX_CREDENTIAL_LENGTH = 4096;

function validCredentials(adapter: AnyChannelAdapter, credentials: unknown): Credentials {
  const parsed = adapter.credentials.safeParse(credentials);
  if (!parsed.success) {
    const details = describeIssues(parsed.error).map((d) => ({ ...d, path: `credentials.${d.path}` }));
    throw new ApiError("validation_failed", `credentials are invalid for ${adapter.platform}`, details);
  }
  refuseOverlongCredentials(adapter, parsed.data as Credentials);
  return parsed.data as Credentials;
}

function refuseOverlongCredentials(adapter: AnyChannelAdapter, credentials: Credentials): void {
  const tooLong = Object.entries(credentials)
    .filter(([, value]) => typeof value === "string" && value.length > MAX_CREDENTIAL_LENGTH)
    .map(([key]) => ({ path: `credentials.${key}`, message: `at most ${MAX_CREDENTIAL_LENGTH} characters` }));
  if (tooLong.length > 0) throw new ApiError("validation_failed", `credentials are invalid for ${adapter.platform}`, tooLong);
}

/**
 * The stored credentials a PATCH merges into. When they do not open (sealed for another row,
 * or in the old unbound format), there is nothing to merge: a complete set replaces them.
 */
async function openForMerge(box: SecretBox, sealed: string, id: string): Promise<{ credentials: Credentials; unreadable: string | null }> {
  try {
    return { credentials: JSON.parse(await box.open(sealed, sealedAt.channelCredentials(id))) as Credentials, unreadable: null };
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    return { credentials: {}, unreadable: error.message };
  }
}

/** An incomplete set over unreadable credentials says why the rest is needed. */
function withUnreadable<T>(unreadable: string | null, validate: () => T): T {
  try {
    return validate();
  } catch (error) {
    if (unreadable === null || !(error instanceof ApiError)) throw error;
    throw new ApiError(error.code, `${unreadable}; send every credential to replace them`, error.details);
  }
}

function publicPart(adapter: AnyChannelAdapter, credentials: Credentials): string {
  const shown: Record<string, string> = {};
  for (const field of adapter.publicCredentialFields) {
    const value = credentials[field];
    if (value !== undefined) shown[field] = value;
  }
  return JSON.stringify(shown);
}

/** Whether a PATCH brought new tokens: the expiry the gateway knew was the old token's. */
function tokensChanged(before: Credentials, after: Credentials): boolean {
  return before.accessToken !== after.accessToken || before.refreshToken !== after.refreshToken;
}

function origin(url: string): string {
  return new URL(url).origin;
}

const tags = ["Channels"];

export const channelRoutes = createRouter();

channelRoutes.openapi(
  createRoute({
    method: "post",
    path: "/",
    tags,
    operationId: "createChannel",
    summary: "Add a platform account",
    description: "Secret credentials are sealed with MASTER_KEY and never returned; paste the answer's `webhookUrl` into the platform.",
    request: { body: jsonBody(CreateChannelSchema) },
    responses: { 201: jsonResponse(ChannelSchema, "The channel"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const adapter = adapterFor(body.platform);
    refuseOverlongCredentials(adapter, body.credentials);
    const now = Date.now();
    const id = randomId("ch");
    const row = {
      id,
      workspaceId: c.get("workspaceId"),
      platform: adapter.platform,
      name: body.name,
      credentialsSealed: await (await secretBox(c.env)).seal(JSON.stringify(body.credentials), sealedAt.channelCredentials(id)),
      publicCredentials: publicPart(adapter, body.credentials),
      status: "active",
      statusReason: null,
      // Unknown until the first refresh answers with it.
      tokenExpiresAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await insertChannel(openDb(c.env.DB), row);
    return c.json(channelView(row, origin(c.req.url)), 201);
  },
);

channelRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "listChannels",
    summary: "List channels",
    request: { query: PageQuerySchema },
    responses: { 200: jsonResponse(listOf(ChannelSchema, "ChannelList"), "A page of channels, newest first"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const listed = await listChannels(openDb(c.env.DB), c.get("workspaceId"), pageOf(c.req.valid("query")));
    return c.json({ data: listed.data.map((row) => channelView(row, origin(c.req.url))), nextCursor: listed.nextCursor }, 200);
  },
);

channelRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    operationId: "getChannel",
    summary: "Read a channel",
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(ChannelSchema, "The channel"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const row = await getChannel(openDb(c.env.DB), c.get("workspaceId"), c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "channel not found");
    return c.json(channelView(row, origin(c.req.url)), 200);
  },
);

channelRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    operationId: "updateChannel",
    summary: "Rename a channel or change some of its credentials",
    request: { params: IdParamSchema, body: jsonBody(PatchChannelSchema) },
    responses: { 200: jsonResponse(ChannelSchema, "The channel"), ...errors(400, 401, 403, 404) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const { id } = c.req.valid("param");
    const row = await getChannel(db, workspaceId, id);
    if (!row) throw new ApiError("not_found", "channel not found");
    const patch: Parameters<typeof updateChannel>[3] = { updatedAt: Date.now() };
    if (body.name !== undefined) patch.name = body.name;
    if (body.credentials !== undefined) {
      const adapter = adapterFor(row.platform);
      const box = await secretBox(c.env);
      const current = await openForMerge(box, row.credentialsSealed, id);
      const credentials = withUnreadable(current.unreadable, () =>
        validCredentials(adapter, { ...current.credentials, ...body.credentials }),
      );
      patch.credentialsSealed = await box.seal(JSON.stringify(credentials), sealedAt.channelCredentials(id));
      patch.publicCredentials = publicPart(adapter, credentials);
      if (tokensChanged(current.credentials, credentials)) patch.tokenExpiresAt = null;
    }
    let updated = await updateChannel(db, workspaceId, id, patch);
    if (!updated) throw new ApiError("not_found", "channel not found");
    forgetChannel(id);
    // New tokens from the shop mend a channel: it is active again, and says so.
    if (patch.tokenExpiresAt === null && updated.status !== "active") {
      await writeChannelHealth(db, c.env, updated, HEALTHY, patch.updatedAt);
      updated = { ...updated, ...HEALTHY };
    }
    return c.json(channelView(updated, origin(c.req.url)), 200);
  },
);

channelRoutes.openapi(
  createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    operationId: "deleteChannel",
    summary: "Delete a channel",
    request: { params: IdParamSchema },
    responses: { 204: { description: "Deleted" }, ...errors(401, 403, 404) },
  }),
  async (c) => {
    const { id } = c.req.valid("param");
    if (!(await deleteChannel(openDb(c.env.DB), c.get("workspaceId"), id))) throw new ApiError("not_found", "channel not found");
    forgetChannel(id);
    return c.body(null, 204);
  },
);
