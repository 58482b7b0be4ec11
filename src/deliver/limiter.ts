/**
 * Per-endpoint rate limit and concurrency: the interface the deliveries consumer uses, the
 * rule every implementation enforces, and how long a message that was turned away waits
 * in the queue, and the window one endpoint's limiter keeps. Pure; the coordination point
 * lives behind DeliveryLimiter (objects/endpoint-limiter.ts).
 */
import type { AttemptRow } from "./attempt-row.ts";
import { DELIVERY_TIMEOUT_MS } from "./policy.ts";

export interface EndpointLimits {
  /** Requests started in any one-second window, at most. */
  rateLimitPerSecond: number;
  /** Requests in flight at once, at most. */
  maxConcurrency: number;
}

export const DEFAULT_LIMITS: EndpointLimits = { rateLimitPerSecond: 50, maxConcurrency: 20 };
export const LIMIT_BOUNDS = { rateLimitPerSecond: { min: 1, max: 1000 }, maxConcurrency: { min: 1, max: 100 } } as const;

export const RATE_WINDOW_MS = 1000;
/** An unreleased slot stops counting as in flight after this: the timeout plus room to record. */
export const LEASE_MS = DELIVERY_TIMEOUT_MS + 15_000;
/** A turned-away message comes back within this, so the stall sweep never mistakes it for lost. */
export const MAX_DEFERRAL_SECONDS = 60;

export type Denial = { admitted: false; reason: "rate" | "concurrency"; retryInMs: number };

/** Slots taken (one lease id each), and why no more could be, for how long. */
export interface Grant {
  leaseIds: string[];
  denial: Denial | null;
}

export interface DeliveryLimiter {
  /** Takes up to `count` slots for requests starting at `now`; fewer, with the denial, when the limits say so. */
  acquire(endpointId: string, limits: EndpointLimits, now: number, count: number): Promise<Grant>;
  /** Frees in-flight slots (their starts still count for the rate window). Never throws. */
  release(endpointId: string, leaseIds: string[]): Promise<void>;
  /**
   * Frees a round's slots and records its attempts in the endpoint's history, dropping what
   * is older than `keepSince`. Throws if they could not be recorded (the leases lapse anyway).
   */
  finish(endpointId: string, leaseIds: string[], attempts: AttemptRow[], keepSince: number): Promise<void>;
}

/** What a limiter knows about one endpoint. */
export interface LimiterSnapshot {
  /** Start times of requests in the last RATE_WINDOW_MS (or later, from a clock ahead of ours). */
  recentStarts: number[];
  /** Lease expiry of every request still in flight. */
  inFlightUntil: number[];
}

/**
 * The rule: a request may start at `now` while fewer than R started in (now − 1 s, now]
 * and fewer than C are in flight. Enforced at every start, it keeps any one-second window
 * at R requests or fewer: the last of R + 1 starts inside one window would have counted
 * the other R.
 */
export function admit(snapshot: LimiterSnapshot, limits: EndpointLimits, now: number): { admitted: true } | Denial {
  const inWindow = snapshot.recentStarts.filter((t) => t > now - RATE_WINDOW_MS).sort((a, b) => a - b);
  if (inWindow.length >= limits.rateLimitPerSecond) {
    // Enough starts must leave the window for one more to fit.
    const leaving = inWindow[inWindow.length - limits.rateLimitPerSecond] ?? now;
    return { admitted: false, reason: "rate", retryInMs: Math.max(leaving + RATE_WINDOW_MS - now, 1) };
  }
  const inFlight = snapshot.inFlightUntil.filter((t) => t > now);
  if (inFlight.length >= limits.maxConcurrency) {
    // Requests usually finish long before their lease ends; look again in a second.
    return { admitted: false, reason: "concurrency", retryInMs: RATE_WINDOW_MS };
  }
  return { admitted: true };
}

/**
 * Queue delay for a turned-away message. `ordinal` is its place among the batch's messages
 * for the same endpoint: the k-th waits about k / capacity seconds, so a burst comes back
 * spread over the seconds it needs instead of all at once (and turned away again). A grant
 * short of its count always names its denial; without one, it is read as the rate's second.
 */
export function deferralSeconds(denial: Denial | null, ordinal: number, limits: EndpointLimits): number {
  const { reason, retryInMs } = denial ?? { reason: "rate", retryInMs: RATE_WINDOW_MS };
  const capacity = reason === "rate" ? limits.rateLimitPerSecond : limits.maxConcurrency;
  const wait = Math.max(1, Math.ceil(retryInMs / 1000), Math.floor(ordinal / capacity));
  return Math.min(wait, MAX_DEFERRAL_SECONDS);
}

/** Starts are kept this long: room for callers whose clocks run behind the newest start. */
const STARTS_KEPT_MS = 60_000;

/** One endpoint's limiter state: recent starts and the leases in flight. */
export class EndpointWindow {
  private starts: number[] = [];
  private leases = new Map<string, number>();

  take(limits: EndpointLimits, now: number, count: number, newId: () => string): Grant {
    this.starts = this.starts.filter((t) => t > now - STARTS_KEPT_MS);
    for (const [id, until] of this.leases) if (until <= now) this.leases.delete(id);
    const leaseIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const verdict = admit({ recentStarts: this.starts, inFlightUntil: [...this.leases.values()] }, limits, now);
      if (!verdict.admitted) return { leaseIds, denial: verdict };
      const id = newId();
      this.starts.push(now);
      this.leases.set(id, now + LEASE_MS);
      leaseIds.push(id);
    }
    return { leaseIds, denial: null };
  }

  release(leaseIds: string[]): void {
    for (const id of leaseIds) this.leases.delete(id);
  }
}
