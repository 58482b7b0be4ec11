/**
 * Telegram webhook authenticity: Telegram signs nothing; it echoes the `secret_token` given to
 * `setWebhook` in `X-Telegram-Bot-Api-Secret-Token` on every request, compared here in constant
 * time. The body is not covered, so a changed body with the right header passes.
 * @see https://core.telegram.org/bots/api#setwebhook
 */
import { timingSafeEqualText } from "../../lib/hmac.ts";
import type { RawDelivery, Verdict } from "../types.ts";

export const SECRET_TOKEN_HEADER = "x-telegram-bot-api-secret-token";

export async function verifyTelegram(delivery: RawDelivery, secretToken: string | undefined): Promise<Verdict> {
  if (!secretToken) return { kind: "reject", status: 401, reason: "channel has no secret token" };
  const header = delivery.headers.get(SECRET_TOKEN_HEADER);
  if (!header) return { kind: "reject", status: 401, reason: "missing X-Telegram-Bot-Api-Secret-Token" };
  if (!(await timingSafeEqualText(header, secretToken))) {
    return { kind: "reject", status: 401, reason: "X-Telegram-Bot-Api-Secret-Token does not match" };
  }
  return { kind: "accept" };
}
