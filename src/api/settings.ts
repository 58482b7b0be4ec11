/** GET|PATCH /v1/settings: SLA windows, live-sale mode, order lookup, delivery policy. */
import { Hono } from "hono";
import { checkOutboundUrl } from "../deliver/url-guard.ts";
import type { AppEnv } from "../env.ts";
import { readConfig } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { secretBox } from "../secrets.ts";
import { mergeSettings, SettingsPatchSchema, settingsView } from "../settings.ts";
import { openDb } from "../storage/db.ts";
import { getSettings, putSettings } from "../storage/settings.ts";
import { parseJsonBody } from "./validation.ts";

export const settingsRoutes = new Hono<AppEnv>();

settingsRoutes.get("/", async (c) => c.json(settingsView(await getSettings(openDb(c.env.DB), c.get("workspaceId")))));

settingsRoutes.patch("/", async (c) => {
  const patch = await parseJsonBody(c, SettingsPatchSchema);
  if (patch.orderLookup) {
    // The URL is called for this workspace: the same guard as subscriber endpoints.
    const probe = patch.orderLookup.url.replaceAll("{orderId}", "0");
    const verdict = checkOutboundUrl(probe, { allowPrivate: readConfig(c.env).allowPrivateEndpoints });
    if (!verdict.ok)
      throw new ApiError("unprocessable", `orderLookup.url ${verdict.reason}`, [{ path: "orderLookup.url", message: verdict.reason }]);
  }
  const db = openDb(c.env.DB);
  const workspaceId = c.get("workspaceId");
  const box = await secretBox(c.env);
  const next = await mergeSettings(await getSettings(db, workspaceId), patch, (value) => box.seal(value));
  await putSettings(db, workspaceId, next, Date.now());
  return c.json(settingsView(next));
});
