/**
 * One wake-up of one (event, endpoint) delivery: whether an attempt is due (and whose it
 * is), then the attempt itself as a round of one (attempt-round.ts) and its record.
 * Answers what the queue should do with the message; the consumer only applies it.
 */
import type { EventDelivery } from "../consumers/messages.ts";
import type { Db } from "../storage/db.ts";
import { type EndpointRow, getEndpoint } from "../storage/endpoints.ts";
import {
  claimDelivery,
  type DeliveryKey,
  type DeliveryRow,
  getDelivery,
  getOrCreateDelivery,
  releaseClaim,
  runAtomically,
  stopPendingDeliveryStatement,
} from "../storage/event-deliveries.ts";
import type { EventRow } from "../storage/events.ts";
import { attemptRound, type DeliveryDeps } from "./attempt-round.ts";
import { oversizeReason } from "./limits.ts";
import { CLAIM_MS, MAX_QUEUE_DELAY_SECONDS } from "./policy.ts";

export type { DeliveryDeps, DeliveryIo } from "./attempt-round.ts";

export type QueueVerdict = { kind: "ack" } | { kind: "retry"; delaySeconds: number };

export interface WakeUpOutcome {
  verdict: QueueVerdict;
  /** Operational events recorded on the way, to be fanned out. */
  operationalEventIds: string[];
}

const ACK: WakeUpOutcome = { verdict: { kind: "ack" }, operationalEventIds: [] };

function later(ms: number): WakeUpOutcome {
  const delaySeconds = Math.min(Math.max(Math.ceil(ms / 1000), 1), MAX_QUEUE_DELAY_SECONDS);
  return { verdict: { kind: "retry", delaySeconds }, operationalEventIds: [] };
}

function log(msg: string, fields: object): void {
  console.warn(JSON.stringify({ msg, ...fields }));
}

/** `ordinal`: the message's place among this batch's messages for the same endpoint (limiter spreading). */
export async function wakeDelivery(deps: DeliveryDeps, job: EventDelivery, ordinal: number): Promise<WakeUpOutcome> {
  const { db, io } = deps;
  const now = io.now();
  const key: DeliveryKey = { endpointId: job.endpointId, eventId: job.eventId };
  const [[event], endpoint] = await Promise.all([
    deps.logs(job.workspaceId).read([job.eventId]),
    getEndpoint(db, job.workspaceId, job.endpointId),
  ]);
  // The endpoint is looked up within the job's workspace; the event must belong to it too.
  if (!event || !endpoint || event.workspaceId !== job.workspaceId) {
    log("delivery dropped: endpoint or event deleted", key);
    return ACK;
  }
  const delivery =
    (await getDelivery(db, key)) ??
    (await getOrCreateDelivery(db, {
      ...key,
      workspaceId: job.workspaceId,
      eventType: event.type,
      status: "pending",
      nextAttemptAt: now,
      createdAt: event.createdAt,
      updatedAt: now,
    }));
  // Succeeded, failed or held: this is a duplicate or stale wake-up.
  if (delivery?.status !== "pending") return ACK;
  if (!endpoint.enabled) {
    await stopPendingDeliveryStatement(db, key, "held", "endpoint_disabled", null, now);
    return ACK;
  }
  const tooLarge = oversizeReason(event.payload);
  if (tooLarge) {
    await stopPendingDeliveryStatement(db, key, "failed", "too_large", tooLarge, now);
    log("delivery refused: event too large", { ...key, reason: tooLarge });
    return ACK;
  }
  if (delivery.nextAttemptAt > now) return later(delivery.nextAttemptAt - now);

  const token = crypto.randomUUID();
  const claimed = await claimDelivery(db, key, token, now, now + CLAIM_MS);
  if (!claimed) return whyNotClaimed(db, key, now);
  try {
    return await attempt(deps, { job, key, token, event, endpoint, delivery: claimed, ordinal, now });
  } catch (error) {
    // The queue retries this message: let it claim again at once instead of waiting out the claim.
    await releaseClaim(db, key, token).catch(() => undefined);
    throw error;
  }
}

async function whyNotClaimed(db: Db, key: DeliveryKey, now: number): Promise<WakeUpOutcome> {
  const row = await getDelivery(db, key);
  if (row?.status !== "pending") return ACK;
  if (row.nextAttemptAt > now) return later(row.nextAttemptAt - now);
  // Another consumer is attempting it: look again when its claim would lapse.
  if (row.claimedUntil !== null && row.claimedUntil > now) return later(row.claimedUntil - now);
  return later(1000);
}

interface Claimed {
  job: EventDelivery;
  key: DeliveryKey;
  token: string;
  event: EventRow;
  endpoint: EndpointRow;
  delivery: DeliveryRow;
  ordinal: number;
  now: number;
}

async function attempt(deps: DeliveryDeps, claimed: Claimed): Promise<WakeUpOutcome> {
  const { db } = deps;
  const round = await attemptRound(
    deps,
    [
      {
        workspaceId: claimed.job.workspaceId,
        token: claimed.token,
        event: claimed.event,
        endpoint: claimed.endpoint,
        delivery: claimed.delivery,
      },
    ],
    claimed.ordinal,
  );
  const deferred = round.deferred[0];
  if (deferred) {
    // Not an attempt: the message waits in the queue and nothing is counted.
    await releaseClaim(db, claimed.key, claimed.token);
    return later(deferred.delaySeconds * 1000);
  }
  const attempted = round.attempted[0];
  if (!attempted) throw new Error("an attempt round of one delivery returned nothing");
  if (attempted.eventRows.length > 0) await deps.logs(claimed.job.workspaceId).append(attempted.eventRows);
  await runAtomically(db, attempted.statements);
  const { step } = attempted;
  return {
    verdict: step.kind === "retry" ? { kind: "retry", delaySeconds: step.delaySeconds } : { kind: "ack" },
    operationalEventIds: attempted.eventIds,
  };
}
