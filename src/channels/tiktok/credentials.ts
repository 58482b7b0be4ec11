/** What a TikTok Shop channel is set up with (sealed at rest); its own module so send.ts and index.ts share it. */
import { z } from "zod";

export const TikTokCredentialsSchema = z.strictObject({
  appKey: z.string().min(1),
  appSecret: z.string().min(1),
  /** Needed to reply and to look orders up; intake works without them. */
  accessToken: z.string().min(1).optional(),
  shopCipher: z.string().min(1).optional(),
  /** The seller's refresh token: with it the gateway renews `accessToken` itself, and stores each new one. */
  refreshToken: z.string().min(1).optional(),
});
export type TikTokCredentials = z.infer<typeof TikTokCredentialsSchema>;
