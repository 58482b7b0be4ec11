/**
 * One Durable Object per endpoint: the single point every consumer, in any isolate, asks
 * before it POSTs, so the endpoint's rate limit and concurrency hold across all of them.
 * The window lives in memory only. It covers the last second and leases that lapse on
 * their own, so an object that restarts forgets at most that much, and keeping it costs no
 * storage write (the D1 leases it replaced cost about three rows per delivery).
 */
import { DurableObject } from "cloudflare:workers";
import { type DeliveryLimiter, type EndpointLimits, EndpointWindow, type Grant } from "../deliver/limiter.ts";
import { errorMessage } from "../lib/errors.ts";

export class EndpointLimiterObject extends DurableObject<Env> {
  private window = new EndpointWindow();

  take(limits: EndpointLimits, now: number, count: number): Grant {
    return this.window.take(limits, now, count, () => crypto.randomUUID());
  }

  release(leaseIds: string[]): void {
    this.window.release(leaseIds);
  }
}

function limiterStub(env: Env, endpointId: string): DurableObjectStub<EndpointLimiterObject> {
  const namespace = env.ENDPOINT_LIMITER as unknown as DurableObjectNamespace<EndpointLimiterObject>;
  return namespace.getByName(endpointId);
}

export function createObjectLimiter(env: Env): DeliveryLimiter {
  return {
    async acquire(endpointId, limits, now, count) {
      return limiterStub(env, endpointId).take(limits, now, count);
    },
    async release(endpointId, leaseIds) {
      if (leaseIds.length === 0) return;
      try {
        await limiterStub(env, endpointId).release(leaseIds);
      } catch (error) {
        // The leases lapse on their own after LEASE_MS; a failed release only delays others.
        console.warn(JSON.stringify({ msg: "limiter release failed", endpointId, error: errorMessage(error) }));
      }
    },
  };
}
