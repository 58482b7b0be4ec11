/** GET /v1/metrics/sla?from=&to=: first-response figures per channel and overall (default: the last 7 days). */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/errors.ts";
import { describeIssues } from "../lib/zod-issues.ts";
import { slaByChannel } from "../route/sla-metrics.ts";
import { openDb } from "../storage/db.ts";
import { clocksStartedBetween } from "../storage/sla.ts";

const RangeSchema = z.object({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() });
const WEEK_MS = 7 * 24 * 3600 * 1000;

export const metricRoutes = new Hono<AppEnv>();

metricRoutes.get("/sla", async (c) => {
  const range = RangeSchema.safeParse(c.req.query());
  if (!range.success) throw new ApiError("validation_failed", "from and to are ISO 8601 times", describeIssues(range.error));
  const to = range.data.to ? Date.parse(range.data.to) : Date.now();
  const from = range.data.from ? Date.parse(range.data.from) : to - WEEK_MS;
  if (from >= to) throw new ApiError("validation_failed", "from must be before to", [{ path: "from", message: "not before to" }]);
  const rows = await clocksStartedBetween(openDb(c.env.DB), c.get("workspaceId"), from, to);
  return c.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...slaByChannel(rows) });
});
