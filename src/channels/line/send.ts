/**
 * Text replies through the Messaging API: the free reply API while the event's reply token is
 * fresh, else (or when LINE says the token is spent) a push to the user, group or room.
 * @see https://developers.line.biz/en/reference/messaging-api/#send-reply-message
 * @see https://developers.line.biz/en/reference/messaging-api/#send-push-message
 */
import { z } from "zod";
import { type ApiResponse, callPlatformApi, failureFromStatus, isApiResponse, withApiBase } from "../http.ts";
import type { OutboundText, SendIo, SendResult } from "../types.ts";
import { pushRetryKey } from "./retry-key.ts";

const REPLY_URL = "https://api.line.me/v2/bot/message/reply";
const PUSH_URL = "https://api.line.me/v2/bot/message/push";

/** A text message object's limit (API reference, "Text message": max 5000 characters). */
export const MAX_TEXT_LENGTH = 5000;

export interface LineSendCredentials {
  channelAccessToken: string;
}

/** `{sentMessages: [{id, quoteToken?}]}`, also on a 409 for an already accepted retry key. */
const SentMessagesSchema = z.looseObject({
  sentMessages: z.array(z.looseObject({ id: z.union([z.string().min(1), z.int()]).transform(String) })).min(1),
});

/** `{message, details?: [{message?, property?}]}` */
const ErrorBodySchema = z.looseObject({
  message: z.string(),
  details: z.array(z.looseObject({ message: z.string().optional(), property: z.string().optional() })).optional(),
});

export async function sendLine(outbound: OutboundText, credentials: LineSendCredentials, io: SendIo): Promise<SendResult> {
  const { text, context } = outbound;
  // LINE answers 400 to both; refusing here spares a call that cannot succeed.
  if (text.length === 0) return { ok: false, kind: "refused", reason: "LINE does not send empty text messages" };
  // Counted in code points, which never exceed LINE's count whichever unit it uses (UNCONFIRMED).
  if (codePointLength(text) > MAX_TEXT_LENGTH) {
    return { ok: false, kind: "refused", reason: `LINE text messages hold at most ${MAX_TEXT_LENGTH} characters` };
  }
  const messages = [{ type: "text", text }];

  const token = context.replyToken;
  if (token && io.now < token.expiresAt) {
    const replied = await post(io, REPLY_URL, credentials, { replyToken: token.token, messages });
    // A token that expired early, or was spent by an earlier attempt, still leaves push.
    if (!isSpentReplyToken(replied)) return toSendResult(replied, { retryKeyed: false });
  }
  const retryKey = await pushRetryKey(outbound);
  const pushed = await post(io, PUSH_URL, credentials, { to: context.platformThreadId, messages }, { "x-line-retry-key": retryKey });
  return toSendResult(pushed, { retryKeyed: true });
}

type LineResponse = Awaited<ReturnType<typeof callPlatformApi>>;

function post(
  io: SendIo,
  url: string,
  credentials: LineSendCredentials,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<LineResponse> {
  return callPlatformApi(io, withApiBase(url, io.apiBase), {
    method: "POST",
    headers: { authorization: `Bearer ${credentials.channelAccessToken}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

function toSendResult(response: LineResponse, { retryKeyed }: { retryKeyed: boolean }): SendResult {
  if (!isApiResponse(response)) return response;
  // 409 to a request with a retry key: an earlier attempt was accepted, so the message went out once.
  // @see https://developers.line.biz/en/docs/messaging-api/retrying-api-request/
  if ((response.status >= 200 && response.status < 300) || (retryKeyed && response.status === 409)) {
    const sent = SentMessagesSchema.safeParse(response.json);
    return { ok: true, platformMessageId: sent.success ? (sent.data.sentMessages[0]?.id ?? null) : null };
  }
  return failureFromStatus(response, describeError(response));
}

/** LINE's own words: `message`, then each `details` entry as `property: message`. */
function describeError(response: ApiResponse): string {
  const parsed = ErrorBodySchema.safeParse(response.json);
  if (!parsed.success) return `LINE API ${response.status}${response.text ? `: ${response.text.slice(0, 200)}` : ""}`;
  const details = (parsed.data.details ?? []).map((d) => [d.property, d.message].filter(Boolean).join(": ")).filter(Boolean);
  return `LINE API ${response.status}: ${parsed.data.message}${details.length > 0 ? ` (${details.join("; ")})` : ""}`;
}

/** The reply API's 400 `{"message": "Invalid reply token"}`: the token expired or was used. */
function isSpentReplyToken(response: LineResponse): boolean {
  if (!isApiResponse(response) || response.status !== 400) return false;
  const parsed = ErrorBodySchema.safeParse(response.json);
  return parsed.success && /invalid reply token/i.test(parsed.data.message);
}

function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
