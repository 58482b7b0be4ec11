/** GET|PUT /v1/rules: the workspace's routing rules; the built-in defaults until it sets its own. */
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { RuleSetSchema } from "../route/rules.ts";
import { openDb } from "../storage/db.ts";
import { getRuleSet, putRuleSet } from "../storage/rules.ts";
import { parseJsonBody } from "./validation.ts";

export const ruleRoutes = new Hono<AppEnv>();

ruleRoutes.get("/", async (c) => {
  const stored = await getRuleSet(openDb(c.env.DB), c.get("workspaceId"));
  return c.json({
    version: stored.version,
    isDefault: stored.version === 0,
    updatedAt: stored.updatedAt ? new Date(stored.updatedAt).toISOString() : null,
    ...stored.rules,
  });
});

/** Replaces the rules; the answer carries the new version. `If-Match: <version>` guards against a lost update. */
ruleRoutes.put("/", async (c) => {
  const rules = await parseJsonBody(c, RuleSetSchema);
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const current = await getRuleSet(db, workspaceId);
  const expected = c.req.header("if-match");
  if (expected !== undefined && expected.replace(/"/g, "") !== String(current.version)) {
    throw new ApiError("conflict", `the rules are at version ${current.version}, not ${expected}`);
  }
  let version: number;
  try {
    version = await putRuleSet(db, workspaceId, current.version, rules, Date.now());
  } catch {
    throw new ApiError("conflict", "the rules changed while saving; read them again and retry");
  }
  return c.json({ version, isDefault: false, updatedAt: new Date().toISOString(), ...rules });
});
