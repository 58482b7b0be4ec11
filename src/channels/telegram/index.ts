/** Telegram Bot API: one bot per channel, messages in private chats and groups, text replies, button taps answered. */
import { z } from "zod";
import type { ChannelAdapter } from "../types.ts";
import { normalizeTelegram } from "./normalize.ts";
import { answerCallbackQuery, sendTelegram } from "./send.ts";
import { verifyTelegram } from "./verify.ts";

const TelegramCredentialsSchema = z.strictObject({
  /**
   * From @BotFather, `<bot id>:<secret>`. It travels in the API path, so only path-safe
   * characters are allowed; it is never returned, logged or put in a stored url.
   */
  botToken: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, "expected <bot id>:<token> as @BotFather gives it"),
  /** The `secret_token` passed to setWebhook: 1–256 of A-Z a-z 0-9 _ - (Telegram's own rule). */
  secretToken: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "expected 1-256 characters of A-Z a-z 0-9 _ -"),
});
export type TelegramCredentials = z.infer<typeof TelegramCredentialsSchema>;

export const telegram: ChannelAdapter<TelegramCredentials> = {
  platform: "telegram",
  credentials: TelegramCredentialsSchema,
  publicCredentialFields: [],
  verify: (delivery, credentials) => verifyTelegram(delivery, credentials.secretToken),
  normalize: normalizeTelegram,
  send: (message, credentials, io) => sendTelegram(message, credentials.botToken, io),
  acknowledge: (callbackQueryId, credentials, io) => answerCallbackQuery(callbackQueryId, credentials.botToken, io),
};
