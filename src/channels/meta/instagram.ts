/** Instagram Direct: an Instagram professional account's conversations, through the Messenger Platform. */
import { metaAdapter } from "./adapter.ts";

/**
 * "Instagram API with Instagram Login" tokens (Instagram User tokens, `IGAA…`) are only valid
 * on graph.instagram.com; Page tokens (`EAA…`, "Instagram API with Facebook Login") on
 * graph.facebook.com. The prefix is how integrators tell them apart (not documented by Meta).
 */
function instagramGraphOrigin(pageAccessToken: string): string {
  return pageAccessToken.startsWith("IG") ? "https://graph.instagram.com" : "https://graph.facebook.com";
}

export const instagram = metaAdapter("instagram", { object: "instagram", name: "Instagram", graphOrigin: instagramGraphOrigin });
