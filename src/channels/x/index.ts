/** X (formerly Twitter): direct messages through the Account Activity API, replies through v2 DMs. */
import { z } from "zod";
import type { ChannelAdapter } from "../types.ts";
import { normalizeX } from "./normalize.ts";
import { sendX } from "./send.ts";
import { answerCrc, verifyXSignature } from "./verify.ts";

const XCredentialsSchema = z.strictObject({
  /** The app's API key: identifies the app, shown by the API. */
  consumerKey: z.string().min(1),
  /** The app's API key secret: signs deliveries and CRC answers, and half of the OAuth 1.0a key. */
  consumerSecret: z.string().min(1),
  /** The business account's access token and secret (OAuth 1.0a user context), for replies. */
  accessToken: z.string().min(1),
  accessTokenSecret: z.string().min(1),
});
export type XCredentials = z.infer<typeof XCredentialsSchema>;

export const x: ChannelAdapter<XCredentials> = {
  platform: "x",
  credentials: XCredentialsSchema,
  publicCredentialFields: ["consumerKey"],
  verify: (delivery, credentials) => verifyXSignature(delivery, credentials.consumerSecret),
  handshake: (delivery, credentials) => answerCrc(delivery, credentials.consumerSecret),
  normalize: normalizeX,
  send: (message, credentials, io) => sendX(message, credentials, io),
};
