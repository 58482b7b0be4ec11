/**
 * HMAC-SHA256 through WebCrypto. Verification goes through `crypto.subtle.verify`, which
 * compares in constant time, so no signature check in the project compares strings.
 */
import { utf8 } from "./encoding.ts";

export type KeyMaterial = string | Uint8Array<ArrayBuffer>;

async function importHmacKey(key: KeyMaterial, usage: "sign" | "verify"): Promise<CryptoKey> {
  const raw = typeof key === "string" ? utf8(key) : key;
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

export async function hmacSha256(key: KeyMaterial, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const cryptoKey = await importHmacKey(key, "sign");
  return new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, message));
}

/** Constant-time check that `signature` is the HMAC-SHA256 of `message` under `key`. */
export async function verifyHmacSha256(
  key: KeyMaterial,
  message: Uint8Array<ArrayBuffer>,
  signature: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  if (signature.length !== 32) return false;
  const cryptoKey = await importHmacKey(key, "verify");
  return crypto.subtle.verify("HMAC", cryptoKey, signature, message);
}

export async function sha256(message: Uint8Array<ArrayBuffer> | string): Promise<Uint8Array<ArrayBuffer>> {
  const bytes = typeof message === "string" ? utf8(message) : message;
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** Constant-time equality of two strings (for bearer tokens), via their digests. */
export async function timingSafeEqualText(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256(a), sha256(b)]);
  let diff = 0;
  for (let i = 0; i < da.length; i++) diff |= (da[i] ?? 0) ^ (db[i] ?? 0);
  return diff === 0;
}
