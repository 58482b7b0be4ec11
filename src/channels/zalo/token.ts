/**
 * Zalo OA access tokens: refreshed with the OA's refresh token and the app's App Secret
 * (not the OA Secret Key, which only signs webhooks). Refresh tokens are single-use: the
 * answer's new refresh token replaces the old one, which no longer works.
 * Request and answer as in platforms/zalo.md §5 and Chatwoot's `channel/zalo_oa.rb`
 * (form body `refresh_token`, `app_id`, `grant_type=refresh_token`; header `secret_key`;
 * answer `{access_token, refresh_token, expires_in}` with `expires_in` in seconds, sent as a
 * string). Lifetimes (≈25 h access, ≈3 months refresh) and the error shape
 * (`{error: <negative>, error_name, error_description}`) are community knowledge: UNCONFIRMED.
 * @see https://developers.zalo.me/docs/official-account/bat-dau/xac-thuc-va-uy-quyen-cho-ung-dung-new
 */
import { z } from "zod";
import { callPlatformApi, isApiResponse, withApiBase } from "../http.ts";
import type { RefreshResult, SendIo } from "../types.ts";

/** As a credential sent to the API may be (api/channels.ts): an answer with a longer token is no token. */
const MAX_TOKEN_LENGTH = 4096;

export const ZALO_TOKEN_URL = "https://oauth.zaloapp.com/v4/oa/access_token";

/** `-216`: access token invalid or expired (platforms/zalo.md §5); `-220`: expired, as community code reads it (UNCONFIRMED). */
export const UNAUTHORIZED_ERRORS = new Set([-216, -220]);

const seconds = z.union([
  z.number().int().positive(),
  z
    .string()
    .regex(/^\d{1,10}$/)
    .transform(Number),
]);

const TokenAnswerSchema = z.looseObject({
  access_token: z.string().min(1).max(MAX_TOKEN_LENGTH),
  refresh_token: z.string().min(1).max(MAX_TOKEN_LENGTH),
  expires_in: seconds.optional(),
});

const ErrorAnswerSchema = z.looseObject({
  error: z.union([z.number(), z.string()]).optional(),
  error_name: z.string().optional(),
  error_description: z.string().optional(),
  message: z.string().optional(),
});

export interface ZaloRefreshKeys {
  appId: string;
  appSecret: string;
  refreshToken: string;
}

export async function refreshZaloToken(keys: ZaloRefreshKeys, io: SendIo): Promise<RefreshResult> {
  const response = await callPlatformApi(io, withApiBase(ZALO_TOKEN_URL, io.authBase), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", secret_key: keys.appSecret },
    body: new URLSearchParams({ refresh_token: keys.refreshToken, app_id: keys.appId, grant_type: "refresh_token" }).toString(),
  });
  if (!isApiResponse(response)) return { ok: false, kind: "retry", error: response.error };
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    return { ok: false, kind: "retry", error: `Zalo OAuth: HTTP ${response.status}` };
  }
  const answer = TokenAnswerSchema.safeParse(response.json);
  if (response.status >= 200 && response.status < 300 && answer.success) {
    const { access_token, refresh_token, expires_in } = answer.data;
    return {
      ok: true,
      accessToken: access_token,
      refreshToken: refresh_token,
      expiresAt: expires_in === undefined ? null : io.now + expires_in * 1000,
      refreshExpiresAt: null,
    };
  }
  const error = ErrorAnswerSchema.safeParse(response.json);
  const said = error.success ? [error.data.error, error.data.error_name, error.data.error_description ?? error.data.message] : [];
  const detail = said.filter((part) => part !== undefined && part !== "").join(" ");
  return { ok: false, kind: "refused", reason: `Zalo refused the refresh token (HTTP ${response.status}${detail ? `: ${detail}` : ""})` };
}
