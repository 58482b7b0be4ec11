/** X (formerly Twitter): direct messages through the Account Activity API, replies through v2 DMs. */
import type { ChannelAdapter } from "../types.ts";
import { type XCredentials, XCredentialsSchema } from "./credentials.ts";
import { normalizeX } from "./normalize.ts";
import { sendX } from "./send.ts";
import { answerCrc, verifyXSignature } from "./verify.ts";

export const x: ChannelAdapter<XCredentials> = {
  platform: "x",
  credentials: XCredentialsSchema,
  publicCredentialFields: ["consumerKey"],
  verify: (delivery, credentials) => verifyXSignature(delivery, credentials.consumerSecret),
  handshake: (delivery, credentials) => answerCrc(delivery, credentials.consumerSecret),
  normalize: normalizeX,
  send: (message, credentials, io) => sendX(message, credentials, io),
};
