/** GET /v1/events: the workspace's events, exactly as delivered, newest first. */
import { createRoute } from "@hono/zod-openapi";
import { eventLogs } from "../actions/event-log.ts";
import { EventSchema, EventTypeSchema, type GatewayEvent } from "../events/schema.ts";
import { createRouter } from "./router.ts";
import { errors, jsonResponse, listOf, PageQuerySchema, pageOf } from "./schemas.ts";

const EventQuerySchema = PageQuerySchema.extend({ type: EventTypeSchema.optional().meta({ description: "Only events of this type" }) });

export const eventRoutes = createRouter();

eventRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Events"],
    operationId: "listEvents",
    summary: "List events, exactly as delivered",
    description: "The same bodies the endpoints receive (see the webhooks), newest first.",
    request: { query: EventQuerySchema },
    responses: { 200: jsonResponse(listOf(EventSchema, "EventList"), "A page of events, newest first"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const listed = await eventLogs(c.env)(c.get("workspaceId")).list(pageOf(query), query.type);
    return c.json({ data: listed.data.map((row) => JSON.parse(row.payload) as GatewayEvent), nextCursor: listed.nextCursor }, 200);
  },
);
