/** /v1/tickets: escalations for the humans, newest first; PATCH assigns, resolves, reopens. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { type EventLogRpc, eventLogs } from "../actions/event-log.ts";
import { queuedSink } from "../actions/event-sink.ts";
import { clockId } from "../actions/sla.ts";
import { changeTicket, type TicketPatch, ticketView } from "../actions/tickets.ts";
import type { ChannelRef } from "../events/build.ts";
import { type Platform, TicketSchema } from "../events/schema.ts";
import { ApiError } from "../lib/errors.ts";
import { conversationStub } from "../objects/conversation.ts";
import { getChannel } from "../storage/channels.ts";
import type { Db } from "../storage/db.ts";
import { openDb } from "../storage/db.ts";
import { getConversation } from "../storage/inbox.ts";
import { getTicket, listTickets, type TicketRow } from "../storage/tickets.ts";
import { createRouter } from "./router.ts";
import { errors, IdParamSchema, iso, jsonBody, jsonResponse, listOf, PageQuerySchema, pageOf } from "./schemas.ts";

const StatusSchema = TicketSchema.shape.status;
const PatchTicketSchema = z
  .strictObject({
    status: StatusSchema.optional().meta({ description: "`resolved` hands the conversation back to the bot; `open` reopens" }),
    assignee: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .nullable()
      .optional()
      .meta({ description: "An agent's id; `me` assigns the calling key's agent; null unassigns" }),
  })
  .refine((patch) => patch.status !== undefined || patch.assignee !== undefined, "send status or assignee")
  .meta({ id: "PatchTicket", description: "Send `status`, `assignee`, or both" });
const TicketQuerySchema = PageQuerySchema.extend({
  status: StatusSchema.optional().meta({ description: "Only tickets in this status" }),
  channelId: z.string().min(1).max(64).optional().meta({ description: "Only this channel's tickets" }),
  assignee: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: "`me` (the calling key's agent), `none` (unassigned), or an agent's id" }),
});

const isoOrNull = z.iso.datetime().nullable();
const TicketSlaSchema = z
  .strictObject({
    startedAt: z.iso.datetime(),
    deadline: z.iso.datetime().meta({ description: "When the agent's first answer is due" }),
    windowSeconds: z
      .number()
      .int()
      .meta({ description: "The response window in force when the ticket opened (live-sale mode shortens it)" }),
    warnedAt: isoOrNull.meta({ description: "When `sla.warning` was sent" }),
    breachedAt: isoOrNull.meta({ description: "When `sla.breached` was sent" }),
    stoppedAt: isoOrNull.meta({ description: "When an agent answered or the ticket was resolved" }),
  })
  .meta({ id: "TicketSla", description: "The ticket's agent-response clock" });
const TicketWithSlaSchema = TicketSchema.extend({
  sla: TicketSlaSchema.nullable().meta({
    description:
      "Null for a ticket whose clock is not kept: opened before clocks were kept, or past their retention (the events' `deliveries.retentionDays`, at least 93 days)",
  }),
}).meta({ id: "TicketWithSla" });
type TicketWithSla = z.infer<typeof TicketWithSlaSchema>;

/** Tickets as the API shows them: with their agent-response clock, read in one call to the workspace's log. */
async function withSla(log: EventLogRpc, rows: TicketRow[]): Promise<TicketWithSla[]> {
  const ids = await Promise.all(rows.map((row) => clockId("agent_response", row.id)));
  const clocks = new Map((ids.length > 0 ? await log.clocks(ids) : []).map((clock) => [clock.subjectId, clock]));
  return rows.map((row) => {
    const clock = clocks.get(row.id);
    const sla = clock
      ? {
          startedAt: iso(clock.startedAt),
          deadline: iso(clock.deadline),
          windowSeconds: clock.windowSeconds,
          warnedAt: iso(clock.warnedAt),
          breachedAt: iso(clock.breachedAt),
          stoppedAt: iso(clock.stoppedAt),
        }
      : null;
    return { ...ticketView(row), sla };
  });
}

const tags = ["Tickets"];

export const ticketRoutes = createRouter();

ticketRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "listTickets",
    summary: "List tickets, newest first",
    request: { query: TicketQuerySchema },
    responses: {
      200: jsonResponse(listOf(TicketWithSlaSchema, "TicketList"), "A page of tickets, newest first"),
      ...errors(400, 401, 403),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const db = openDb(c.env.DB);
    const assignee = query.assignee === "me" ? c.get("agent").id : query.assignee === "none" ? null : query.assignee;
    const listed = await listTickets(db, c.get("workspaceId"), pageOf(query), {
      status: query.status,
      channelId: query.channelId,
      ...(assignee !== undefined ? { assignee } : {}),
    });
    return c.json({ data: await withSla(eventLogs(c.env)(c.get("workspaceId")), listed.data), nextCursor: listed.nextCursor }, 200);
  },
);

ticketRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    operationId: "getTicket",
    summary: "Read a ticket, with the context an agent needs",
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(TicketWithSlaSchema, "The ticket"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const db = openDb(c.env.DB);
    const row = await getTicket(db, c.get("workspaceId"), c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "ticket not found");
    const [ticket] = await withSla(eventLogs(c.env)(c.get("workspaceId")), [row]);
    return c.json(ticket, 200);
  },
);

ticketRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    operationId: "updateTicket",
    summary: "Assign, resolve or reopen a ticket; announced as `ticket.updated`",
    request: { params: IdParamSchema, body: jsonBody(PatchTicketSchema) },
    responses: { 200: jsonResponse(TicketWithSlaSchema, "The ticket"), ...errors(400, 401, 403, 404) },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const patch = body.assignee === "me" ? { ...body, assignee: c.get("agent").id } : body;
    c.set("auditDetail", { changes: patch });
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const row = await getTicket(db, workspaceId, c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "ticket not found");
    const [conversation, channel] = await Promise.all([
      getConversation(db, workspaceId, row.conversationId),
      getChannel(db, workspaceId, row.channelId),
    ]);
    const change = {
      workspaceId,
      ticketId: row.id,
      channel: channel ? { id: channel.id, platform: channel.platform as Platform } : null,
      patch: { ...(patch.status ? { status: patch.status } : {}), ...(patch.assignee !== undefined ? { assignee: patch.assignee } : {}) },
    };
    // The conversation's object writes the change (it owns the conversation's mode); a ticket
    // whose conversation is gone has no mode to keep, and is changed here.
    const changed = conversation
      ? await conversationStub(c.env, conversation.channelId, conversation.platformThreadId).changeTicket(change)
      : await changeOrphanTicket(c.env, db, row, change.channel, change.patch);
    if (!changed) throw new ApiError("not_found", "ticket not found");
    const [ticket] = await withSla(eventLogs(c.env)(workspaceId), [changed]);
    return c.json(ticket, 200);
  },
);

async function changeOrphanTicket(env: Env, db: Db, row: TicketRow, channel: ChannelRef | null, patch: TicketPatch): Promise<TicketRow> {
  const now = Date.now();
  return changeTicket(db, row, channel, patch, now, queuedSink(db, env.DELIVERIES_QUEUE, eventLogs(env)(row.workspaceId), row.workspaceId));
}
