/** /v1/dead-letters: what could not be processed, and a way to send it through again. */
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { openDb } from "../storage/db.ts";
import { getDeadLetter, listDeadLetters, markDeadLetterRetried } from "../storage/dead-letters.ts";
import { parsePage } from "./validation.ts";
import { deadLetterView } from "./views.ts";

export const deadLetterRoutes = new Hono<AppEnv>();

deadLetterRoutes.get("/", async (c) => {
  const listed = await listDeadLetters(openDb(c.env.DB), c.get("workspaceId"), parsePage(c));
  return c.json({ data: listed.data.map(deadLetterView), nextCursor: listed.nextCursor });
});

deadLetterRoutes.post("/:id/retry", async (c) => {
  const db = openDb(c.env.DB);
  const row = await getDeadLetter(db, c.get("workspaceId"), c.req.param("id"));
  if (!row) throw new ApiError("not_found", "dead letter not found");
  const queue = row.queue === "inbound" ? c.env.INBOUND_QUEUE : c.env.DELIVERIES_QUEUE;
  await queue.send(JSON.parse(row.body), { contentType: "json" });
  const now = Date.now();
  await markDeadLetterRetried(db, row.id, now);
  return c.json({ ...deadLetterView({ ...row, retriedAt: now }) }, 202);
});
