/**
 * TikTok Shop access tokens (about 7 days) renewed with the seller's refresh token:
 * `GET https://auth.tiktok-shops.com/api/v2/token/refresh` with `app_key`, `app_secret`,
 * `refresh_token` and `grant_type=refresh_token` in the query, answered
 * `{code, message, data: {access_token, access_token_expire_in, refresh_token, refresh_token_expire_in, …}}`
 * (platforms/tiktok-shop.md §5; EcomPHP/tiktokshop-php `src/Auth.php`; the field names as in
 * go-tiktok's `AccessTokenResponse`). The Partner Center page gives the `*_expire_in` fields
 * as Unix timestamps of the expiry; client code that reads them as durations also exists,
 * so both are accepted (UNCONFIRMED).
 * @see https://partner.tiktokshop.com/docv2/page/678e3a3292b0f40314a92d75
 */
import { z } from "zod";
import { callPlatformApi, isApiResponse, withApiBase } from "../http.ts";
import type { RefreshResult, SendIo } from "../types.ts";

/** As a credential sent to the API may be (api/channels.ts): an answer with a longer token is no token. */
const MAX_TOKEN_LENGTH = 4096;

export const TIKTOK_AUTH_ORIGIN = "https://auth.tiktok-shops.com";

/**
 * Open API codes for a refused access token: 105001 (invalid) and 105002 (expired), from
 * client libraries' error tables (UNCONFIRMED against a Partner Center page); HTTP 401 too.
 */
export const UNAUTHORIZED_CODES = new Set([105001, 105002]);

const epochOrDuration = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
]);

const RefreshAnswerSchema = z.looseObject({
  code: z.number(),
  message: z.string().optional(),
  data: z
    .looseObject({
      access_token: z.string().min(1).max(MAX_TOKEN_LENGTH),
      refresh_token: z.string().min(1).max(MAX_TOKEN_LENGTH),
      access_token_expire_in: epochOrDuration.optional(),
      refresh_token_expire_in: epochOrDuration.optional(),
    })
    .nullish(),
});

/** Seconds since the epoch when large (an expiry), else seconds from now (a lifetime); epoch ms. */
export function expiryOf(value: number | undefined, now: number): number | null {
  if (value === undefined || value === 0) return null;
  return value > 1_000_000_000 ? value * 1000 : now + value * 1000;
}

export interface TikTokRefreshKeys {
  appKey: string;
  appSecret: string;
  refreshToken: string;
}

export async function refreshTikTokToken(keys: TikTokRefreshKeys, io: SendIo): Promise<RefreshResult> {
  const query = new URLSearchParams({
    app_key: keys.appKey,
    app_secret: keys.appSecret,
    refresh_token: keys.refreshToken,
    grant_type: "refresh_token",
  });
  const response = await callPlatformApi(io, withApiBase(`${TIKTOK_AUTH_ORIGIN}/api/v2/token/refresh?${query}`, io.authBase), {
    method: "GET",
  });
  // Not the fetch error's text: the URL it might quote carries app_secret.
  if (!isApiResponse(response)) return { ok: false, kind: "retry", error: "TikTok Shop auth unreachable" };
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    return { ok: false, kind: "retry", error: `TikTok Shop auth: HTTP ${response.status}` };
  }
  const answer = RefreshAnswerSchema.safeParse(response.json);
  if (!answer.success) return { ok: false, kind: "refused", reason: `TikTok Shop auth answered HTTP ${response.status} without a token` };
  const { code, message, data } = answer.data;
  if (code === 0 && data && response.status >= 200 && response.status < 300) {
    return {
      ok: true,
      accessToken: data.access_token,
      refreshToken: data.refresh_token,
      expiresAt: expiryOf(data.access_token_expire_in, io.now),
      refreshExpiresAt: expiryOf(data.refresh_token_expire_in, io.now),
    };
  }
  return { ok: false, kind: "refused", reason: `TikTok Shop refused the refresh token (code ${code}${message ? `: ${message}` : ""})` };
}
