/**
 * What a subscriber's answer means, and when to try again. Pure: the random source for
 * jitter comes in as an argument.
 */

/** Delay before attempt n+1, after attempt n failed (Svix's schedule; 8 attempts, ~27.6 h). */
export const RETRY_DELAYS_SECONDS = [5, 300, 1800, 7200, 18000, 36000, 36000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** Cloudflare Queues refuse a longer delay. */
export const MAX_QUEUE_DELAY_SECONDS = 43200;
export const DELIVERY_TIMEOUT_MS = 15_000;

export type AttemptOutcome =
  | { kind: "delivered" }
  | { kind: "retry"; retryAfterSeconds?: number }
  /** 410: the subscriber asks never to be called again. */
  | { kind: "gone" };

export function classifyResponse(status: number, retryAfterHeader: string | null): AttemptOutcome {
  if (status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 410) return { kind: "gone" };
  if (status === 429 || status === 503) {
    const retryAfterSeconds = parseRetryAfter(retryAfterHeader);
    return retryAfterSeconds === undefined ? { kind: "retry" } : { kind: "retry", retryAfterSeconds };
  }
  // 3xx included: redirects are never followed.
  return { kind: "retry" };
}

/** Seconds from a `Retry-After` header (delta-seconds form only); undefined when absent or odd. */
export function parseRetryAfter(header: string | null): number | undefined {
  if (!header || !/^\d{1,9}$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/**
 * Delay after `attempt` (1-based) failed, or null when no attempt is left. ±10 % jitter
 * spreads a burst of failures; a subscriber's Retry-After wins when it asks for longer.
 */
export function nextDelaySeconds(attempt: number, random: () => number, retryAfterSeconds?: number): number | null {
  const base = RETRY_DELAYS_SECONDS[attempt - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (0.9 + 0.2 * random()));
  const wanted = Math.max(jittered, retryAfterSeconds ?? 0);
  return Math.min(Math.max(wanted, 1), MAX_QUEUE_DELAY_SECONDS);
}
