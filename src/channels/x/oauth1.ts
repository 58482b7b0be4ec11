/**
 * OAuth 1.0a request signing (HMAC-SHA1, RFC 5849) for X's user-context API calls. Pure:
 * the nonce and timestamp come in as arguments, so a signature is reproducible in tests.
 * @see https://developer.x.com/en/docs/authentication/oauth-1-0a/creating-a-signature
 * @see https://developer.x.com/en/docs/authentication/oauth-1-0a/authorizing-a-request
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4
 */
import { toBase64, utf8 } from "../../lib/encoding.ts";

export interface OAuth1Keys {
  consumerKey: string;
  consumerSecret: string;
  /** The user's access token and secret: "user context". */
  token: string;
  tokenSecret: string;
}

export interface OAuth1Request {
  method: string;
  /** The URL exactly as it will be fetched (after any API base override); its query is signed. */
  url: string;
  /** Parameters of an `application/x-www-form-urlencoded` body. A JSON body is never signed. */
  formParams?: Record<string, string>;
}

/** What makes each signature unique; the caller draws them (random nonce, clock). */
export interface OAuth1Once {
  nonce: string;
  /** Unix seconds. */
  timestamp: number;
}

/** RFC 3986 percent-encoding: encodeURIComponent also leaves `!'()*` bare, which OAuth encodes. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `METHOD&encoded base URL&encoded sorted parameters`: what HMAC-SHA1 signs. */
export function signatureBaseString(request: OAuth1Request, oauthParams: Record<string, string>): string {
  const url = new URL(request.url);
  const pairs: [string, string][] = [...url.searchParams, ...Object.entries(request.formParams ?? {}), ...Object.entries(oauthParams)].map(
    ([key, value]) => [percentEncode(key), percentEncode(value)],
  );
  // Sorted by encoded key, then encoded value (RFC 5849 §3.4.1.3.2).
  pairs.sort(([aKey, aValue], [bKey, bValue]) => compareText(aKey, bKey) || compareText(aValue, bValue));
  const parameterString = pairs.map(([key, value]) => `${key}=${value}`).join("&");
  // URL already lowercases the scheme and host and drops a default port (RFC 5849 §3.4.1.2).
  const baseUrl = `${url.protocol}//${url.host}${url.pathname}`;
  return [request.method.toUpperCase(), percentEncode(baseUrl), percentEncode(parameterString)].join("&");
}

/** Code-unit order; every encoded string is ASCII, so this is the byte order the spec means. */
function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** Base64 HMAC-SHA1 of the base string, keyed with `consumerSecret&tokenSecret` (both encoded). */
export async function oauth1Signature(request: OAuth1Request, keys: OAuth1Keys, oauthParams: Record<string, string>): Promise<string> {
  const signingKey = `${percentEncode(keys.consumerSecret)}&${percentEncode(keys.tokenSecret)}`;
  const cryptoKey = await crypto.subtle.importKey("raw", utf8(signingKey), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", cryptoKey, utf8(signatureBaseString(request, oauthParams)));
  return toBase64(new Uint8Array(mac));
}

/** The `Authorization: OAuth …` header value for one request. */
export async function oauth1Authorization(request: OAuth1Request, keys: OAuth1Keys, once: OAuth1Once): Promise<string> {
  const oauthParams: Record<string, string> = {
    oauth_consumer_key: keys.consumerKey,
    oauth_nonce: once.nonce,
    oauth_signature_method: "HMAC-SHA1",
    oauth_timestamp: String(once.timestamp),
    oauth_token: keys.token,
    oauth_version: "1.0",
  };
  oauthParams.oauth_signature = await oauth1Signature(request, keys, oauthParams);
  const fields = Object.keys(oauthParams)
    .sort()
    .map((key) => `${key}="${percentEncode(oauthParams[key] ?? "")}"`);
  return `OAuth ${fields.join(", ")}`;
}
