/** The HTTP surface: health, webhook intake and the /v1 management API. */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { requireWorkspace } from "./api/auth.ts";
import { channelRoutes } from "./api/channels.ts";
import { deadLetterRoutes } from "./api/dead-letters.ts";
import { endpointRoutes } from "./api/endpoints.ts";
import { eventRoutes } from "./api/events.ts";
import { contactRoutes, conversationRoutes } from "./api/inbox.ts";
import { metricRoutes } from "./api/metrics.ts";
import { ruleRoutes } from "./api/rules.ts";
import { settingsRoutes } from "./api/settings.ts";
import { ticketRoutes } from "./api/tickets.ts";
import { workspaceRoutes } from "./api/workspaces.ts";
import type { AppEnv } from "./env.ts";
import { intake } from "./intake/routes.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";

export const app = new Hono<AppEnv>();

app.get("/health", (c) => c.json({ ok: true }));

app.route("/webhooks", intake);

app.route("/v1/workspaces", workspaceRoutes);
const workspaceApi = new Hono<AppEnv>();
workspaceApi.use("*", requireWorkspace);
workspaceApi.route("/channels", channelRoutes);
workspaceApi.route("/endpoints", endpointRoutes);
workspaceApi.route("/events", eventRoutes);
workspaceApi.route("/dead-letters", deadLetterRoutes);
workspaceApi.route("/contacts", contactRoutes);
workspaceApi.route("/conversations", conversationRoutes);
workspaceApi.route("/settings", settingsRoutes);
workspaceApi.route("/rules", ruleRoutes);
workspaceApi.route("/tickets", ticketRoutes);
workspaceApi.route("/metrics", metricRoutes);
app.route("/v1", workspaceApi);

app.notFound((c) => c.json(new ApiError("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`).toBody(), 404));

app.onError((error, c) => {
  if (error instanceof ApiError) return c.json(error.toBody(), error.status as 400);
  if (error instanceof HTTPException) {
    return c.json({ error: { code: error.status === 413 ? "payload_too_large" : "bad_request", message: error.message } }, error.status);
  }
  console.error(JSON.stringify({ msg: "unhandled error", path: new URL(c.req.url).pathname, error: errorMessage(error) }));
  return c.json(new ApiError("internal", "internal error").toBody(), 500);
});
