/** GET|PUT /v1/rules: the workspace's routing rules; the built-in defaults until it sets its own. */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { ApiError } from "../lib/errors.ts";
import { RuleSetSchema } from "../route/rules.ts";
import { openDb } from "../storage/db.ts";
import { getRuleSet, putRuleSet } from "../storage/rules.ts";
import { createRouter } from "./router.ts";
import { errors, jsonBody, jsonResponse, TimestampSchema } from "./schemas.ts";

const RuleSetBodySchema = RuleSetSchema.meta({ id: "RuleSet" });

const StoredRuleSetSchema = z
  .strictObject({
    version: z.number().int().meta({ description: "0 for the built-in defaults; each PUT adds one" }),
    isDefault: z.boolean(),
    updatedAt: TimestampSchema.nullable(),
    ...RuleSetSchema.shape,
  })
  .meta({ id: "StoredRuleSet" });

const IfMatchSchema = z.object({
  "if-match": z.string().optional().meta({ description: "The version you read: refuses a lost update with 409" }),
});

const tags = ["Rules"];

export const ruleRoutes = createRouter();

ruleRoutes.openapi(
  createRoute({
    method: "get",
    path: "/",
    tags,
    operationId: "getRules",
    summary: "The routing rules in force",
    responses: { 200: jsonResponse(StoredRuleSetSchema, "The rules, with their version"), ...errors(401, 403) },
  }),
  async (c) => {
    const stored = await getRuleSet(openDb(c.env.DB), c.get("workspaceId"));
    return c.json(
      {
        version: stored.version,
        isDefault: stored.version === 0,
        updatedAt: stored.updatedAt ? new Date(stored.updatedAt).toISOString() : null,
        ...stored.rules,
      },
      200,
    );
  },
);

ruleRoutes.openapi(
  createRoute({
    method: "put",
    path: "/",
    tags,
    operationId: "putRules",
    summary: "Replace the routing rules",
    description: "Stores a new version. `If-Match: <version>` refuses a lost update.",
    request: { headers: IfMatchSchema, body: jsonBody(RuleSetBodySchema) },
    responses: {
      200: jsonResponse(StoredRuleSetSchema, "The rules, with their new version"),
      ...errors(400, 401, 403),
      409: { $ref: "#/components/responses/Conflict", description: "The rules are not at the `If-Match` version, or changed while saving" },
    },
  }),
  async (c) => {
    const rules = c.req.valid("json");
    const db = openDb(c.env.DB);
    const workspaceId = c.get("workspaceId");
    const current = await getRuleSet(db, workspaceId);
    const expected = c.req.valid("header")["if-match"];
    if (expected !== undefined && expected.replace(/"/g, "") !== String(current.version)) {
      throw new ApiError("conflict", `the rules are at version ${current.version}, not ${expected}`);
    }
    let version: number;
    try {
      version = await putRuleSet(db, workspaceId, current.version, rules, Date.now());
    } catch {
      throw new ApiError("conflict", "the rules changed while saving; read them again and retry");
    }
    return c.json({ version, isDefault: false, updatedAt: new Date().toISOString(), ...rules }, 200);
  },
);
