/** What an X channel is set up with (sealed at rest); its own module so send.ts and index.ts share it. */
import { z } from "zod";

export const XCredentialsSchema = z.strictObject({
  /** The app's API key: identifies the app, shown by the API. */
  consumerKey: z.string().min(1),
  /** The app's API key secret: signs deliveries and CRC answers, and half of the OAuth 1.0a key. */
  consumerSecret: z.string().min(1),
  /** The business account's access token and secret (OAuth 1.0a user context), for replies. */
  accessToken: z.string().min(1),
  accessTokenSecret: z.string().min(1),
});
export type XCredentials = z.infer<typeof XCredentialsSchema>;
