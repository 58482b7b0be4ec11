/**
 * Intake for both Meta products: which credential keys the signature and which answers the
 * GET handshake. The checks themselves are Meta's shared ones in hub.ts.
 * @see https://developers.facebook.com/docs/graph-api/webhooks/getting-started
 * @see https://developers.facebook.com/docs/messenger-platform/webhooks#validate-payloads
 */
import type { RawDelivery, Verdict } from "../types.ts";
import type { MetaCredentials } from "./credentials.ts";
import { answerHubChallenge, verifyHubSignature } from "./hub.ts";

/**
 * `X-Hub-Signature-256` keyed with `appSecret`. Apps on "Instagram API with Instagram Login"
 * may sign with the Instagram app secret instead (UNCONFIRMED): the channel's `appSecret` is
 * whichever secret the owning app signs with, so either works without a code change.
 */
export function verifyMetaSignature(delivery: RawDelivery, credentials: MetaCredentials): Promise<Verdict> {
  return verifyHubSignature(delivery, credentials.appSecret);
}

/** `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` → the bare challenge. */
export function answerMetaHandshake(delivery: RawDelivery, credentials: MetaCredentials): Promise<Verdict> {
  return answerHubChallenge(delivery, credentials.verifyToken);
}
