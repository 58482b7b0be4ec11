/**
 * The limiter's state in D1: one row per request started to an endpoint. D1 runs one
 * statement at a time, so a conditional INSERT is an atomic check-and-take that holds
 * across every consumer invocation and isolate (deliver/d1-limiter.ts).
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { deliveryLeases } from "./schema.ts";

export interface LeaseRequest {
  id: string;
  endpointId: string;
  startedAt: number;
  expiresAt: number;
  /** Starts after this count against the rate. */
  windowStart: number;
  rateLimit: number;
  concurrencyLimit: number;
  /** Rows that started before this and are no longer in flight are deleted on the way. */
  pruneBefore: number;
}

/**
 * The statements of one take: prune the endpoint's finished leases (which a batch of takes
 * for one endpoint needs only once), then insert the new one only if both limits allow it
 * (it RETURNs its id when taken). Batched in any number, they run one after another, each
 * seeing the leases the previous ones took.
 */
export function pruneLeasesStatement(db: Db, lease: LeaseRequest): D1PreparedStatement {
  // The D1 client directly: drizzle cannot batch raw statements, and these have no builder form.
  return db.$client
    .prepare(
      `DELETE FROM delivery_leases WHERE endpoint_id = ?1 AND started_at < ?2
         AND (released_at IS NOT NULL OR expires_at <= ?3)`,
    )
    .bind(lease.endpointId, lease.pruneBefore, lease.startedAt);
}

export function takeLeaseStatement(db: Db, lease: LeaseRequest): D1PreparedStatement {
  const { id, endpointId, startedAt, expiresAt } = lease;
  const d1 = db.$client;
  return d1
    .prepare(
      `INSERT INTO delivery_leases (id, endpoint_id, started_at, expires_at)
         SELECT ?1, ?2, ?3, ?4
         WHERE (SELECT count(*) FROM delivery_leases WHERE endpoint_id = ?2 AND started_at > ?5) < ?6
           AND (SELECT count(*) FROM delivery_leases WHERE endpoint_id = ?2 AND released_at IS NULL AND expires_at > ?3) < ?7
         RETURNING id`,
    )
    .bind(id, endpointId, startedAt, expiresAt, lease.windowStart, lease.rateLimit, lease.concurrencyLimit);
}

/** Takes a slot if both limits allow it; true when taken. Prunes the endpoint's finished leases on the way. */
export async function tryTakeLease(db: Db, lease: LeaseRequest): Promise<boolean> {
  const [, taken] = await db.$client.batch<{ id: string }>([pruneLeasesStatement(db, lease), takeLeaseStatement(db, lease)]);
  return (taken?.results.length ?? 0) > 0;
}

/** What the limiter needs to say how long to wait: recent starts and leases still in flight. */
export async function readLeases(db: Db, endpointId: string, windowStart: number) {
  const rows = await db
    .select({ startedAt: deliveryLeases.startedAt, expiresAt: deliveryLeases.expiresAt, releasedAt: deliveryLeases.releasedAt })
    .from(deliveryLeases)
    .where(and(eq(deliveryLeases.endpointId, endpointId), gt(deliveryLeases.startedAt, windowStart - 60_000)))
    .all();
  return {
    recentStarts: rows.map((row) => row.startedAt).filter((t) => t > windowStart),
    inFlightUntil: rows.filter((row) => row.releasedAt === null).map((row) => row.expiresAt),
  };
}

export async function releaseLease(db: Db, id: string, now: number): Promise<void> {
  await releaseLeaseStatement(db, id, now);
}

export function releaseLeaseStatement(db: Db, id: string, now: number) {
  return db
    .update(deliveryLeases)
    .set({ releasedAt: now })
    .where(and(eq(deliveryLeases.id, id), isNull(deliveryLeases.releasedAt)));
}

/** Every lease that ended before `before` (the scheduled purge; acquisitions prune their own endpoint). */
export async function purgeLeases(db: Db, before: number): Promise<void> {
  await db.run(sql`DELETE FROM delivery_leases WHERE started_at < ${before} AND (released_at IS NOT NULL OR expires_at <= ${before})`);
}
