/**
 * Reading a failed Graph API call: Meta's `{"error": {message, code, error_subcode}}` body.
 * Meta reports rate limits and temporary failures with 400/403 as often as with 429/5xx, so the
 * code decides, not only the HTTP status.
 * @see https://developers.facebook.com/docs/messenger-platform/error-codes
 * @see https://developers.facebook.com/docs/graph-api/overview/rate-limiting
 */
import { z } from "zod";
import { type ApiResponse, failureFromStatus } from "../http.ts";
import type { SendResult } from "../types.ts";

const GraphErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    /** Graph's own hint that the same call may succeed later. */
    is_transient: z.boolean().optional(),
  }),
});

/**
 * 2 "temporary, retry later", 4 app / 17 user / 32 Page / 613 call-rate limits, 1200
 * "temporary send message failure", 80002 (Instagram) and 80006 (Messenger) business-use-case
 * rate limits.
 */
const RETRY_LATER_CODES = new Set([2, 4, 17, 32, 613, 1200, 80002, 80006]);

export function failureFromGraph(response: ApiResponse, product: string): SendResult {
  const parsed = GraphErrorBodySchema.safeParse(response.json);
  if (!parsed.success)
    return failureFromStatus(response, `${product} API answered HTTP ${response.status}: ${response.text.slice(0, 200)}`);
  const { message, code, error_subcode: subcode, is_transient: isTransient } = parsed.data.error;
  const codes = [code === undefined ? null : `code ${code}`, subcode === undefined ? null : `subcode ${subcode}`].filter(Boolean);
  const error = `${message ?? `${product} API error`}${codes.length ? ` (${codes.join(", ")})` : ""}`;
  if (isTransient || (code !== undefined && RETRY_LATER_CODES.has(code))) {
    const { retryAfterSeconds } = response;
    return retryAfterSeconds === undefined
      ? { ok: false, kind: "retry", error, status: response.status }
      : { ok: false, kind: "retry", error, status: response.status, retryAfterSeconds };
  }
  return failureFromStatus(response, error);
}
