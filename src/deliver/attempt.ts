/**
 * One wake-up of one (event, endpoint) delivery: whether an attempt is due (and whose it
 * is), whether it may start under the endpoint's limits, the signed POST, then its record
 * (record-attempt.ts). Answers what the queue should do with the message; the consumer
 * only applies it.
 */
import type { EventDelivery } from "../consumers/messages.ts";
import { SealedSecretError, sealedAt } from "../lib/secret-box.ts";
import { secretBox } from "../secrets.ts";
import type { Settings } from "../settings.ts";
import type { Db } from "../storage/db.ts";
import { type EndpointRow, getEndpoint } from "../storage/endpoints.ts";
import {
  claimDelivery,
  type DeliveryKey,
  type DeliveryRow,
  getDelivery,
  getOrCreateDelivery,
  releaseClaim,
  stopPendingDelivery,
} from "../storage/event-deliveries.ts";
import { type EventRow, getEventRow } from "../storage/events.ts";
import { type DeliveryLimiter, deferralSeconds, type EndpointLimits } from "./limiter.ts";
import { oversizeReason } from "./limits.ts";
import { CLAIM_MS, MAX_QUEUE_DELAY_SECONDS, nextStep, retrySchedule } from "./policy.ts";
import { recordAttempt } from "./record-attempt.ts";
import { secretsInForce } from "./rotation.ts";
import { type PostResult, postEvent, urlRefused } from "./send.ts";
import { signWebhook } from "./sign.ts";
import { checkOutboundUrl } from "./url-guard.ts";

export interface DeliveryIo {
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  /** The subscriber's time to answer; DELIVERY_TIMEOUT_MS unless a test shortens it. */
  timeoutMs?: number;
}

export interface DeliveryDeps {
  env: Pick<Env, "MASTER_KEY">;
  db: Db;
  io: DeliveryIo;
  limiter: DeliveryLimiter;
  allowPrivate: boolean;
  settings: (workspaceId: string) => Promise<Settings>;
}

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
  const [event, endpoint] = await Promise.all([getEventRow(db, job.eventId), getEndpoint(db, job.workspaceId, job.endpointId)]);
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
    await stopPendingDelivery(db, key, "held", "endpoint_disabled", null, now);
    return ACK;
  }
  const tooLarge = oversizeReason(event.payload);
  if (tooLarge) {
    await stopPendingDelivery(db, key, "failed", "too_large", tooLarge, now);
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
  const { db, io } = deps;
  const { endpoint, event, now } = claimed;
  let result: PostResult;
  // Checked again at every attempt: the URL passed at creation, but the rules (or the flag) may have changed.
  const guard = checkOutboundUrl(endpoint.url, { allowPrivate: deps.allowPrivate });
  if (!guard.ok) {
    result = urlRefused(guard.reason);
  } else {
    const limits: EndpointLimits = { rateLimitPerSecond: endpoint.rateLimitPerSecond, maxConcurrency: endpoint.maxConcurrency };
    const grant = await deps.limiter.acquire(endpoint.id, limits, now, 1);
    if (grant.leaseIds.length === 0) {
      // Not an attempt: the message waits in the queue and nothing is counted.
      await releaseClaim(db, claimed.key, claimed.token);
      return later(deferralSeconds(grant.denial, claimed.ordinal, limits) * 1000);
    }
    try {
      result = await post(deps, endpoint, event, guard.url, now);
    } finally {
      await deps.limiter.release(endpoint.id, grant.leaseIds);
    }
  }
  const settings = await deps.settings(claimed.job.workspaceId);
  const attemptNumber = claimed.delivery.attempts + 1;
  const step = nextStep(result, attemptNumber, retrySchedule(settings.deliveries.retryDelaysSeconds), io.random, now);
  const finished = io.now();
  const operationalEventIds = await recordAttempt(db, {
    workspaceId: claimed.job.workspaceId,
    key: claimed.key,
    token: claimed.token,
    event,
    endpoint,
    delivery: claimed.delivery,
    result,
    step,
    attemptNumber,
    finished,
    disableAfterFailingSeconds: settings.deliveries.disableAfterFailingSeconds,
  });
  // Successes are in delivery_attempts already; a log line each would be noise at volume.
  if (step.kind !== "succeeded") {
    console.warn(
      JSON.stringify({
        msg: "delivery attempt failed",
        ...claimed.key,
        attempt: attemptNumber,
        responseStatus: result.responseStatus,
        step: step.kind,
      }),
    );
  }
  return {
    verdict: step.kind === "retry" ? { kind: "retry", delaySeconds: step.delaySeconds } : { kind: "ack" },
    operationalEventIds,
  };
}

export async function post(
  deps: Pick<DeliveryDeps, "env" | "io">,
  endpoint: EndpointRow,
  event: EventRow,
  url: URL,
  now: number,
): Promise<PostResult> {
  const box = await secretBox(deps.env);
  const where = sealedAt.endpointSecret(endpoint.id);
  const [current, ...previous] = secretsInForce(endpoint, now);
  let secrets: string[];
  try {
    secrets = [await box.open(current ?? "", where)];
  } catch (error) {
    if (!(error instanceof SealedSecretError)) throw error;
    // Recorded as a failed attempt that never left, with a reason that names no secret.
    return { responseStatus: null, retryAfter: null, responseBody: null, durationMs: 0, error: error.message };
  }
  // A rotation away from a secret that does not open must still deliver: sign with the new one alone.
  for (const sealed of previous) {
    const opened = await box.open(sealed, where).catch((error: unknown) => {
      if (!(error instanceof SealedSecretError)) throw error;
      console.warn(JSON.stringify({ msg: "previous endpoint secret does not open", endpointId: endpoint.id, error: error.message }));
      return null;
    });
    if (opened !== null) secrets.push(opened);
  }
  const headers = await signWebhook(secrets, event.id, Math.floor(now / 1000), event.payload);
  return postEvent(deps.io, url.toString(), headers, event.payload, deps.io.timeoutMs);
}
