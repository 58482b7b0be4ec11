/**
 * Standard Webhooks signing: `v1,<base64 HMAC-SHA256("<id>.<timestamp>.<body>")>` keyed
 * with the secret's decoded bytes (the part after `whsec_`). Several secrets (during a
 * rotation) give several signatures, space-separated.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
import { fromBase64, toBase64, utf8 } from "../lib/encoding.ts";
import { hmacSha256 } from "../lib/hmac.ts";

export const SECRET_PREFIX = "whsec_";

export function encodeEndpointSecret(bytes: Uint8Array): string {
  return `${SECRET_PREFIX}${toBase64(bytes)}`;
}

function secretKey(secret: string): Uint8Array<ArrayBuffer> {
  const key = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (!key || key.length === 0) throw new Error("endpoint secret is not whsec_<base64>");
  return key;
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

export async function signWebhook(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Promise<SignedHeaders> {
  const content = utf8(`${id}.${timestampSeconds}.${body}`);
  const signatures = await Promise.all(secrets.map(async (secret) => `v1,${toBase64(await hmacSha256(secretKey(secret), content))}`));
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": signatures.join(" "),
  };
}
