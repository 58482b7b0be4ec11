/**
 * Replies through TikTok Shop's Customer Service API: a TEXT message into the buyer's
 * conversation, signed like every Open API call. TikTok documents no reply window, so only
 * missing credentials refuse; errors come as HTTP 200 with a non-zero `code`.
 * @see https://partner.tiktokshop.com/docv2/page/send-message-202309
 */
import { callPlatformApi, failureFromStatus, isApiResponse, withApiBase } from "../http.ts";
import type { OutboundText, SendIo, SendResult } from "../types.ts";
import { signApiRequest } from "./api-sign.ts";
import type { TikTokCredentials } from "./credentials.ts";
import { UNAUTHORIZED_CODES } from "./token.ts";

export const TIKTOK_API_ORIGIN = "https://open-api.tiktokglobalshop.com";
/**
 * Throttling reported in an HTTP 200 answer (platforms/tiktok-shop.md §5, secondary source,
 * UNCONFIRMED): like a 429, worth retrying later rather than a refusal.
 */
export const THROTTLED_CODE = 36009002;
/** TikTok's limit for one text message. */
export const MAX_TEXT_LENGTH = 2000;

interface TikTokApiBody {
  code?: number;
  message?: string;
  data?: { message_id?: string | number };
}

export async function sendTikTok(message: OutboundText, credentials: TikTokCredentials, io: SendIo): Promise<SendResult> {
  if (!credentials.accessToken || !credentials.shopCipher) {
    return { ok: false, kind: "refused", reason: "the channel needs accessToken and shopCipher to reply on TikTok Shop" };
  }
  if (message.text.length > MAX_TEXT_LENGTH) {
    return { ok: false, kind: "refused", reason: `TikTok Shop messages are limited to ${MAX_TEXT_LENGTH} characters` };
  }
  const path = `/customer_service/202309/conversations/${encodeURIComponent(message.context.platformThreadId)}/messages`;
  const body = JSON.stringify({ type: "TEXT", content: JSON.stringify({ content: message.text }) });
  const query: Record<string, string> = {
    app_key: credentials.appKey,
    shop_cipher: credentials.shopCipher,
    timestamp: String(Math.floor(io.now / 1000)),
  };
  query.sign = await signApiRequest(credentials.appSecret, path, query, body);
  const url = withApiBase(`${TIKTOK_API_ORIGIN}${path}?${new URLSearchParams(query)}`, io.apiBase);

  const response = await callPlatformApi(io, url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-tts-access-token": credentials.accessToken },
    body,
  });
  if (!isApiResponse(response)) return response;
  const reply = (response.json ?? {}) as TikTokApiBody;
  const error = `TikTok Shop API: ${reply.message ?? response.text.slice(0, 200)} (HTTP ${response.status}, code ${reply.code ?? "none"})`;
  const unauthorized = response.status === 401 || (reply.code !== undefined && UNAUTHORIZED_CODES.has(reply.code));
  // A refused token is refreshed and the reply tried once more (actions/reply.ts).
  if (unauthorized) return { ok: false, kind: "failed", error, status: response.status, unauthorized: true };
  if (response.status < 200 || response.status >= 300) return failureFromStatus(response, error);
  if (reply.code === THROTTLED_CODE) {
    return response.retryAfterSeconds === undefined
      ? { ok: false, kind: "retry", error, status: response.status }
      : { ok: false, kind: "retry", error, status: response.status, retryAfterSeconds: response.retryAfterSeconds };
  }
  if (reply.code !== 0) return { ok: false, kind: "failed", error, status: response.status };
  const id = reply.data?.message_id;
  return { ok: true, platformMessageId: id === undefined ? null : String(id) };
}
