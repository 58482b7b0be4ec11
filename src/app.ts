/** The HTTP surface: health, webhook intake, the /v1 management API, and its OpenAPI document and docs. */

import { createRoute } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";
import { agentRoutes, auditRoutes, meRoutes } from "./api/agents.ts";
import { requireWorkspace } from "./api/auth.ts";
import { channelRoutes } from "./api/channels.ts";
import { deadLetterRoutes } from "./api/dead-letters.ts";
import { endpointRoutes } from "./api/endpoints.ts";
import { eventRoutes } from "./api/events.ts";
import { contactRoutes, conversationRoutes } from "./api/inbox.ts";
import { knowledgeRoutes } from "./api/knowledge.ts";
import { metricRoutes } from "./api/metrics.ts";
import { createRouter } from "./api/router.ts";
import { ruleRoutes } from "./api/rules.ts";
import { PUBLIC } from "./api/schemas.ts";
import { settingsRoutes } from "./api/settings.ts";
import { ticketRoutes } from "./api/tickets.ts";
import { workspaceRoutes } from "./api/workspaces.ts";
import { readConfig } from "./env.ts";
import { intake } from "./intake/routes.ts";
import { landingPage } from "./landing.ts";
import { ApiError, errorMessage } from "./lib/errors.ts";
import { SealedSecretError } from "./lib/secret-box.ts";
import { DOCS_CSP, DOCS_PAGE } from "./openapi/docs-page.ts";
import { describeApi, openApiDocument } from "./openapi/document.ts";

export const app = createRouter();

app.openapi(
  createRoute({
    method: "get",
    path: "/health",
    tags: ["Health"],
    operationId: "health",
    summary: "Whether the worker can serve",
    security: PUBLIC,
    responses: { 200: { description: "It can", content: { "application/json": { schema: z.strictObject({ ok: z.literal(true) }) } } } },
  }),
  (c) => c.json({ ok: true as const }, 200),
);

app.route("/webhooks", intake);

/** CONTRACT, "Limits and bad input": every /v1 body above 256 KiB is a 413, refused before it is read whole. */
export const MAX_API_BODY_BYTES = 256 * 1024;
app.use(
  "/v1/*",
  bodyLimit({
    maxSize: MAX_API_BODY_BYTES,
    onError: (c) => c.json(new ApiError("payload_too_large", `request bodies are at most ${MAX_API_BODY_BYTES} bytes`).toBody(), 413),
  }),
);

app.route("/v1/workspaces", workspaceRoutes);
const workspaceApi = createRouter();
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
workspaceApi.route("/agents", agentRoutes);
workspaceApi.route("/me", meRoutes);
workspaceApi.route("/audit", auditRoutes);
workspaceApi.route("/knowledge", knowledgeRoutes);
app.route("/v1", workspaceApi);

app.openapi(
  createRoute({
    method: "get",
    path: "/openapi.json",
    tags: ["Docs"],
    operationId: "openApiDocument",
    summary: "This document",
    security: PUBLIC,
    responses: {
      200: { description: "OpenAPI 3.1", content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } },
    },
  }),
  (c) => c.json(openApiDocument(app), 200),
);

app.openapi(
  createRoute({
    method: "get",
    path: "/docs",
    tags: ["Docs"],
    operationId: "docs",
    summary: "This document, rendered (Swagger UI, served from this origin)",
    security: PUBLIC,
    responses: { 200: { description: "An HTML page", content: { "text/html": { schema: z.string() } } } },
  }),
  (c) => c.html(DOCS_PAGE, 200, { "content-security-policy": DOCS_CSP }),
);

app.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags: ["Docs"],
    operationId: "landingPage",
    summary: "The landing page; with `ZALO_SITE_VERIFICATION` set, it carries Zalo's domain-verification meta tag",
    security: PUBLIC,
    responses: { 200: { description: "An HTML page", content: { "text/html": { schema: z.string() } } } },
  }),
  (c) => landingPage(c.req.raw, { ASSETS: c.env.ASSETS, zaloSiteVerification: readConfig(c.env).zaloSiteVerification }),
);

describeApi(app);

app.notFound((c) => c.json(new ApiError("not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`).toBody(), 404));

app.onError((error, c) => {
  if (error instanceof ApiError) return c.json(error.toBody(), error.status as 400);
  if (error instanceof HTTPException) {
    // Declared JSON bodies must say so; the contract's answer to bad input is a 400.
    if (error.status === 415)
      return c.json(new ApiError("bad_request", "send the body as JSON, with content-type: application/json").toBody(), 400);
    return c.json({ error: { code: error.status === 413 ? "payload_too_large" : "bad_request", message: error.message } }, error.status);
  }
  if (error instanceof SealedSecretError) {
    // A stored secret that does not open here (moved from another row, another MASTER_KEY, or
    // the old unbound format): the message names where it lives, never what it holds.
    console.error(JSON.stringify({ msg: "sealed secret does not open", path: new URL(c.req.url).pathname, error: error.message }));
    return c.json(new ApiError("internal", error.message).toBody(), 500);
  }
  console.error(JSON.stringify({ msg: "unhandled error", path: new URL(c.req.url).pathname, error: errorMessage(error) }));
  return c.json(new ApiError("internal", "internal error").toBody(), 500);
});
