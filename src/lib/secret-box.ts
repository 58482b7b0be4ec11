/**
 * Encrypts secrets at rest (channel credentials, endpoint secrets) with AES-256-GCM under
 * the deployment's MASTER_KEY. Stored form: `v1.<iv base64>.<ciphertext base64>`; the
 * version prefix leaves room for key rotation.
 */
import { fromBase64, fromUtf8, toBase64, utf8 } from "./encoding.ts";

export interface SecretBox {
  seal(plaintext: string): Promise<string>;
  open(sealed: string): Promise<string>;
}

/** Fails loudly on a malformed key: a wrong MASTER_KEY must never encrypt anything. */
export async function createSecretBox(masterKeyBase64: string): Promise<SecretBox> {
  const raw = fromBase64(masterKeyBase64.trim());
  if (raw?.length !== 32) {
    throw new Error("MASTER_KEY must be 32 random bytes, base64-encoded (openssl rand -base64 32)");
  }
  const key = await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  return {
    async seal(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, utf8(plaintext)));
      return `v1.${toBase64(iv)}.${toBase64(ciphertext)}`;
    },
    async open(sealed) {
      const [version, ivText, dataText] = sealed.split(".");
      const iv = ivText ? fromBase64(ivText) : null;
      const data = dataText ? fromBase64(dataText) : null;
      if (version !== "v1" || !iv || !data) throw new Error("sealed secret is malformed");
      return fromUtf8(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, key, data)));
    },
  };
}
