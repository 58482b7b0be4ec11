/**
 * One Durable Object per endpoint. It is the single point every consumer, in any isolate,
 * asks before it POSTs, so the endpoint's rate limit and concurrency hold across all of
 * them; and it keeps the endpoint's attempt history (attempt-log.ts) in its own SQLite.
 * The limiter's window lives in memory only: it covers the last second and leases that
 * lapse on their own, so an object that restarts forgets at most that much, and keeping it
 * costs no storage write. The attempts arrive with the call that frees their slots.
 */
import { DurableObject } from "cloudflare:workers";
import type { AttemptRow } from "../deliver/attempt-row.ts";
import { type DeliveryLimiter, type EndpointLimits, EndpointWindow, type Grant } from "../deliver/limiter.ts";
import { errorMessage } from "../lib/errors.ts";
import type { Listed, Page } from "../storage/pagination.ts";
import { AttemptLog } from "./attempt-log.ts";

export class EndpointLimiterObject extends DurableObject<Env> {
  private window = new EndpointWindow();
  private readonly attempts: AttemptLog;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.attempts = new AttemptLog(ctx.storage.sql);
  }

  take(limits: EndpointLimits, now: number, count: number): Grant {
    return this.window.take(limits, now, count, () => crypto.randomUUID());
  }

  release(leaseIds: string[]): void {
    this.window.release(leaseIds);
  }

  /** The attempts of a round are over: their slots are freed and they are recorded. */
  finish(leaseIds: string[], attempts: AttemptRow[], keepSince: number): void {
    this.window.release(leaseIds);
    this.attempts.record(attempts, keepSince);
  }

  listAttempts(page: Page, eventId?: string): Listed<AttemptRow> {
    return this.attempts.list(page, eventId);
  }

  /** The endpoint was deleted: its history goes with it. */
  forget(): void {
    this.attempts.clear();
  }
}

/** The endpoint's object: its limiter and its attempt history. */
export function endpointObject(env: Env, endpointId: string): DurableObjectStub<EndpointLimiterObject> {
  const namespace = env.ENDPOINT_LIMITER as unknown as DurableObjectNamespace<EndpointLimiterObject>;
  return namespace.getByName(endpointId);
}

export function createObjectLimiter(env: Env): DeliveryLimiter {
  return {
    async acquire(endpointId, limits, now, count) {
      return endpointObject(env, endpointId).take(limits, now, count);
    },
    async release(endpointId, leaseIds) {
      if (leaseIds.length === 0) return;
      try {
        await endpointObject(env, endpointId).release(leaseIds);
      } catch (error) {
        // The leases lapse on their own after LEASE_MS; a failed release only delays others.
        console.warn(JSON.stringify({ msg: "limiter release failed", endpointId, error: errorMessage(error) }));
      }
    },
    async finish(endpointId, leaseIds, attempts, keepSince) {
      if (leaseIds.length === 0 && attempts.length === 0) return;
      await endpointObject(env, endpointId).finish(leaseIds, attempts, keepSince);
    },
  };
}
