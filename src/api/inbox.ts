/** /v1/contacts and /v1/conversations: what the gateway knows, and an agent's reply. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { conversationRpc, sendReply } from "../actions/reply.ts";
import { replyWindowOf } from "../channels/registry.ts";
import { MessageTemplateSchema } from "../channels/types.ts";
import { ApiError } from "../lib/errors.ts";
import { MAX_QUERY_CHARS, MIN_QUERY_CHARS, normalizeQuery, searchPhrase } from "../lib/search-query.ts";
import { channelPlatforms } from "../storage/channels.ts";
import { type Db, openDb } from "../storage/db.ts";
import { type ConversationRow, getContact, getConversation, listContacts, listConversations, listNotes } from "../storage/inbox.ts";
import type { Listed, Page } from "../storage/pagination.ts";
import { createRouter } from "./router.ts";
import { errors, IdParamSchema, jsonBody, jsonResponse, listOf, PageQuerySchema, pageOf } from "./schemas.ts";
import {
  ContactSchema,
  ConversationSchema,
  contactView,
  conversationView,
  MessageSchema,
  messageView,
  NoteSchema,
  noteView,
} from "./views.ts";

const ConversationQuerySchema = PageQuerySchema.extend({
  q: z
    .string()
    .refine((q) => [...normalizeQuery(q)].length >= MIN_QUERY_CHARS, `must be at least ${MIN_QUERY_CHARS} characters`)
    .refine((q) => [...q].length <= MAX_QUERY_CHARS, `must be at most ${MAX_QUERY_CHARS} characters`)
    .optional()
    .meta({ description: `Search text, ${MIN_QUERY_CHARS}–${MAX_QUERY_CHARS} characters` }),
  channelId: z.string().min(1).max(64).optional().meta({ description: "Only this channel's conversations" }),
});

const ReplySchema = z
  .strictObject({
    text: z.string().trim().min(1).max(4096).optional(),
    template: MessageTemplateSchema.optional().meta({
      description: "WhatsApp only: an approved message template, the only message WhatsApp accepts after its 24-hour window",
    }),
  })
  .refine((body) => (body.text === undefined) !== (body.template === undefined), {
    message: "give either text or template",
  })
  .meta({ id: "Reply" });

/** A page of what belongs to one of the workspace's conversations (another workspace's is a 404). */
async function conversationPage<R>(
  env: Env,
  workspaceId: string,
  conversationId: string,
  query: z.output<typeof PageQuerySchema>,
  list: (conversation: ConversationRow, page: Page) => Promise<Listed<R>>,
): Promise<Listed<R>> {
  const conversation = await getConversation(openDb(env.DB), workspaceId, conversationId);
  if (!conversation) throw new ApiError("not_found", "conversation not found");
  return list(conversation, pageOf(query));
}

/** Conversations as the API shows them, each with its platform's reply window. */
async function withReplyWindows(db: Db, workspaceId: string, rows: ConversationRow[]) {
  const platforms = await channelPlatforms(
    db,
    workspaceId,
    rows.map((row) => row.channelId),
  );
  // A conversation whose channel was deleted can no longer be answered: no window to show.
  return rows.map((row) => conversationView(row, replyWindowOf(platforms.get(row.channelId) ?? "", row)));
}

export const contactRoutes = createRouter();

contactRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Contacts"],
    operationId: "listContacts",
    summary: "List contacts",
    request: { query: PageQuerySchema },
    responses: { 200: jsonResponse(listOf(ContactSchema, "ContactList"), "A page of contacts, newest first"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const listed = await listContacts(openDb(c.env.DB), c.get("workspaceId"), pageOf(c.req.valid("query")));
    return c.json({ data: listed.data.map(contactView), nextCursor: listed.nextCursor }, 200);
  },
);

contactRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags: ["Contacts"],
    operationId: "getContact",
    summary: "Read a contact",
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(ContactSchema, "The contact"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const row = await getContact(openDb(c.env.DB), c.get("workspaceId"), c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "contact not found");
    return c.json(contactView(row), 200);
  },
);

const tags = ["Conversations"];

export const conversationRoutes = createRouter();

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "listConversations",
    summary: "List conversations",
    description: `\`q\` finds conversations by the contact's display name or platform user id, or by any text of their messages (order numbers included), as a substring of ${MIN_QUERY_CHARS} characters or more: case-insensitive, Vietnamese with or without diacritics, Thai without spaces. A conversation's text reaches search with its summary, at most 3 s after its message; an automatic reply's within 10 s (sooner with the buyer's next message), an agent's reply once sent.`,
    request: { query: ConversationQuerySchema },
    responses: {
      200: jsonResponse(listOf(ConversationSchema, "ConversationList"), "A page of conversations, newest first"),
      ...errors(400, 401, 403),
    },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const db = openDb(c.env.DB);
    const listed = await listConversations(db, c.get("workspaceId"), pageOf(query), {
      match: query.q === undefined ? undefined : searchPhrase(query.q),
      channelId: query.channelId,
    });
    const views = await withReplyWindows(db, c.get("workspaceId"), listed.data);
    return c.json({ data: views, nextCursor: listed.nextCursor }, 200);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}",
    tags,
    operationId: "getConversation",
    summary: "Read a conversation",
    request: { params: IdParamSchema },
    responses: { 200: jsonResponse(ConversationSchema, "The conversation"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const db = openDb(c.env.DB);
    const row = await getConversation(db, c.get("workspaceId"), c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "conversation not found");
    const platform = (await channelPlatforms(db, row.workspaceId, [row.channelId])).get(row.channelId) ?? "";
    return c.json(conversationView(row, replyWindowOf(platform, row)), 200);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/messages",
    tags,
    operationId: "listMessages",
    summary: "A conversation's messages, each inbound one with its routing decision",
    description:
      "Newest first, in the order they were written: where the platform numbers a conversation's messages (TikTok Shop's `index`), a message delivered late is listed among those it came before.",
    request: { params: IdParamSchema, query: PageQuerySchema },
    responses: { 200: jsonResponse(listOf(MessageSchema, "MessageList"), "A page of messages"), ...errors(400, 401, 403, 404) },
  }),
  async (c) => {
    // The messages live in the conversation's object: one call to it.
    const page = await conversationPage(c.env, c.get("workspaceId"), c.req.valid("param").id, c.req.valid("query"), (row, query) =>
      conversationRpc(c.env, row.channelId, row.platformThreadId).listMessages(query),
    );
    return c.json({ data: page.data.map(messageView), nextCursor: page.nextCursor }, 200);
  },
);

conversationRoutes.openapi(
  createRoute({
    method: "get",
    path: "/{id}/notes",
    tags,
    operationId: "listNotes",
    summary: "A conversation's notes, newest first (written by routing rules' `note` action)",
    request: { params: IdParamSchema, query: PageQuerySchema },
    responses: { 200: jsonResponse(listOf(NoteSchema, "NoteList"), "A page of notes"), ...errors(400, 401, 403, 404) },
  }),
  async (c) => {
    const page = await conversationPage(c.env, c.get("workspaceId"), c.req.valid("param").id, c.req.valid("query"), (row, query) =>
      listNotes(openDb(c.env.DB), row.workspaceId, row.id, query),
    );
    return c.json({ data: page.data.map(noteView), nextCursor: page.nextCursor }, 200);
  },
);

/**
 * An agent's reply. 201 when the platform took it; 202 while a rate limit or outage is
 * retried; 422 when the platform's rules refuse it (nothing sent) or its API rejected it
 * (recorded as failed, with the platform's error).
 */
conversationRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/messages",
    tags,
    operationId: "sendReply",
    summary: "Send an agent's reply through the channel: `text`, or on WhatsApp an approved `template`",
    request: { params: IdParamSchema, body: jsonBody(ReplySchema) },
    responses: {
      201: jsonResponse(MessageSchema, "The platform took it (`status: sent`); `message.sent` is emitted"),
      202: jsonResponse(MessageSchema, "Rate-limited or the platform is unreachable: retried with backoff (`status: pending`)"),
      ...errors(400, 401, 403, 404),
      422: {
        $ref: "#/components/responses/Unprocessable",
        description:
          "The platform's rules refuse it (closed window, blocked contact, missing credentials, too long, a template on a platform other than WhatsApp; `details.reason`), nothing sent; or its API rejected it (`details.message`, recorded as failed)",
      },
    },
  }),
  async (c) => {
    const { text, template } = c.req.valid("json");
    const conversationId = c.req.valid("param").id;
    const agent = c.get("agent");
    const author = { type: "agent" as const, agentId: agent.id, name: agent.name };
    const scope = { workspaceId: c.get("workspaceId"), conversationId, author };
    const outcome = await sendReply(c.env, template ? { ...scope, template } : { ...scope, text: text ?? "" });
    if (outcome.kind !== "not_found" && outcome.kind !== "refused")
      c.set("auditDetail", { targetId: outcome.message.id, changes: { conversationId, messageId: outcome.message.id } });
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
  },
);
