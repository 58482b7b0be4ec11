/** GET /v1/metrics/sla?from=&to=: first-response figures per channel and overall (default: the last 7 days). */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { ApiError } from "../lib/errors.ts";
import { slaByChannel } from "../route/sla-metrics.ts";
import { openDb } from "../storage/db.ts";
import { clocksStartedBetween } from "../storage/sla.ts";
import { createRouter } from "./router.ts";
import { errors, jsonResponse, TimestampSchema } from "./schemas.ts";

const RangeSchema = z.object({
  from: z.iso.datetime({ offset: true }).optional().meta({ description: "ISO 8601; default: 7 days before `to`" }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: "ISO 8601; default: now" }),
});
/** CONTRACT, "Limits and bad input": a range's clocks are read whole, so a range is bounded. */
const MAX_RANGE_DAYS = 93;
const MAX_RANGE_MS = MAX_RANGE_DAYS * 86_400_000;
const WEEK_MS = 7 * 24 * 3600 * 1000;

const count = z.number().int();
const seconds = z.number().nullable();
const SlaFiguresSchema = z
  .strictObject({
    inbound: count.meta({ description: "Inbound messages whose first-response clock started in the range" }),
    answered: count,
    answeredInsideWindow: count,
    insideWindowRate: z.number().nullable().meta({ description: "Share answered before the deadline, 0–1 (null without messages)" }),
    p50FirstResponseSeconds: seconds,
    p90FirstResponseSeconds: seconds,
    openBreaches: count.meta({ description: "Past the deadline and still unanswered" }),
  })
  .meta({ id: "SlaFigures" });

const SlaMetricsSchema = z
  .strictObject({
    from: TimestampSchema,
    to: TimestampSchema,
    overall: SlaFiguresSchema,
    channels: z.array(SlaFiguresSchema.extend({ channelId: z.string() })),
  })
  .meta({ id: "SlaMetrics" });

export const metricRoutes = createRouter();

metricRoutes.openapi(
  createRoute({
    method: "get",
    path: "/sla",
    tags: ["Metrics"],
    operationId: "getSlaMetrics",
    summary: "First-response times and the share answered inside the window, per channel and overall",
    request: { query: RangeSchema },
    responses: { 200: jsonResponse(SlaMetricsSchema, "The figures"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const range = c.req.valid("query");
    const to = range.to ? Date.parse(range.to) : Date.now();
    const from = range.from ? Date.parse(range.from) : to - WEEK_MS;
    if (from >= to) throw new ApiError("validation_failed", "from must be before to", [{ path: "from", message: "not before to" }]);
    if (to - from > MAX_RANGE_MS)
      throw new ApiError("validation_failed", `the range spans at most ${MAX_RANGE_DAYS} days`, [
        { path: "from", message: `more than ${MAX_RANGE_DAYS} days before to` },
      ]);
    const rows = await clocksStartedBetween(openDb(c.env.DB), c.get("workspaceId"), from, to);
    return c.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...slaByChannel(rows) }, 200);
  },
);
