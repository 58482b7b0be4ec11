/** TikTok Shop (Partner Center): customer-service messages and order notifications. */
import type { ChannelAdapter } from "../types.ts";
import { type TikTokCredentials, TikTokCredentialsSchema } from "./credentials.ts";
import { normalizeTikTok } from "./normalize.ts";
import { sendTikTok } from "./send.ts";
import { refreshTikTokToken } from "./token.ts";
import { verifyTikTok } from "./verify.ts";

export const tiktok: ChannelAdapter<TikTokCredentials> = {
  platform: "tiktok",
  credentials: TikTokCredentialsSchema,
  publicCredentialFields: ["appKey"],
  verify: (delivery, credentials) => verifyTikTok(delivery, credentials),
  normalize: normalizeTikTok,
  send: sendTikTok,
  canRefresh: (credentials) => Boolean(credentials.refreshToken),
  async refreshToken(credentials, io) {
    const { appKey, appSecret, refreshToken } = credentials;
    if (!refreshToken) return { ok: false, kind: "refused", reason: "the channel needs refreshToken to renew its token" };
    return refreshTikTokToken({ appKey, appSecret, refreshToken }, io);
  },
};
