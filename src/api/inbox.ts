/** /v1/contacts and /v1/conversations: what the gateway knows, and an agent's reply. */
import { Hono } from "hono";
import { z } from "zod";
import { sendReply } from "../actions/reply.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { openDb } from "../storage/db.ts";
import { getContact, getConversation, listContacts, listConversations, listMessages } from "../storage/inbox.ts";
import { parseJsonBody, parsePage } from "./validation.ts";
import { contactView, conversationView, messageView } from "./views.ts";

const ReplySchema = z.strictObject({ text: z.string().trim().min(1).max(4096) });

export const contactRoutes = new Hono<AppEnv>();

contactRoutes.get("/", async (c) => {
  const listed = await listContacts(openDb(c.env.DB), c.get("workspaceId"), parsePage(c));
  return c.json({ data: listed.data.map(contactView), nextCursor: listed.nextCursor });
});

contactRoutes.get("/:id", async (c) => {
  const row = await getContact(openDb(c.env.DB), c.get("workspaceId"), c.req.param("id"));
  if (!row) throw new ApiError("not_found", "contact not found");
  return c.json(contactView(row));
});

export const conversationRoutes = new Hono<AppEnv>();

conversationRoutes.get("/", async (c) => {
  const listed = await listConversations(openDb(c.env.DB), c.get("workspaceId"), parsePage(c));
  return c.json({ data: listed.data.map(conversationView), nextCursor: listed.nextCursor });
});

conversationRoutes.get("/:id", async (c) => {
  const row = await getConversation(openDb(c.env.DB), c.get("workspaceId"), c.req.param("id"));
  if (!row) throw new ApiError("not_found", "conversation not found");
  return c.json(conversationView(row));
});

conversationRoutes.get("/:id/messages", async (c) => {
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const id = c.req.param("id");
  const page = parsePage(c);
  if (!(await getConversation(db, workspaceId, id))) throw new ApiError("not_found", "conversation not found");
  const listed = await listMessages(db, workspaceId, id, page);
  return c.json({ data: listed.data.map(messageView), nextCursor: listed.nextCursor });
});

/**
 * An agent's reply. 201 when the platform took it; 202 while a rate limit or outage is
 * retried; 422 when the platform's rules refuse it (nothing sent) or its API rejected it
 * (recorded as failed, with the platform's error).
 */
conversationRoutes.post("/:id/messages", async (c) => {
  const { text } = await parseJsonBody(c, ReplySchema);
  const outcome = await sendReply(c.env, { workspaceId: c.get("workspaceId"), conversationId: c.req.param("id"), text, author: "agent" });
  switch (outcome.kind) {
    case "not_found":
      throw new ApiError("not_found", "conversation not found");
    case "refused":
      throw new ApiError("unprocessable", `the platform would refuse this reply: ${outcome.reason}`, { reason: outcome.reason });
    case "failed":
      throw new ApiError("unprocessable", `the platform rejected the reply: ${outcome.message.error}`, {
        message: messageView(outcome.message),
      });
    case "pending":
      return c.json(messageView(outcome.message), 202);
    case "sent":
      return c.json(messageView(outcome.message), 201);
  }
});
