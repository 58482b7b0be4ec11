/**
 * Encrypts secrets at rest (channel credentials, endpoint secrets, order-lookup headers)
 * with AES-256-GCM under the deployment's MASTER_KEY. Each value is bound to where it lives
 * (`sealedAt`): that name is the cipher's additional data, so a value copied into another
 * row or field by anyone who can write to D1 does not open there.
 *
 * Stored form: `v2.<iv base64>.<ciphertext base64>`. `v1` values (no binding) are refused,
 * never opened: no deployment held data when binding began, so none needs migrating.
 */
import { fromBase64, fromUtf8, toBase64, utf8 } from "./encoding.ts";

export interface SecretBox {
  /** `where` names the value's row and field (`sealedAt`); opening takes the same name. */
  seal(plaintext: string, where: string): Promise<string>;
  open(sealed: string, where: string): Promise<string>;
}

/** Where each sealed value lives: the additional data it is sealed with. */
export const sealedAt = {
  channelCredentials: (channelId: string) => `channel:${channelId}:credentials`,
  /** Both the current and the previous secret of a rotation: the previous is the current one moved. */
  endpointSecret: (endpointId: string) => `endpoint:${endpointId}:secret`,
  orderLookupHeader: (workspaceId: string, header: string) => `settings:${workspaceId}:orderLookup.headers.${header.toLowerCase()}`,
  aiApiKey: (workspaceId: string) => `settings:${workspaceId}:ai.apiKey`,
};

/** A stored value that does not open. Its message names the place, never a secret. */
export class SealedSecretError extends Error {
  override readonly name = "SealedSecretError";
}

const VERSION = "v2";

/** Fails loudly on a malformed key: a wrong MASTER_KEY must never encrypt anything. */
export async function createSecretBox(masterKeyBase64: string): Promise<SecretBox> {
  const raw = fromBase64(masterKeyBase64.trim());
  if (raw?.length !== 32) {
    throw new Error("MASTER_KEY must be 32 random bytes, base64-encoded (openssl rand -base64 32)");
  }
  const key = await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  return {
    async seal(plaintext, where) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const params = { name: "AES-GCM", iv, additionalData: utf8(where) };
      const ciphertext = new Uint8Array(await crypto.subtle.encrypt(params, key, utf8(plaintext)));
      return `${VERSION}.${toBase64(iv)}.${toBase64(ciphertext)}`;
    },
    async open(sealed, where) {
      const [version, ivText, dataText, extra] = sealed.split(".");
      if (version === "v1") throw new SealedSecretError(`the sealed value of ${where} is in the old unbound format (v1): enter it again`);
      const iv = ivText ? fromBase64(ivText) : null;
      const data = dataText ? fromBase64(dataText) : null;
      if (version !== VERSION || !iv || iv.length !== 12 || !data || extra !== undefined) {
        throw new SealedSecretError(`the sealed value of ${where} is malformed`);
      }
      try {
        return fromUtf8(new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: utf8(where) }, key, data)));
      } catch {
        throw new SealedSecretError(
          `the sealed value of ${where} does not open: it was sealed for another record or field, under another MASTER_KEY, or altered`,
        );
      }
    },
  };
}
