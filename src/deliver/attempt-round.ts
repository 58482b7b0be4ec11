/**
 * The one attempt path. A round of claimed deliveries (the pipeline's, right after their
 * events were made, or a single DELIVERIES wake-up) is checked against the URL guard,
 * admitted by each endpoint's limiter (one call per endpoint for the whole round), posted
 * signed, and turned into the statements that record each attempt (record-attempt.ts).
 * The callers (inline.ts, attempt.ts) only decide where those statements are written and
 * when the deferred and the retried are woken again.
 */

import type { EventLogs } from "../actions/event-log.ts";
import { SealedSecretError, sealedAt } from "../lib/secret-box.ts";
import { secretBox } from "../secrets.ts";
import type { Settings } from "../settings.ts";
import type { Db } from "../storage/db.ts";
import type { EndpointRow } from "../storage/endpoints.ts";
import type { DeliveryRow, Statement } from "../storage/event-deliveries.ts";
import type { EventRow } from "../storage/events.ts";
import type { AttemptRow } from "./attempt-row.ts";
import { type DeliveryLimiter, deferralSeconds, type EndpointLimits } from "./limiter.ts";
import { type NextStep, nextStep, retrySchedule } from "./policy.ts";
import { attemptStatements } from "./record-attempt.ts";
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
  /** Each workspace's event log: events are read from it, operational ones stored in it, fan-outs marked there. */
  logs: EventLogs;
  io: DeliveryIo;
  limiter: DeliveryLimiter;
  allowPrivate: boolean;
  settings: (workspaceId: string) => Promise<Settings>;
}

const DAY_MS = 86_400_000;

/** A delivery whose claim (`token`) the caller holds; `null`: it has no row yet (an inline attempt). */
export interface ClaimedDelivery {
  workspaceId: string;
  token: string | null;
  event: EventRow;
  endpoint: EndpointRow;
  /** The delivery as it was before this attempt. */
  delivery: DeliveryRow;
}

/** Attempted: what comes next, and the statements that record it (not yet run). */
export interface AttemptedDelivery {
  claimed: ClaimedDelivery;
  step: NextStep;
  statements: Statement[];
  /** Operational events the record creates (delivery.exhausted, endpoint.disabled): stored in the log before the statements run, fanned out once they ran. */
  eventRows: EventRow[];
  eventIds: string[];
}

/** Turned away by the endpoint's limiter: not an attempt; wake it again after `delaySeconds`. */
export interface DeferredDelivery {
  claimed: ClaimedDelivery;
  delaySeconds: number;
}

export interface AttemptRound {
  attempted: AttemptedDelivery[];
  deferred: DeferredDelivery[];
}

function limitsOf(endpoint: EndpointRow): EndpointLimits {
  return { rateLimitPerSecond: endpoint.rateLimitPerSecond, maxConcurrency: endpoint.maxConcurrency };
}

/**
 * `queuedAhead`: how many deliveries to the same endpoint wait ahead of this round (a wake-up's
 * place in its queue batch), so that deferred ones spread over the seconds the limit needs.
 */
export async function attemptRound(deps: DeliveryDeps, round: ClaimedDelivery[], queuedAhead = 0): Promise<AttemptRound> {
  const now = deps.io.now();
  const posts: Promise<{ claimed: ClaimedDelivery; result: PostResult }>[] = [];
  const deferred: DeferredDelivery[] = [];

  // Checked at every attempt: the URL passed at creation, but the rules (or the flag) may have changed.
  const wanting = new Map<string, { claimed: ClaimedDelivery; url: URL }[]>();
  for (const claimed of round) {
    const guard = checkOutboundUrl(claimed.endpoint.url, { allowPrivate: deps.allowPrivate });
    if (guard.ok) wanting.set(claimed.endpoint.id, [...(wanting.get(claimed.endpoint.id) ?? []), { claimed, url: guard.url }]);
    else posts.push(Promise.resolve({ claimed, result: urlRefused(guard.reason) }));
  }

  const grants: { endpointId: string; leaseIds: string[] }[] = [];
  await Promise.all(
    [...wanting].map(async ([endpointId, group]) => {
      const limits = limitsOf((group[0] as { claimed: ClaimedDelivery }).claimed.endpoint);
      const grant = await deps.limiter.acquire(endpointId, limits, now, group.length);
      grants.push({ endpointId, leaseIds: grant.leaseIds });
      group.forEach(({ claimed, url }, i) => {
        if (i < grant.leaseIds.length) {
          posts.push(post(deps, claimed.endpoint, claimed.event, url, now).then((result) => ({ claimed, result })));
        } else {
          const place = queuedAhead + i - grant.leaseIds.length;
          deferred.push({ claimed, delaySeconds: deferralSeconds(grant.denial, place, limits) });
        }
      });
    }),
  );
  let results: { claimed: ClaimedDelivery; result: PostResult }[];
  try {
    results = await Promise.all(posts);
  } catch (error) {
    await Promise.all(grants.map((grant) => deps.limiter.release(grant.endpointId, grant.leaseIds)));
    throw error;
  }

  const finished = deps.io.now();
  const attempted: AttemptedDelivery[] = [];
  const history = new Map<string, { rows: AttemptRow[]; keepSince: number }>();
  for (const { claimed, result } of results) {
    const settings = await deps.settings(claimed.workspaceId);
    const attemptNumber = claimed.delivery.attempts + 1;
    const step = nextStep(result, attemptNumber, retrySchedule(settings.deliveries.retryDelaysSeconds), deps.io.random, now);
    const { attempt, ...record } = await attemptStatements(deps.db, {
      workspaceId: claimed.workspaceId,
      key: { endpointId: claimed.endpoint.id, eventId: claimed.event.id },
      token: claimed.token,
      event: claimed.event,
      endpoint: claimed.endpoint,
      delivery: claimed.delivery,
      result,
      step,
      attemptNumber,
      finished,
      disableAfterFailingSeconds: settings.deliveries.disableAfterFailingSeconds,
    });
    attempted.push({ claimed, step, ...record });
    const keepSince = finished - settings.deliveries.retentionDays * DAY_MS;
    const entry = history.get(claimed.endpoint.id) ?? { rows: [], keepSince };
    entry.rows.push(attempt);
    history.set(claimed.endpoint.id, entry);
    // Successes are in the endpoint's history already; a log line each would be noise at volume.
    if (step.kind !== "succeeded") {
      console.warn(
        JSON.stringify({
          msg: "delivery attempt failed",
          endpointId: claimed.endpoint.id,
          eventId: claimed.event.id,
          attempt: attemptNumber,
          responseStatus: result.responseStatus,
          step: step.kind,
        }),
      );
    }
  }
  // One call per endpoint frees the round's slots and records its attempts, before the
  // deliveries' D1 records: an attempt that happened is in the history even if those fail.
  const leases = new Map(grants.map((grant) => [grant.endpointId, grant.leaseIds]));
  const endpoints = new Set([...leases.keys(), ...history.keys()]);
  await Promise.all(
    [...endpoints].map((endpointId) => {
      const entry = history.get(endpointId);
      return deps.limiter.finish(endpointId, leases.get(endpointId) ?? [], entry?.rows ?? [], entry?.keepSince ?? 0);
    }),
  );
  return { attempted, deferred };
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
