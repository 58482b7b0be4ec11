/** Zalo Official Account: customer chats, receipts and follows in; consultation replies out. */
import { z } from "zod";
import type { ChannelAdapter } from "../types.ts";
import { normalizeZalo } from "./normalize.ts";
import { sendZaloText } from "./send.ts";
import { refreshZaloToken } from "./token.ts";
import { MAX_ZALO_BODY_BYTES, verifyZalo } from "./verify.ts";
import { zaloReplyWindow } from "./window.ts";

const ZaloCredentialsSchema = z.strictObject({
  /** The Zalo app's id: public, and echoed as `app_id` in every signed body. */
  appId: z.string().min(1),
  /** The OA Secret Key from the app's Webhook page (not the App Secret Key): signs webhooks. */
  oaSecretKey: z.string().min(1),
  /** The OA access token (`access_token` header) for consultation replies. */
  accessToken: z.string().min(1),
  /** The app's App Secret Key (not the OA Secret Key): with `refreshToken`, the gateway renews `accessToken` itself. */
  appSecret: z.string().min(1).optional(),
  /** The OA refresh token; single-use, so the gateway stores each new one it is given. */
  refreshToken: z.string().min(1).optional(),
});
export type ZaloCredentials = z.infer<typeof ZaloCredentialsSchema>;

/** No GET handshake: Zalo proves the domain once, in its console (see NOTES.md, Set-up). */
export const zalo: ChannelAdapter<ZaloCredentials> = {
  platform: "zalo",
  credentials: ZaloCredentialsSchema,
  publicCredentialFields: ["appId"],
  maxBodyBytes: MAX_ZALO_BODY_BYTES,
  verify: (delivery, credentials) => verifyZalo(delivery, credentials),
  normalize: normalizeZalo,
  replyWindow: zaloReplyWindow,
  send: (message, credentials, io) => sendZaloText(message, credentials.accessToken, io),
  canRefresh: (credentials) => Boolean(credentials.appSecret && credentials.refreshToken),
  async refreshToken(credentials, io) {
    const { appId, appSecret, refreshToken } = credentials;
    if (!appSecret || !refreshToken)
      return { ok: false, kind: "refused", reason: "the channel needs appSecret and refreshToken to renew its token" };
    return refreshZaloToken({ appId, appSecret, refreshToken }, io);
  },
};
