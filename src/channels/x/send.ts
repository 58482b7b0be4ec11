/**
 * Text replies through X's v2 Direct Messages API, `POST /2/dm_conversations/with/:participant_id/messages`,
 * signed with OAuth 1.0a in the business account's user context (app-only tokens cannot send DMs).
 * @see https://docs.x.com/x-api/direct-messages/manage/integrate
 * @see https://docs.x.com/x-api/fundamentals/rate-limits
 */
import { z } from "zod";
import { toHex } from "../../lib/encoding.ts";
import { type ApiResponse, callPlatformApi, failureFromStatus, isApiResponse, withApiBase } from "../http.ts";
import type { OutboundText, SendIo, SendResult } from "../types.ts";
import type { XCredentials } from "./credentials.ts";
import { oauth1Authorization } from "./oauth1.ts";
import { idString } from "./payload.ts";

const API_ORIGIN = "https://api.x.com";
/** X's length limit for a direct message's text, in characters. */
const MAX_TEXT_CHARACTERS = 10_000;

const SentSchema = z.looseObject({ data: z.looseObject({ dm_event_id: idString }) });

/** v2 problem details (`title`, `detail`), sometimes with an `errors` list (v1.1 style has only that). */
const XErrorSchema = z.looseObject({
  title: z.string().optional(),
  detail: z.string().optional(),
  errors: z.array(z.looseObject({ message: z.string().optional(), detail: z.string().optional() })).optional(),
});

/**
 * X has no reply window on the v2 endpoint: any DM the platform accepts may go out. The
 * reply goes to the customer (`platformUserId`), the other participant of the thread.
 * `nonce` is drawn here unless a test fixes it.
 */
export async function sendX(message: OutboundText, credentials: XCredentials, io: SendIo, nonce = randomNonce()): Promise<SendResult> {
  const participant = message.context.platformUserId;
  if (!/^\d+$/.test(participant)) return refuse(`"${participant}" is not an X user id`);
  if (!message.text.trim()) return refuse("X refuses an empty direct message");
  if ([...message.text].length > MAX_TEXT_CHARACTERS) return refuse(`X direct messages hold at most ${MAX_TEXT_CHARACTERS} characters`);

  // Signed after the API base override: the signature covers the URL as sent.
  const url = withApiBase(`${API_ORIGIN}/2/dm_conversations/with/${participant}/messages`, io.apiBase);
  const authorization = await oauth1Authorization(
    { method: "POST", url },
    {
      consumerKey: credentials.consumerKey,
      consumerSecret: credentials.consumerSecret,
      token: credentials.accessToken,
      tokenSecret: credentials.accessTokenSecret,
    },
    { nonce, timestamp: Math.floor(io.now / 1000) },
  );
  const response = await callPlatformApi(io, url, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify({ text: message.text }),
  });
  if (!isApiResponse(response)) return response;
  if (response.status >= 200 && response.status < 300) {
    const sent = SentSchema.safeParse(response.json);
    return { ok: true, platformMessageId: sent.success ? sent.data.data.dm_event_id : null };
  }
  return failureFromStatus(response, readXError(response), response.retryAfterSeconds ?? secondsUntilReset(response.headers, io.now));
}

function refuse(reason: string): SendResult {
  return { ok: false, kind: "refused", reason };
}

/** 16 random bytes as hex: X only asks for a unique alphanumeric string per request. */
function randomNonce(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(16)));
}

/** X's 429s say when the limit resets in `x-rate-limit-reset` (Unix seconds) rather than Retry-After. */
function secondsUntilReset(headers: Headers, now: number): number | undefined {
  const reset = headers.get("x-rate-limit-reset")?.trim();
  if (!reset || !/^\d{1,12}$/.test(reset)) return undefined;
  return Math.max(1, Math.ceil(Number(reset) - now / 1000));
}

/** "Title: detail", then any listed errors; the raw body when X sent something else. */
function readXError(response: ApiResponse): string {
  const body = XErrorSchema.safeParse(response.json);
  if (body.success) {
    const { title, detail, errors = [] } = body.data;
    const summary = [title, detail === title ? undefined : detail].filter(Boolean).join(": ");
    const listed = errors.map((error) => error.message ?? error.detail).filter(Boolean);
    const message = [summary, ...listed].filter(Boolean).join("; ");
    if (message) return `X API ${response.status}: ${message}`;
  }
  return `X API ${response.status}: ${response.text.slice(0, 500) || "empty body"}`;
}
