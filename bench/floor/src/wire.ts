/**
 * The floor's pure pieces, on Web Crypto only (workerd and Node 24 alike, so the unit tests
 * run them as the worker does): TikTok Shop's signature, the DM read from its body, and the
 * Standard Webhooks–signed `message.received` event the bench's subscriber recognises.
 */
const encoder = new TextEncoder();

/** TikTok Shop signs a timestamp: the same window as src/lib/freshness.ts. */
const MAX_AGE_S = 72 * 3600;
const MAX_SKEW_S = 5 * 60;

export interface Dm {
  conversationId: string;
  messageId: string;
  senderId: string;
  text: string;
  createdAt: number;
}

export function hmacKey(secret: Uint8Array | string, usage: "sign" | "verify"): Promise<CryptoKey> {
  const raw = typeof secret === "string" ? encoder.encode(secret) : secret;
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** `whsec_<base64>` → the key's bytes (Standard Webhooks). */
export function whsecBytes(secret: string): Uint8Array {
  const b64 = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

/** `authorization` = lowercase hex HMAC-SHA256(appSecret, appKey + body); `key` is the app secret's. */
export async function verifyTikTok(key: CryptoKey, appKey: string, body: string, header: string | null): Promise<boolean> {
  const hex = header?.trim() ?? "";
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return false;
  const signature = Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
  return crypto.subtle.verify("HMAC", key, signature, encoder.encode(appKey + body));
}

/** A type-14 TEXT message with a fresh signed timestamp, or null. */
export function readDm(body: string, nowMs: number): Dm | null {
  let parsed: {
    type?: unknown;
    timestamp?: unknown;
    data?: { conversation_id?: unknown; message_id?: unknown; content?: unknown; create_time?: unknown; sender?: { im_user_id?: unknown } };
  };
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const { timestamp, data } = parsed;
  const now = nowMs / 1000;
  if (parsed.type !== 14 || typeof timestamp !== "number" || timestamp < now - MAX_AGE_S || timestamp > now + MAX_SKEW_S) return null;
  if (typeof data?.conversation_id !== "string" || typeof data.message_id !== "string") return null;
  let text = "";
  try {
    const content = JSON.parse(String(data.content)) as { content?: unknown };
    text = typeof content.content === "string" ? content.content : "";
  } catch {
    // a TEXT message whose content is not JSON: stored empty
  }
  return {
    conversationId: data.conversation_id,
    messageId: data.message_id,
    senderId: String(data.sender?.im_user_id ?? ""),
    text,
    createdAt: typeof data.create_time === "number" ? data.create_time : timestamp,
  };
}

/** The event as bench/fakes.ts reads it: `type`, `data.message.platformMessageId`. */
export function messageReceived(dm: Dm, eventId: string, nowMs: number): string {
  return JSON.stringify({
    id: eventId,
    type: "message.received",
    createdAt: new Date(nowMs).toISOString(),
    data: {
      conversation: { platformConversationId: dm.conversationId },
      message: { platformMessageId: dm.messageId, senderId: dm.senderId, text: dm.text, sentAt: dm.createdAt },
    },
  });
}

/** Standard Webhooks: `v1,` + base64 HMAC-SHA256(key, "id.timestamp.body"). */
export async function signStandardWebhook(key: CryptoKey, id: string, timestampS: number, body: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(`${id}.${timestampS}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...mac))}`;
}
