/**
 * Which role a /v1 route needs, decided by one rule for every route: any key reads; writes
 * need an `admin` key, except the inbox writes an `agent` key may make. Pure: auth.ts
 * enforces it, the OpenAPI document shows it (`x-required-role`).
 */

/** Writes an `agent` key may make: acting on the inbox. Method and the route as declared under /v1. */
export const AGENT_WRITES: ReadonlySet<string> = new Set(["PATCH /v1/tickets/:id", "POST /v1/conversations/:id/messages"]);

const READS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isWrite(method: string): boolean {
  return !READS.has(method.toUpperCase());
}

/** The role a route needs: `agent` (any key) or `admin`. */
export function roleFor(method: string, route: string): "agent" | "admin" {
  const upper = method.toUpperCase();
  return !isWrite(upper) || AGENT_WRITES.has(`${upper} ${route}`) ? "agent" : "admin";
}
