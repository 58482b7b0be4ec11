/** Facebook Messenger: a Facebook Page's conversations, through the Messenger Platform. */
import { metaAdapter } from "./adapter.ts";

export const messenger = metaAdapter("messenger", {
  object: "page",
  name: "Messenger",
  graphOrigin: () => "https://graph.facebook.com",
  messagingType: "RESPONSE",
});
