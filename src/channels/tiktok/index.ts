/** TikTok Shop (Partner Center): customer-service messages and order notifications. */
import { z } from "zod";
import type { ChannelAdapter } from "../types.ts";
import { normalizeTikTok } from "./normalize.ts";
import { sendTikTok } from "./send.ts";
import { refreshTikTokToken } from "./token.ts";
import { verifyTikTok } from "./verify.ts";

const TikTokCredentialsSchema = z.strictObject({
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  /** Needed to reply and to look orders up; intake works without them. */
  accessToken: z.string().min(1).optional(),
  shopCipher: z.string().min(1).optional(),
  /** The seller's refresh token: with it the gateway renews `accessToken` itself, and stores each new one. */
  refreshToken: z.string().min(1).optional(),
});
export type TikTokCredentials = z.infer<typeof TikTokCredentialsSchema>;

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
