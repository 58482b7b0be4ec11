/**
 * GET /v1/metrics/sla?from=&to=: first-response figures per channel and overall (default: the last 7 days).
 * GET /v1/metrics/traffic?from=&to=&bucketSeconds=: DMs per bucket, answered automatically or escalated (default: the last hour by minute).
 */
import { createRoute } from "@hono/zod-openapi";
import { z } from "zod";
import { eventLogs } from "../actions/event-log.ts";
import { ApiError } from "../lib/errors.ts";
import { trafficBuckets } from "../route/traffic-metrics.ts";
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

/** The query's range in epoch ms: `to` defaults to now, `from` to `defaultSpanMs` before it; 400 unless from < to. */
function rangeOf(query: { from?: string; to?: string }, defaultSpanMs: number): { from: number; to: number } {
  const to = query.to ? Date.parse(query.to) : Date.now();
  const from = query.from ? Date.parse(query.from) : to - defaultSpanMs;
  if (from >= to) throw new ApiError("validation_failed", "from must be before to", [{ path: "from", message: "not before to" }]);
  return { from, to };
}

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
    description:
      "Computed from the workspace's SLA clocks started in the range. Clocks are kept as long as the events (`deliveries.retentionDays`) and at least 93 days, so a range older than that counts nothing.",
    request: { query: RangeSchema },
    responses: { 200: jsonResponse(SlaMetricsSchema, "The figures"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const { from, to } = rangeOf(c.req.valid("query"), WEEK_MS);
    if (to - from > MAX_RANGE_MS)
      throw new ApiError("validation_failed", `the range spans at most ${MAX_RANGE_DAYS} days`, [
        { path: "from", message: `more than ${MAX_RANGE_DAYS} days before to` },
      ]);
    // Computed in the workspace's log object, beside its clocks: only the figures travel.
    const figures = await eventLogs(c.env)(c.get("workspaceId")).slaMetrics(from, to);
    return c.json({ from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...figures }, 200);
  },
);

const TrafficQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional().meta({ description: "ISO 8601; default: one hour before `to`" }),
  to: z.iso.datetime({ offset: true }).optional().meta({ description: "ISO 8601; default: now" }),
  bucketSeconds: z.coerce
    .number({ error: "must be a whole number of seconds from 60 to 86400" })
    .int({ error: "must be a whole number of seconds from 60 to 86400" })
    .min(60, { error: "must be at least 60" })
    .max(86_400, { error: "must be at most 86400" })
    .default(60)
    .meta({ description: "Width of each bucket, 60 (a minute, the default) to 86400 (a day)" }),
});
/** A chart's worth: a day by minute, or two months by hour. More is a 400. */
const MAX_BUCKETS = 1440;
const HOUR_MS = 3600 * 1000;

const TrafficFiguresSchema = {
  inbound: count.meta({ description: "Buyers' messages received (`message.received`)" }),
  answeredAutomatically: count.meta({
    description: "Replies sent by a rule or the AI tier (`message.sent` whose author is `bot` or `ai`)",
  }),
  escalated: count.meta({ description: "Tickets opened for a human (`ticket.created`)" }),
  agentReplies: count.meta({ description: "Replies sent by agents (`message.sent` whose author is an `agent`)" }),
};

const TrafficMetricsSchema = z
  .strictObject({
    from: TimestampSchema,
    to: TimestampSchema,
    bucketSeconds: count,
    totals: z.strictObject(TrafficFiguresSchema).meta({ id: "TrafficFigures" }),
    buckets: z
      .array(z.strictObject({ start: TimestampSchema, ...TrafficFiguresSchema }).meta({ id: "TrafficBucket" }))
      .meta({ description: "Every bucket from `from`, oldest first, empty ones included" }),
  })
  .meta({ id: "TrafficMetrics" });

metricRoutes.openapi(
  createRoute({
    method: "get",
    path: "/traffic",
    tags: ["Metrics"],
    operationId: "getTrafficMetrics",
    summary: "DMs per minute (or per bucket), answered automatically versus escalated",
    description:
      "Counted from the workspace's stored events, so a range older than the events' retention (`deliveries.retentionDays`) counts nothing. At most 1440 buckets.",
    request: { query: TrafficQuerySchema },
    responses: { 200: jsonResponse(TrafficMetricsSchema, "The counts"), ...errors(400, 401, 403) },
  }),
  async (c) => {
    const query = c.req.valid("query");
    const { from, to } = rangeOf(query, HOUR_MS);
    const bucketMs = query.bucketSeconds * 1000;
    const bucketCount = Math.ceil((to - from) / bucketMs);
    if (bucketCount > MAX_BUCKETS)
      throw new ApiError("validation_failed", `the range holds at most ${MAX_BUCKETS} buckets`, [
        { path: "bucketSeconds", message: `${bucketCount} buckets of ${query.bucketSeconds} s from from to to; at most ${MAX_BUCKETS}` },
      ]);
    const rows = await eventLogs(c.env)(c.get("workspaceId")).countTraffic(from, to, bucketMs);
    return c.json(
      {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        bucketSeconds: query.bucketSeconds,
        ...trafficBuckets(rows, from, bucketMs, bucketCount),
      },
      200,
    );
  },
);
