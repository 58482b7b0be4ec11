/**
 * Our ids: a type prefix and 24 base32 characters (120 bits). Random ids for objects the
 * API creates; derived ids (a hash of a stable key) for everything that comes from a
 * platform, so a retried or redelivered platform message always maps to the same row.
 */
import { sha256 } from "./hmac.ts";

export type IdPrefix =
  | "ws"
  | "key"
  | "agt"
  | "aud"
  | "ch"
  | "ct"
  | "cv"
  | "msg"
  | "evt"
  | "ep"
  | "tk"
  | "att"
  | "dl"
  | "blob"
  | "sla"
  | "note"
  | "kn";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

function base32(bytes: Uint8Array, length: number): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

export function randomId(prefix: IdPrefix): string {
  return `${prefix}_${base32(crypto.getRandomValues(new Uint8Array(15)), 24)}`;
}

/** The same `parts` always give the same id; distinct parts never collide in practice. */
export async function derivedId(prefix: IdPrefix, ...parts: string[]): Promise<string> {
  const digest = await sha256(`${prefix}\u0000${parts.join("\u0000")}`);
  return `${prefix}_${base32(digest, 24)}`;
}

export function randomToken(bytes = 32): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(bytes));
}
