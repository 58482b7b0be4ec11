/** Replay window for platforms that sign a timestamp (TikTok Shop, Zalo): CONTRACT.md. */

export const MAX_SIGNED_AGE_MS = 72 * 3600 * 1000;
export const MAX_SIGNED_SKEW_MS = 5 * 60 * 1000;

export type Freshness = "fresh" | "stale" | "future";

export function checkFreshness(signedAtMs: number, nowMs: number): Freshness {
  if (signedAtMs < nowMs - MAX_SIGNED_AGE_MS) return "stale";
  if (signedAtMs > nowMs + MAX_SIGNED_SKEW_MS) return "future";
  return "fresh";
}
