/**
 * What subscribers receive, in /openapi.json: one OpenAPI 3.1 webhook per event type, with
 * the Standard Webhooks headers. The envelopes, their names (components) and descriptions
 * all come from src/events/schema.ts, so a subscriber's generated types match what is sent.
 */
import { z } from "zod";
import { EventSchema, eventSchemaId, OPERATIONAL_EVENT_TYPES } from "../events/schema.ts";
import type { Registry } from "./registry.ts";

const StandardWebhookHeadersSchema = z.object({
  "webhook-id": z.string().meta({ description: "The event id: the same on every retry and replay, so de-duplicate on it" }),
  "webhook-timestamp": z.string().meta({ description: "Unix seconds when this attempt was signed" }),
  "webhook-signature": z.string().meta({
    description:
      '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>" keyed with the decoded whsec_ secret>`; during a rotation two, space-separated',
  }),
});

export function registerEventWebhooks(registry: Registry): void {
  for (const option of EventSchema.options) {
    const type = option.shape.type.value;
    const operational = (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(type);
    registry.registerWebhook({
      method: "post",
      path: type,
      tags: [operational ? "Operational events" : "Events"],
      operationId: `on${eventSchemaId(type)}`,
      summary: option.meta()?.description,
      description: operational
        ? "Sent only to endpoints that list this type in `eventTypes`."
        : "Sent to every endpoint whose `eventTypes` is `[]` or lists this type.",
      security: [],
      request: {
        headers: StandardWebhookHeadersSchema,
        body: { required: true, content: { "application/json": { schema: option } } },
      },
      responses: {
        200: { description: "Any 2xx within 15 s acknowledges the delivery" },
        410: { description: "Gone: the endpoint is disabled at once (`endpoint.disabled`)" },
        default: {
          description:
            "Anything else, a redirect or no answer within 15 s is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (8 attempts in all); 429 and 503 with `Retry-After` wait at least that long",
        },
      },
    });
  }
}
