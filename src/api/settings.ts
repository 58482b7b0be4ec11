/** GET|PATCH /v1/settings: SLA windows, live-sale mode, order lookup, delivery policy, canned replies. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { RETRY_DELAYS_SECONDS } from "../deliver/policy.ts";
import { checkOutboundUrl } from "../deliver/url-guard.ts";
import { readConfig } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { sealedAt } from "../lib/secret-box.ts";
import { secretBox } from "../secrets.ts";
import { AiSettingsSchema, mergeSettings, SettingsPatchSchema, SettingsSchema, settingsProblems, settingsView } from "../settings.ts";
import { openDb } from "../storage/db.ts";
import { getSettings, putSettings } from "../storage/settings.ts";
import { createRouter } from "./router.ts";
import { errors, jsonBody, jsonResponse } from "./schemas.ts";

const PatchSettingsSchema = SettingsPatchSchema.meta({
  id: "PatchSettings",
  description:
    "Any subset. `orderLookup.headers` values and `ai.apiKey` are sealed and never shown again; `orderLookup: null` removes the lookup, `ai: null` turns the AI tier off.",
});

/** As stored, except that the order lookup shows its header names, never their values. */
const SettingsViewSchema = SettingsSchema.omit({ orderLookup: true, ai: true })
  .extend({
    orderLookup: z
      .strictObject({ url: z.string(), headers: z.array(z.string()).meta({ description: "Header names; values are never shown" }) })
      .nullable(),
    ai: AiSettingsSchema.omit({ apiKeySealed: true })
      .extend({ hasApiKey: z.boolean().meta({ description: "Whether an API key is stored; it is never shown" }) })
      .required()
      .nullable()
      .meta({ description: "The AI first tier; null: off" }),
  })
  .required()
  .meta({ id: "Settings" });

const tags = ["Settings"];

export const settingsRoutes = createRouter();

settingsRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "getSettings",
    summary: "The workspace's settings",
    responses: { 200: jsonResponse(SettingsViewSchema, "The settings, defaults filled in"), ...errors(401, 403) },
  }),
  async (c) => c.json(settingsView(await getSettings(openDb(c.env.DB), c.get("workspaceId"))), 200),
);

settingsRoutes.openapi(
  createRoute({
    method: "patch",
    path: "/",
    tags,
    operationId: "updateSettings",
    summary: "Change some settings; they apply to SLA clocks started after the change",
    request: { body: jsonBody(PatchSettingsSchema) },
    responses: {
      200: jsonResponse(SettingsViewSchema, "The settings"),
      ...errors(400, 401, 403),
      422: { $ref: "#/components/responses/Unprocessable", description: "An order-lookup or AI URL the gateway will not call" },
    },
  }),
  async (c) => {
    const patch = c.req.valid("json");
    if (patch.orderLookup) {
      // The URL is called for this workspace: the same guard as subscriber endpoints.
      const probe = patch.orderLookup.url.replaceAll("{orderId}", "0");
      const verdict = checkOutboundUrl(probe, { allowPrivate: readConfig(c.env).allowPrivateEndpoints });
      if (!verdict.ok)
        throw new ApiError("unprocessable", `orderLookup.url ${verdict.reason}`, [{ path: "orderLookup.url", message: verdict.reason }]);
    }
    if (patch.ai?.url) {
      // The model's API receives buyers' messages and the key: the same guard as endpoints.
      const verdict = checkOutboundUrl(`${patch.ai.url.replace(/\/+$/, "")}/chat/completions`, {
        allowPrivate: readConfig(c.env).allowPrivateEndpoints,
      });
      if (!verdict.ok) throw new ApiError("unprocessable", `ai.url ${verdict.reason}`, [{ path: "ai.url", message: verdict.reason }]);
    }
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const box = await secretBox(c.env);
    const next = await mergeSettings(
      await getSettings(db, workspaceId),
      patch,
      (value, header) => box.seal(value, sealedAt.orderLookupHeader(workspaceId, header)),
      (value) => box.seal(value, sealedAt.aiApiKey(workspaceId)),
    );
    const problems = settingsProblems(next, RETRY_DELAYS_SECONDS);
    if (problems.length > 0) throw new ApiError("validation_failed", problems.map((p) => `${p.path} ${p.message}`).join("; "), problems);
    await putSettings(db, workspaceId, next, Date.now());
    return c.json(settingsView(next), 200);
  },
);
