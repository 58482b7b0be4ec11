/** /v1/tickets: escalations for the humans, newest first; PATCH assigns, resolves, reopens. */
import { Hono } from "hono";
import { z } from "zod";
import { fanOut } from "../actions/fan-out.ts";
import { changeTicket, ticketView } from "../actions/tickets.ts";
import type { AppEnv } from "../env.ts";
import type { Platform } from "../events/schema.ts";
import { ApiError } from "../lib/errors.ts";
import { conversationStub } from "../objects/conversation.ts";
import { getChannel } from "../storage/channels.ts";
import { openDb } from "../storage/db.ts";
import { getConversation } from "../storage/inbox.ts";
import { getTicket, listTickets } from "../storage/tickets.ts";
import { parseJsonBody, parsePage } from "./validation.ts";

const StatusSchema = z.enum(["open", "pending", "resolved"]);
const PatchTicketSchema = z
  .strictObject({ status: StatusSchema.optional(), assignee: z.string().trim().min(1).max(200).nullable().optional() })
  .refine((patch) => patch.status !== undefined || patch.assignee !== undefined, "send status or assignee");

export const ticketRoutes = new Hono<AppEnv>();

ticketRoutes.get("/", async (c) => {
  const statusText = c.req.query("status");
  const status = statusText === undefined ? undefined : StatusSchema.safeParse(statusText);
  if (status && !status.success)
    throw new ApiError("validation_failed", "status must be open, pending or resolved", [{ path: "status", message: "unknown status" }]);
  const listed = await listTickets(openDb(c.env.DB), c.get("workspaceId"), parsePage(c), status?.data);
  return c.json({ data: listed.data.map(ticketView), nextCursor: listed.nextCursor });
});

ticketRoutes.get("/:id", async (c) => {
  const row = await getTicket(openDb(c.env.DB), c.get("workspaceId"), c.req.param("id"));
  if (!row) throw new ApiError("not_found", "ticket not found");
  return c.json(ticketView(row));
});

ticketRoutes.patch("/:id", async (c) => {
  const patch = await parseJsonBody(c, PatchTicketSchema);
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const row = await getTicket(db, workspaceId, c.req.param("id"));
  if (!row) throw new ApiError("not_found", "ticket not found");
  const [conversation, channel] = await Promise.all([
    getConversation(db, workspaceId, row.conversationId),
    getChannel(db, workspaceId, row.channelId),
  ]);
  const now = Date.now();
  const changed = await changeTicket(
    db,
    row,
    channel ? { id: channel.id, platform: channel.platform as Platform } : null,
    { ...(patch.status ? { status: patch.status } : {}), ...(patch.assignee !== undefined ? { assignee: patch.assignee } : {}) },
    now,
  );
  if (conversation && patch.status && patch.status !== row.status) {
    await conversationStub(c.env, conversation.channelId, conversation.platformThreadId).onTicketStatus(row.id, patch.status);
  }
  await fanOut(db, c.env.DELIVERIES_QUEUE, workspaceId, changed.eventIds, now);
  return c.json(ticketView(changed.ticket));
});
