/** LINE Messaging API: customer chats with a LINE Official Account, and replies to them. */
import { z } from "zod";
import type { ChannelAdapter } from "../types.ts";
import { normalizeLine } from "./normalize.ts";
import { sendLine } from "./send.ts";
import { verifyLine } from "./verify.ts";

const LineCredentialsSchema = z.strictObject({
  /** Basic settings tab: signs webhooks. */
  channelSecret: z.string().min(1),
  /** Messaging API tab (long-lived) or the token API: authorizes replies and pushes. */
  channelAccessToken: z.string().min(1),
});
export type LineCredentials = z.infer<typeof LineCredentialsSchema>;

export const line: ChannelAdapter<LineCredentials> = {
  platform: "line",
  credentials: LineCredentialsSchema,
  // Both fields are secrets; LINE's channel id is not needed for anything here.
  publicCredentialFields: [],
  verify: (delivery, credentials) => verifyLine(delivery, credentials.channelSecret),
  normalize: normalizeLine,
  send: (message, credentials, io) => sendLine(message, credentials, io),
};
