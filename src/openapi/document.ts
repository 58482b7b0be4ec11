/**
 * /openapi.json: the OpenAPI 3.1 document. The paths come from the routes themselves (each
 * declared with the zod schemas that validate it); this file adds what is not a /v1 route:
 * security schemes, the shared error responses, webhook intake, and the events as webhooks.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import packageJson from "../../package.json" with { type: "json" };
import { roleFor } from "../api/roles.ts";
import { ADMIN_TOKEN_SCHEME, ERROR_RESPONSES, ErrorBodySchema, WORKSPACE_KEY_SCHEME } from "../api/schemas.ts";
import type { AppEnv } from "../env.ts";
import { registerEventWebhooks } from "./events.ts";
import { registerIntake } from "./intake.ts";

type App = OpenAPIHono<AppEnv>;
export type OpenApiDocument = ReturnType<App["getOpenAPI31Document"]>;

export const API_VERSION: string = packageJson.version;

const DESCRIPTION = `A multi-channel customer-service webhook gateway: platforms' webhooks in, one event shape out, signed as [Standard Webhooks](https://www.standardwebhooks.com/).

Every \`/v1\` call takes \`Authorization: Bearer <API key>\` and sees only its own workspace; creating a workspace takes the admin token. Each key is one agent's: an \`admin\` key may do everything; an \`agent\` key reads everything and writes only \`PATCH /v1/tickets/{id}\` and \`POST /v1/conversations/{id}/messages\`, and gets \`403\` elsewhere. Each operation names the role it needs in \`x-required-role\`. Lists answer \`{"data": [...], "nextCursor"}\`, newest first, and take \`?limit=\` (1–200, default 50) and \`?cursor=\`. Every error is \`{"error": {"code", "message", "details"?}}\`.

The events the gateway delivers are under **webhooks**, one per type, each with its envelope.`;

/** Adds the parts of the document that are not routes of the app. Once per app, after every route is mounted. */
export function describeApi(app: App): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent("securitySchemes", WORKSPACE_KEY_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "A workspace's API key (`sbk_…`), shown once by `POST /v1/workspaces`",
  });
  registry.registerComponent("securitySchemes", ADMIN_TOKEN_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "The deployment's `ADMIN_TOKEN`: it only creates workspaces",
  });
  registry.register("Error", ErrorBodySchema);
  for (const { name, description } of Object.values(ERROR_RESPONSES)) {
    registry.registerComponent("responses", name, {
      description,
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    });
  }
  registerIntake(registry);
  registerEventWebhooks(registry);
}

const built = new WeakMap<App, OpenApiDocument>();

/** The document for this app, built on first use: it cannot change while the isolate lives. */
export function openApiDocument(app: App): OpenApiDocument {
  let document = built.get(app);
  if (!document) {
    document = app.getOpenAPI31Document(
      {
        openapi: "3.1.0",
        info: { title: "Switchboard", version: API_VERSION, description: DESCRIPTION },
        // Relative: the document describes whichever host serves it.
        servers: [{ url: "/" }],
        security: [{ [WORKSPACE_KEY_SCHEME]: [] }],
      },
      { unionPreferredType: "oneOf", sortComponents: "alphabetically" },
    );
    markRoles(document);
    built.set(app, document);
  }
  return document;
}

/** Each workspace operation says which role it needs, from the rule auth.ts enforces. */
function markRoles(document: OpenApiDocument): void {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.startsWith("/v1/") || path === "/v1/workspaces" || !item) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!operation || typeof operation !== "object" || !("responses" in operation)) continue;
      const role = roleFor(method, path.replace(/\{(\w+)\}/g, ":$1"));
      Object.assign(operation, { "x-required-role": role });
    }
  }
}
