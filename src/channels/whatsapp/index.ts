/** WhatsApp Business Platform (Cloud API): customer messages and receipts in, text replies out. */
import { z } from "zod";
import type { ChannelAdapter } from "../types.ts";
import { normalizeWhatsApp } from "./normalize.ts";
import { sendWhatsApp, sendWhatsAppTemplate } from "./send.ts";
import { answerWhatsAppHandshake, verifyWhatsApp } from "./verify.ts";
import { whatsappReplyWindow } from "./window.ts";

const WhatsAppCredentialsSchema = z.strictObject({
  /** Meta app → App settings → Basic; keys the X-Hub-Signature-256 HMAC. */
  appSecret: z.string().min(1),
  /** Any string of our choosing, typed in the dashboard next to the callback URL. */
  verifyToken: z.string().min(1),
  /** A System User token with whatsapp_business_messaging; used to reply. */
  accessToken: z.string().min(1),
  /** The business number's id (not the number itself): the reply path and our thread prefix. */
  phoneNumberId: z.string().regex(/^\d{1,32}$/, "the numeric phone number ID from WhatsApp → API Setup"),
});
export type WhatsAppCredentials = z.infer<typeof WhatsAppCredentialsSchema>;

export const whatsapp: ChannelAdapter<WhatsAppCredentials> = {
  platform: "whatsapp",
  credentials: WhatsAppCredentialsSchema,
  publicCredentialFields: ["phoneNumberId"],
  verify: (delivery, credentials) => verifyWhatsApp(delivery, credentials),
  handshake: (delivery, credentials) => answerWhatsAppHandshake(delivery, credentials),
  normalize: normalizeWhatsApp,
  replyWindow: whatsappReplyWindow,
  send: (message, credentials, io) => sendWhatsApp(message, credentials, io),
  sendTemplate: (message, credentials, io) => sendWhatsAppTemplate(message, credentials, io),
};
