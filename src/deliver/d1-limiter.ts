/**
 * The limiter on D1. Problem: a per-endpoint limit needs one point of coordination across
 * every consumer invocation, which may run in many isolates at once. Options: a Durable
 * Object per endpoint (the Cloudflare way; needs a binding in wrangler.toml), D1, or
 * per-isolate memory (no guarantee across isolates). Choice: D1, whose single writer
 * serializes the check-and-take statement; it costs one write per request and one per
 * release, and the limits hold in terms of the start times the consumers record.
 */
import type { Db } from "../storage/db.ts";
import { type LeaseRequest, readLeases, releaseLease, tryTakeLease } from "../storage/delivery-leases.ts";
import { type Admission, admit, type DeliveryLimiter, type EndpointLimits, LEASE_MS, RATE_WINDOW_MS } from "./limiter.ts";

/** Finished leases are kept this long before an acquisition prunes them (room for clock skew between isolates). */
const PRUNE_AFTER_MS = 60_000;

/** A new lease for a request to `endpointId` starting at `now`. */
export function leaseRequest(endpointId: string, limits: EndpointLimits, now: number): LeaseRequest {
  return {
    id: crypto.randomUUID(),
    endpointId,
    startedAt: now,
    expiresAt: now + LEASE_MS,
    windowStart: now - RATE_WINDOW_MS,
    rateLimit: limits.rateLimitPerSecond,
    concurrencyLimit: limits.maxConcurrency,
    pruneBefore: now - PRUNE_AFTER_MS,
  };
}

export function createD1Limiter(db: Db): DeliveryLimiter {
  return {
    async acquire(endpointId: string, limits: EndpointLimits, now: number): Promise<Admission> {
      const lease = leaseRequest(endpointId, limits, now);
      const taken = await tryTakeLease(db, lease);
      if (taken) return { admitted: true, leaseId: lease.id };
      const verdict = admit(await readLeases(db, endpointId, lease.windowStart), limits, now);
      // A slot freed between the refusal and the read: come back as soon as the queue allows.
      return verdict.admitted ? { admitted: false, reason: "rate", retryInMs: 0 } : verdict;
    },

    async release(leaseId: string, now: number): Promise<void> {
      try {
        await releaseLease(db, leaseId, now);
      } catch (error) {
        // The lease lapses on its own after LEASE_MS; a failed release only delays others.
        console.warn(JSON.stringify({ msg: "limiter release failed", leaseId, error: String(error) }));
      }
    },
  };
}
