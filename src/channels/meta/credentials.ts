/** The credentials of a Messenger or Instagram channel (CONTRACT.md "Channels"): the same fields for both. */
import { z } from "zod";

export const MetaCredentialsSchema = z.strictObject({
  /** Keys X-Hub-Signature-256: the App Secret of the Meta app that owns the webhook subscription. */
  appSecret: z.string().min(1),
  /** The value typed into the app dashboard with the callback URL; the GET handshake echoes it. */
  verifyToken: z.string().min(1),
  /** Sends replies: a Page access token, or (Instagram API with Instagram Login) an Instagram User token. */
  pageAccessToken: z.string().min(1),
  /**
   * Where replies are posted: the Page id (Messenger; Instagram with Facebook Login: the linked
   * Page) or the Instagram professional account id (Instagram Login). Without it, `/me/messages`.
   */
  pageId: z.string().regex(/^\d+$/, "a numeric Page or Instagram account id").optional(),
  /**
   * The message tag the app is approved for. `HUMAN_AGENT` (Meta's Human Agent permission):
   * an agent's reply, never the bot's, may go out up to 7 days after the customer's last
   * message, tagged so. The only tag supported.
   */
  messageTag: z.enum(["HUMAN_AGENT"]).optional(),
});
export type MetaCredentials = z.infer<typeof MetaCredentialsSchema>;
