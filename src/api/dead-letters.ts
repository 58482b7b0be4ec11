/** /v1/dead-letters: what could not be processed, and a way to send it through again. */
import { createRoute } from "@hono/zod-openapi";
import { ApiError } from "../lib/errors.ts";
import { openDb } from "../storage/db.ts";
import { getDeadLetter, listDeadLetters, markDeadLetterRetried } from "../storage/dead-letters.ts";
import { createRouter } from "./router.ts";
import { errors, IdParamSchema, jsonResponse, listOf, PageQuerySchema, pageOf } from "./schemas.ts";
import { DeadLetterSchema, deadLetterView } from "./views.ts";

const tags = ["Dead letters"];

export const deadLetterRoutes = createRouter();

deadLetterRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "listDeadLetters",
    summary: "List what could not be processed",
    description: "Signed deliveries that were unreadable or of an unknown shape, and queue messages that kept failing.",
    request: { query: PageQuerySchema },
    responses: {
      200: jsonResponse(listOf(DeadLetterSchema, "DeadLetterList"), "A page of dead letters, newest first"),
      ...errors(400, 401, 403),
    },
  }),
  async (c) => {
    const listed = await listDeadLetters(openDb(c.env.DB), c.get("workspaceId"), pageOf(c.req.valid("query")));
    return c.json({ data: listed.data.map(deadLetterView), nextCursor: listed.nextCursor }, 200);
  },
);

deadLetterRoutes.openapi(
  createRoute({
    method: "post",
    path: "/{id}/retry",
    tags,
    operationId: "retryDeadLetter",
    summary: "Send a dead letter through its queue again",
    request: { params: IdParamSchema },
    responses: { 202: jsonResponse(DeadLetterSchema, "Queued again; `retriedAt` is set"), ...errors(401, 403, 404) },
  }),
  async (c) => {
    const db = openDb(c.env.DB);
    const row = await getDeadLetter(db, c.get("workspaceId"), c.req.valid("param").id);
    if (!row) throw new ApiError("not_found", "dead letter not found");
    const queue = row.queue === "inbound" ? c.env.INBOUND_QUEUE : c.env.DELIVERIES_QUEUE;
    await queue.send(JSON.parse(row.body), { contentType: "json" });
    const now = Date.now();
    await markDeadLetterRetried(db, row.id, now);
    return c.json(deadLetterView({ ...row, retriedAt: now }), 202);
  },
);
