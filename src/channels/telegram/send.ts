/**
 * Text replies through the Bot API's `sendMessage`, and the answer to a button tap
 * (`answerCallbackQuery`). The bot token is the only auth and sits in the url path, so every
 * error text returned from here is scrubbed of it.
 * @see https://core.telegram.org/bots/api#sendmessage
 * @see https://core.telegram.org/bots/api#answercallbackquery
 * @see https://core.telegram.org/bots/api#making-requests
 */
import { z } from "zod";
import { callPlatformApi, failureFromStatus, isApiResponse, withApiBase } from "../http.ts";
import type { OutboundText, SendIo, SendResult } from "../types.ts";
import { telegramId } from "./payload.ts";

const TELEGRAM_API = "https://api.telegram.org";

/** sendMessage takes 1–4096 characters of text. */
export const MAX_TEXT_CHARACTERS = 4096;

/** `{ok:true, result: Message}`: the sent message, whose id is unique only within its chat. */
const SentMessageSchema = z.looseObject({
  ok: z.literal(true),
  result: z.looseObject({ message_id: z.number().int(), chat: z.looseObject({ id: telegramId }) }),
});

/** `{ok:false, error_code, description, parameters?: {retry_after?}}` */
const ApiErrorSchema = z.looseObject({
  description: z.string().min(1),
  parameters: z.looseObject({ retry_after: z.number().int().nonnegative().optional() }).optional(),
});

export async function sendTelegram(message: OutboundText, botToken: string, io: SendIo): Promise<SendResult> {
  // Telegram has no reply window; it refuses only text it cannot send, which we know up front.
  const refusal = refuseText(message.text);
  if (refusal) return { ok: false, kind: "refused", reason: refusal };

  const url = withApiBase(`${TELEGRAM_API}/bot${botToken}/sendMessage`, io.apiBase);
  const body = JSON.stringify({ chat_id: chatIdParam(message.context.platformThreadId), text: message.text });
  const response = await callPlatformApi(io, url, { method: "POST", headers: { "content-type": "application/json" }, body });
  if (!isApiResponse(response)) return { ...response, error: scrubToken(response.error, botToken) };

  if (response.status >= 200 && response.status < 300) {
    const sent = SentMessageSchema.safeParse(response.json);
    return { ok: true, platformMessageId: sent.success ? `${sent.data.result.chat.id}:${sent.data.result.message_id}` : null };
  }
  const failure = ApiErrorSchema.safeParse(response.json);
  const error = failure.success ? failure.data.description : `HTTP ${response.status}: ${response.text.slice(0, 200)}`;
  // A 429 names its wait in the body (`parameters.retry_after`, seconds), not only in a header.
  const retryAfter = (failure.success ? failure.data.parameters?.retry_after : undefined) ?? response.retryAfterSeconds;
  return failureFromStatus(response, scrubToken(error, botToken), retryAfter);
}

/** Stops the spinner on the tapped button; no text is shown (the reply, if any, comes as a message). */
export async function answerCallbackQuery(callbackQueryId: string, botToken: string, io: SendIo): Promise<SendResult> {
  const url = withApiBase(`${TELEGRAM_API}/bot${botToken}/answerCallbackQuery`, io.apiBase);
  const body = JSON.stringify({ callback_query_id: callbackQueryId });
  const response = await callPlatformApi(io, url, { method: "POST", headers: { "content-type": "application/json" }, body });
  if (!isApiResponse(response)) return { ...response, error: scrubToken(response.error, botToken) };
  if (response.status >= 200 && response.status < 300) return { ok: true, platformMessageId: null };
  const failure = ApiErrorSchema.safeParse(response.json);
  const error = failure.success ? failure.data.description : `HTTP ${response.status}: ${response.text.slice(0, 200)}`;
  return failureFromStatus(response, scrubToken(error, botToken), failure.success ? failure.data.parameters?.retry_after : undefined);
}

function refuseText(text: string): string | null {
  if (text.trim() === "") return "Telegram does not send empty text";
  // Code points never outnumber UTF-16 units, so this refuses only text too long by any count.
  if ([...text].length > MAX_TEXT_CHARACTERS) return `Telegram sends at most ${MAX_TEXT_CHARACTERS} characters of text`;
  return null;
}

/** Chat ids fit in 52 bits, so they go as the JSON integer the docs show; anything else as given. */
function chatIdParam(platformThreadId: string): number | string {
  const id = Number(platformThreadId);
  return /^-?\d+$/.test(platformThreadId) && Number.isSafeInteger(id) ? id : platformThreadId;
}

/** Removes the token's secret half (after `<bot id>:`), raw or inside any url, from `text`. */
function scrubToken(text: string, botToken: string): string {
  const secret = botToken.slice(botToken.indexOf(":") + 1);
  return secret ? text.replaceAll(secret, "<redacted>") : text;
}
