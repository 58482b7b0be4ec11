/**
 * Signs a webhook body the way each platform does, so a sample can be sent to a local
 * gateway. Written with node:crypto, apart from the adapters' WebCrypto checks
 * (src/channels/<platform>/verify.ts), which the unit tests hold these against.
 */
import { createHash, createHmac } from "node:crypto";
import type { Platform } from "../../src/events/schema.ts";

export type SecretOption = "app-key" | "app-secret" | "secret-token" | "channel-secret" | "oa-secret-key" | "consumer-secret";

export interface Signed {
  /** The body to send: the input, with its signed timestamp moved to now where the gateway checks freshness. */
  body: string;
  headers: Record<string, string>;
}

export interface PlatformSigner {
  /** The options it needs, all required; each names the channel credential it stands for. */
  options: readonly SecretOption[];
  /** What the gateway checks, for --help. */
  describe: string;
  sign(body: string, secrets: Readonly<Record<SecretOption, string>>, nowMs: number): Signed;
}

const hmac = (key: string, data: string, encoding: "hex" | "base64") => createHmac("sha256", key).update(data, "utf8").digest(encoding);

/** Meta (WhatsApp, Messenger, Instagram): no timestamp is signed, so the body goes out as it is. */
const meta: PlatformSigner = {
  options: ["app-secret"],
  describe: "X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body, key appSecret>",
  sign: (body, secrets) => ({ body, headers: { "x-hub-signature-256": `sha256=${hmac(secrets["app-secret"], body, "hex")}` } }),
};

export const SIGNERS: Readonly<Record<Platform, PlatformSigner>> = {
  tiktok: {
    options: ["app-key", "app-secret"],
    describe: "Authorization: <hex HMAC-SHA256 of appKey + body, key appSecret>; top-level timestamp (s) moved to now",
    sign(body, secrets, nowMs) {
      const fresh = withTimestamp(body, String(Math.floor(nowMs / 1000)));
      return { body: fresh, headers: { authorization: hmac(secrets["app-secret"], secrets["app-key"] + fresh, "hex") } };
    },
  },
  whatsapp: meta,
  messenger: meta,
  instagram: meta,
  telegram: {
    options: ["secret-token"],
    describe: "X-Telegram-Bot-Api-Secret-Token: <secretToken> (Telegram signs nothing)",
    sign: (body, secrets) => ({ body, headers: { "x-telegram-bot-api-secret-token": secrets["secret-token"] } }),
  },
  line: {
    options: ["channel-secret"],
    describe: "x-line-signature: <Base64 HMAC-SHA256 of the body, key channelSecret>",
    sign: (body, secrets) => ({ body, headers: { "x-line-signature": hmac(secrets["channel-secret"], body, "base64") } }),
  },
  zalo: {
    options: ["oa-secret-key"],
    describe:
      "X-ZEvent-Signature: mac=<hex SHA-256 of app_id + body + timestamp + oaSecretKey>; timestamp (ms) moved to now; the body's app_id must be the channel's appId",
    sign(body, secrets, nowMs) {
      const fresh = withTimestamp(body, String(nowMs));
      const { appId, timestamp } = zaloSignedFields(fresh);
      const mac = createHash("sha256").update(`${appId}${fresh}${timestamp}${secrets["oa-secret-key"]}`, "utf8").digest("hex");
      return { body: fresh, headers: { "x-zevent-signature": `mac=${mac}` } };
    },
  },
  x: {
    options: ["consumer-secret"],
    describe: "x-twitter-webhooks-signature: sha256=<Base64 HMAC-SHA256 of the body, key consumerSecret>",
    sign: (body, secrets) => ({
      body,
      headers: { "x-twitter-webhooks-signature": `sha256=${hmac(secrets["consumer-secret"], body, "base64")}` },
    }),
  },
};

export function isSignable(platform: string): platform is Platform {
  return Object.hasOwn(SIGNERS, platform);
}

/**
 * The first `"timestamp": <digits>` (number or digit string, kept as written) set to `value`:
 * in TikTok Shop and Zalo bodies that is the top-level one the signature covers.
 */
export function withTimestamp(body: string, value: string): string {
  return body.replace(/("timestamp"\s*:\s*)("?)\d+\2/, `$1$2${value}$2`);
}

/** Zalo hashes the body's own `app_id` and `timestamp`, exactly as written. */
function zaloSignedFields(body: string): { appId: string; timestamp: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new Error("a Zalo body must be JSON: the signature covers its app_id and timestamp");
  }
  const { app_id: appId, timestamp } = (parsed ?? {}) as Record<string, unknown>;
  // As the adapter reads them: a digit string, or a number JSON can hold exactly.
  const literal = (value: unknown) =>
    (typeof value === "string" && value.length > 0) || (typeof value === "number" && Number.isSafeInteger(value)) ? String(value) : null;
  const fields = { appId: literal(appId), timestamp: literal(timestamp) };
  if (!fields.appId || !fields.timestamp) throw new Error("a Zalo body needs top-level app_id and timestamp: the signature covers them");
  return { appId: fields.appId, timestamp: fields.timestamp };
}
