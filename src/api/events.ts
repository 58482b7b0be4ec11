/** GET /v1/events: the workspace's events, exactly as delivered, newest first. */
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { EventTypeSchema } from "../events/schema.ts";
import { ApiError } from "../lib/errors.ts";
import { openDb } from "../storage/db.ts";
import { listEvents } from "../storage/events.ts";
import { parsePage } from "./validation.ts";

export const eventRoutes = new Hono<AppEnv>();

eventRoutes.get("/", async (c) => {
  const typeText = c.req.query("type");
  const type = typeText === undefined ? undefined : EventTypeSchema.safeParse(typeText);
  if (type && !type.success) {
    throw new ApiError("validation_failed", `type must be one of: ${EventTypeSchema.options.join(", ")}`, [
      { path: "type", message: "unknown event type" },
    ]);
  }
  const listed = await listEvents(openDb(c.env.DB), c.get("workspaceId"), parsePage(c), type?.data);
  return c.json({ data: listed.data.map((row) => JSON.parse(row.payload) as unknown), nextCursor: listed.nextCursor });
});
