/**
 * Text replies as Zalo OA "consultation" (customer-service) messages: `POST /v3.0/oa/message/cs`
 * with the OA access token in a header literally named `access_token`. Zalo answers HTTP 200
 * even on failure, so the JSON `error` field decides (0 = sent).
 * @see https://developers.zalo.me/docs/official-account/tin-nhan/tin-tu-van/gui-tin-tu-van
 */
import { z } from "zod";
import { callPlatformApi, failureFromStatus, isApiResponse, withApiBase } from "../http.ts";
import { isWindowOpen, type OutboundText, type SendIo, type SendResult } from "../types.ts";
import { UNAUTHORIZED_ERRORS } from "./token.ts";
import { zaloReplyWindow } from "./window.ts";

const CONSULTATION_URL = "https://openapi.zalo.me/v3.0/oa/message/cs";
/**
 * Users who do not follow the OA are refused by `user_id`; they are answered here, naming the
 * anonymous id and the webhook's conversation id. From the official Java SDK's
 * `SendTextAnonymousMessage` example only (platforms/zalo.md §5): UNCONFIRMED.
 */
const ANONYMOUS_URL = "https://openapi.zalo.me/v2.0/oa/message";

/** `-32`: "Your application (or OA) reached limit call api", a per-minute rate limit. */
const RATE_LIMIT_ERRORS = new Set([-32]);

const ZaloAnswerSchema = z.looseObject({
  error: z.union([
    z.number().int(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ]),
  message: z.string().optional(),
  data: z.looseObject({ message_id: z.union([z.string().min(1), z.number().transform(String)]).optional() }).nullish(),
});

export async function sendZaloText(message: OutboundText, accessToken: string, io: SendIo): Promise<SendResult> {
  // The window is zaloReplyWindow's (window.ts): the API shows the same one.
  if (!isWindowOpen(zaloReplyWindow(message.context), io.now)) {
    return {
      ok: false,
      kind: "refused",
      reason: "Zalo consultation replies are only sent within 48 hours of the user's last message",
    };
  }
  const { platformThreadId, platformUserId } = message.context;
  // A follower's thread is the user id; an anonymous user's is Zalo's conversation id (normalize.ts).
  const anonymous = platformThreadId !== platformUserId;
  const recipient = anonymous ? { anonymous_id: platformUserId, conversation_id: platformThreadId } : { user_id: platformThreadId };
  const response = await callPlatformApi(io, withApiBase(anonymous ? ANONYMOUS_URL : CONSULTATION_URL, io.apiBase), {
    method: "POST",
    headers: { "content-type": "application/json", access_token: accessToken },
    body: JSON.stringify({ recipient, message: { text: message.text } }),
  });
  if (!isApiResponse(response)) return response;

  const answer = ZaloAnswerSchema.safeParse(response.json);
  if (response.status < 200 || response.status >= 300) {
    const error = answer.success && answer.data.message ? answer.data.message : `HTTP ${response.status}`;
    return failureFromStatus(response, `Zalo: ${error}`);
  }
  if (!answer.success) return { ok: false, kind: "failed", error: "Zalo answered without an error code", status: response.status };

  const { error, message: platformMessage, data } = answer.data;
  if (error === 0) return { ok: true, platformMessageId: data?.message_id ?? null };
  const description = `Zalo error ${error}: ${platformMessage ?? "no message"}`;
  if (RATE_LIMIT_ERRORS.has(error)) {
    return response.retryAfterSeconds === undefined
      ? { ok: false, kind: "retry", error: description, status: response.status }
      : { ok: false, kind: "retry", error: description, status: response.status, retryAfterSeconds: response.retryAfterSeconds };
  }
  // A refused token is refreshed and the reply tried once more (actions/reply.ts).
  if (UNAUTHORIZED_ERRORS.has(error)) return { ok: false, kind: "failed", error: description, status: response.status, unauthorized: true };
  // Window (-213, -230, -232) and quota (-211) errors need a person: retrying the same request cannot help.
  return { ok: false, kind: "failed", error: description, status: response.status };
}
