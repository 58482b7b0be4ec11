/** Builds the Messenger and the Instagram adapter from the code they share; only the product differs. */
import type { Platform } from "../../events/schema.ts";
import type { ChannelAdapter } from "../types.ts";
import { type MetaCredentials, MetaCredentialsSchema } from "./credentials.ts";
import { normalizeMetaWebhook } from "./normalize.ts";
import type { MetaProduct } from "./product.ts";
import { sendMetaText } from "./send.ts";
import { answerMetaHandshake, verifyMetaSignature } from "./verify.ts";
import { metaReplyWindow } from "./window.ts";

export function metaAdapter(platform: Extract<Platform, "messenger" | "instagram">, product: MetaProduct): ChannelAdapter<MetaCredentials> {
  return {
    platform,
    credentials: MetaCredentialsSchema,
    publicCredentialFields: ["pageId", "messageTag"],
    verify: verifyMetaSignature,
    handshake: answerMetaHandshake,
    normalize: (body) => normalizeMetaWebhook(body, product),
    replyWindow: (facts) => metaReplyWindow(facts, platform),
    send: (message, credentials, io) => sendMetaText(message, credentials, io, product, metaReplyWindow(message.context, platform)),
  };
}
