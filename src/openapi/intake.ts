/**
 * Webhook intake in /openapi.json. Intake validates nothing with zod: the body is the
 * platform's own bytes, checked against its signature, so these entries only describe the
 * route (src/intake/routes.ts) as a platform meets it.
 */
import { z } from "zod";
import { getAdapter, supportedPlatforms } from "../channels/registry.ts";
import { MAX_ZALO_BODY_BYTES } from "../channels/zalo/verify.ts";
import { type Platform, PlatformSchema } from "../events/schema.ts";
import { MAX_WEBHOOK_BODY_BYTES } from "../intake/read-body.ts";
import type { Registry } from "./registry.ts";

/** How each platform signs its POSTs (its adapter's verify.ts is the rule; NOTES.md has the links). */
const SIGNATURES: Record<Platform, string> = {
  tiktok:
    "`Authorization: <hex HMAC-SHA256 of appKey + body>`, keyed with appSecret; the body's `timestamp` within 72 h back and 5 min ahead",
  whatsapp: "`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, keyed with appSecret",
  messenger: "`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, keyed with appSecret",
  instagram: "`X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`, keyed with appSecret",
  telegram: "`X-Telegram-Bot-Api-Secret-Token` equal to the channel's secretToken",
  line: "`X-Line-Signature`: base64 HMAC-SHA256 of the body, keyed with channelSecret",
  zalo: "`X-ZEvent-Signature: mac=<hex SHA-256 of app_id + body + timestamp + oaSecretKey>`; the timestamp within 72 h back and 5 min ahead",
  x: "`X-Twitter-Webhooks-Signature: sha256=<base64 HMAC-SHA256 of the body>`, keyed with consumerSecret",
};

const HANDSHAKES: Partial<Record<Platform, string>> = {
  whatsapp: "`?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` → the challenge, as text, when the verify token matches",
  messenger: "`?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` → the challenge, as text, when the verify token matches",
  instagram: "`?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` → the challenge, as text, when the verify token matches",
  x: '`?crc_token=…` → `{"response_token": "sha256=<base64 HMAC-SHA256 of the token, keyed with consumerSecret>"}`',
};

const IntakeParamsSchema = z.object({
  platform: PlatformSchema,
  channelId: z.string().meta({ description: "The channel's id (`ch_…`), as in its `webhookUrl`" }),
});

const AcceptedSchema = z.strictObject({ ok: z.literal(true) });

function table(rows: [string, string][]): string {
  return ["| platform | rule |", "| --- | --- |", ...rows.map(([platform, rule]) => `| \`${platform}\` | ${rule} |`)].join("\n");
}

export function registerIntake(registry: Registry): void {
  const platforms = supportedPlatforms();
  const withHandshake = platforms.filter((platform) => getAdapter(platform)?.handshake);
  const error = (description: string) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  });

  registry.registerPath({
    method: "post",
    path: "/webhooks/{platform}/{channelId}",
    tags: ["Webhook intake"],
    operationId: "receiveWebhook",
    summary: "A platform's delivery",
    description: [
      "The body is the platform's own, verified on the exact bytes and acknowledged once it is queued; it is processed asynchronously. The same platform event again (judged by the platform's own ids, not bytes) answers 200 and produces nothing new. Signed but unreadable bodies are kept as dead letters (`GET /v1/dead-letters`).",
      "",
      table(platforms.map((platform) => [platform, SIGNATURES[platform]])),
    ].join("\n"),
    security: [],
    request: {
      params: IntakeParamsSchema,
      body: {
        required: true,
        description: `The platform's delivery, as it sends it (at most ${MAX_WEBHOOK_BODY_BYTES} bytes)`,
        content: { "application/json": { schema: {} }, "application/octet-stream": { schema: {} } },
      },
    },
    responses: {
      200: { description: "Verified and queued", content: { "application/json": { schema: AcceptedSchema } } },
      400: error(
        "`x` only: a body that does not begin with `{` is not a delivery from X (the CRC handshake signs any string): nothing stored",
      ),
      401: error("Signature missing or wrong, or a signed timestamp out of bounds: nothing stored"),
      404: error("Unknown channel, or a platform the channel is not"),
      413: error(
        `Body over ${MAX_WEBHOOK_BODY_BYTES} bytes (\`zalo\`: over ${MAX_ZALO_BODY_BYTES}, as its body is parsed before it is verified)`,
      ),
      503: error("Could not queue it: the platform retries, nothing acknowledged is lost"),
    },
  });

  registry.registerPath({
    method: "get",
    path: "/webhooks/{platform}/{channelId}",
    tags: ["Webhook intake"],
    operationId: "answerWebhookHandshake",
    summary: "A platform's verification handshake",
    description: [
      `Only ${withHandshake.map((platform) => `\`${platform}\``).join(", ")} verify a URL this way; for the others GET answers 405.`,
      "",
      table(withHandshake.map((platform) => [platform, HANDSHAKES[platform] ?? "its own handshake"])),
    ].join("\n"),
    security: [],
    request: { params: IntakeParamsSchema },
    responses: {
      200: {
        description: "The platform's expected answer",
        content: { "text/plain": { schema: { type: "string" } }, "application/json": { schema: { type: "object" } } },
      },
      403: error("The handshake does not match the channel's verify token or secret"),
      404: error("Unknown channel, or a platform the channel is not"),
      405: error("This platform has no GET handshake; deliveries are POSTed"),
    },
  });
}
