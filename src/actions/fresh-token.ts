/**
 * A platform call that the platform refused as unauthorized (its access token expired or was
 * revoked) is mended once: the channel's own object renews the token (one refresh at a time
 * per channel, however many callers wait), and the call is made again with the new one. A
 * second refusal marks the channel `needs_attention`. Replies and order look-ups share this.
 */
import { forgetChannel } from "../channel-cache.ts";
import type { Credentials } from "../channels/types.ts";
import { errorMessage } from "../lib/errors.ts";
import { channelHealthStub, type TokenAnswer } from "../objects/channel-health.ts";

export type AfterRefusal<R> =
  /** Made again with a renewed token: its answer (refused again: the channel is marked `needs_attention`). */
  | { kind: "retried"; result: R }
  /** No newer token to try: the first answer stands. */
  | { kind: "unchanged" }
  /** The token could not be renewed: `failed` needs a person, `retry` may work later. */
  | { kind: "not_renewed"; answer: Extract<TokenAnswer, { ok: false }> };

/**
 * After `refusedToken` was refused: renews it through the channel's object and calls again
 * once. `isUnauthorized` tells a second refusal.
 */
export async function retryWithRenewedToken<R>(
  env: Env,
  channelId: string,
  refusedToken: string,
  call: (credentials: Credentials) => Promise<R>,
  isUnauthorized: (result: R) => boolean,
): Promise<AfterRefusal<R>> {
  const fresh = await askForCredentials(env, channelId, refusedToken);
  // This isolate's cached copy holds the refused token (or another isolate refreshed it).
  forgetChannel(channelId);
  if (!fresh.ok) return { kind: "not_renewed", answer: fresh };
  if (fresh.credentials.accessToken === refusedToken) return { kind: "unchanged" };
  const result = await call(fresh.credentials);
  if (isUnauthorized(result)) await channelHealthStub(env, channelId).refusedAgain(channelId, fresh.credentials.accessToken ?? "");
  return { kind: "retried", result };
}

/** The channel object's answer; its failure (D1 down mid-refresh) is a reason to try later, never a lost call. */
export async function askForCredentials(env: Env, channelId: string, rejectedToken?: string): Promise<TokenAnswer> {
  try {
    return await channelHealthStub(env, channelId).credentials(channelId, rejectedToken);
  } catch (error) {
    return { ok: false, kind: "retry", reason: errorMessage(error) };
  }
}
