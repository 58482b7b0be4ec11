/**
 * TikTok Shop Open API request signing (different from the webhook signature):
 * lowercase hex HMAC-SHA256, key the app secret, over
 * `app_secret + path + sorted(key + value for every query parameter but sign and
 * access_token) + body + app_secret`. The path is the one actually sent, so an
 * overridden API origin (TIKTOK_API_BASE) signs the same path.
 * @see https://partner.tiktokshop.com/docv2/page/sign-your-api-request
 * @see https://github.com/EcomPHP/tiktokshop-php/blob/master/src/Client.php
 */
import { toHex, utf8 } from "../../lib/encoding.ts";
import { hmacSha256 } from "../../lib/hmac.ts";

export async function signApiRequest(appSecret: string, path: string, query: Record<string, string>, body: string): Promise<string> {
  const parameters = Object.keys(query)
    .filter((key) => key !== "sign" && key !== "access_token")
    .sort()
    .map((key) => `${key}${query[key]}`)
    .join("");
  return toHex(await hmacSha256(appSecret, utf8(`${appSecret}${path}${parameters}${body}${appSecret}`)));
}
