/**
 * Attempts the deliveries the pipeline created already claimed (actions/event-sink.ts),
 * right after the events were made, instead of through one DELIVERIES queue message each.
 * A round of deliveries shares one limiter call per endpoint and one D1 round trip that
 * records every attempt. What is not settled here (a retry, an attempt the limiter
 * turned away, a failure of this code) becomes a DELIVERIES wake-up, where wakeDelivery
 * (attempt.ts) takes over as for any delivery; the stall sweep catches what even that misses.
 */
import type { DueDelivery } from "../actions/event-sink.ts";
import { type DeliveryProducer, enqueueWakeUps, fanOutQuietly, wakeUp } from "../actions/fan-out.ts";
import type { EventDelivery } from "../consumers/messages.ts";
import { errorMessage } from "../lib/errors.ts";
import { type DeliveryRow, releaseClaimStatement, runAtomically, type Statement } from "../storage/event-deliveries.ts";
import { type DeliveryDeps, post } from "./attempt.ts";
import { deferralSeconds, type EndpointLimits } from "./limiter.ts";
import { CLAIM_MS, nextStep, retrySchedule } from "./policy.ts";
import { attemptStatements } from "./record-attempt.ts";
import { type PostResult, urlRefused } from "./send.ts";
import { checkOutboundUrl } from "./url-guard.ts";

/** Attempts recorded per D1 batch (each is about four statements). */
const ATTEMPTS_PER_BATCH = 50;

interface WakeUp {
  body: EventDelivery;
  delaySeconds: number;
}

function wakeUpFor(due: DueDelivery, delaySeconds: number): WakeUp {
  return { body: wakeUp(due.workspaceId, due.event.id, due.endpoint.id), delaySeconds };
}

/** Never throws: a failure hands every delivery to the queue, whose wake-ups wait for the claims to lapse. */
export async function deliverDue(deps: DeliveryDeps, queue: DeliveryProducer, due: DueDelivery[]): Promise<void> {
  if (due.length === 0) return;
  try {
    await attemptAll(deps, queue, due);
  } catch (error) {
    console.error(
      JSON.stringify({ msg: "inline delivery failed; handed to the queue", deliveries: due.length, error: errorMessage(error) }),
    );
    await enqueueWakeUps(
      queue,
      due.map((d) => wakeUpFor(d, Math.ceil(CLAIM_MS / 1000))),
    ).catch((sendError) => {
      console.error(
        JSON.stringify({ msg: "inline delivery hand-over failed; the stall sweep resumes them", error: errorMessage(sendError) }),
      );
    });
  }
}

/**
 * Gathers due deliveries as a queue batch's conversations finish, and attempts them in
 * rounds: one round at a time, each taking everything that arrived while the last ran.
 * Deliveries go out as soon as their message is recorded, and a busy batch still shares
 * its round trips.
 */
export class InlineDeliveries {
  private waiting: DueDelivery[] = [];
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly queue: DeliveryProducer,
  ) {}

  add(due: DueDelivery[]): void {
    if (due.length === 0) return;
    this.waiting.push(...due);
    this.running ??= this.rounds();
  }

  /** Resolves once everything added so far has been attempted or handed to the queue. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async rounds(): Promise<void> {
    // Lets conversations finishing in the same turn join the first round.
    await Promise.resolve();
    while (this.waiting.length > 0) {
      const round = this.waiting;
      this.waiting = [];
      await deliverDue(this.deps, this.queue, round);
    }
    this.running = null;
  }
}

interface Attempted {
  due: DueDelivery;
  result: PostResult;
}

async function attemptAll(deps: DeliveryDeps, queue: DeliveryProducer, due: DueDelivery[]): Promise<void> {
  const { db, io } = deps;
  const now = io.now();
  const limitsOf = (d: DueDelivery): EndpointLimits => ({
    rateLimitPerSecond: d.endpoint.rateLimitPerSecond,
    maxConcurrency: d.endpoint.maxConcurrency,
  });

  // Checked at every attempt, as in attempt.ts: the rules (or the flag) may have changed since creation.
  const posts: Promise<Attempted>[] = [];
  const wanting = new Map<string, { d: DueDelivery; url: URL }[]>();
  for (const d of due) {
    const guard = checkOutboundUrl(d.endpoint.url, { allowPrivate: deps.allowPrivate });
    if (guard.ok) {
      wanting.set(d.endpoint.id, [...(wanting.get(d.endpoint.id) ?? []), { d, url: guard.url }]);
      continue;
    }
    posts.push(Promise.resolve({ due: d, result: urlRefused(guard.reason) }));
  }

  // One limiter call per endpoint: the first deliveries get the slots granted; the rest wait in the queue.
  const wakeUps: WakeUp[] = [];
  const released: Statement[] = [];
  const grants: { endpointId: string; leaseIds: string[] }[] = [];
  await Promise.all(
    [...wanting].map(async ([endpointId, group]) => {
      const limits = limitsOf(group[0]?.d as DueDelivery);
      const grant = await deps.limiter.acquire(endpointId, limits, now, group.length);
      grants.push({ endpointId, leaseIds: grant.leaseIds });
      group.forEach(({ d, url }, i) => {
        if (i < grant.leaseIds.length) {
          posts.push(post(deps, d.endpoint, d.event, url, now).then((result) => ({ due: d, result })));
          return;
        }
        // Not an attempt: the claim goes, and the wake-up comes back spread over the seconds the limit needs.
        released.push(releaseClaimStatement(db, { endpointId, eventId: d.event.id }, d.token));
        wakeUps.push(wakeUpFor(d, deferralSeconds(grant.denial, i - grant.leaseIds.length, limits)));
      });
    }),
  );

  const attempted = await Promise.all(posts);
  await Promise.all(grants.map((grant) => deps.limiter.release(grant.endpointId, grant.leaseIds)));
  const finished = io.now();
  const records: { statements: Statement[]; eventIds: string[]; workspaceId: string }[] = [];
  for (const { due: d, result } of attempted) {
    const settings = await deps.settings(d.workspaceId);
    const step = nextStep(result, 1, retrySchedule(settings.deliveries.retryDelaysSeconds), io.random, now);
    const record = await attemptStatements(db, {
      workspaceId: d.workspaceId,
      key: { endpointId: d.endpoint.id, eventId: d.event.id },
      token: d.token,
      event: d.event,
      endpoint: d.endpoint,
      delivery: freshDelivery(d, now),
      result,
      step,
      attemptNumber: 1,
      finished,
      disableAfterFailingSeconds: settings.deliveries.disableAfterFailingSeconds,
    });
    records.push({ ...record, workspaceId: d.workspaceId });
    if (step.kind === "retry") wakeUps.push(wakeUpFor(d, step.delaySeconds));
    if (step.kind !== "succeeded") {
      console.warn(
        JSON.stringify({
          msg: "delivery attempt failed",
          endpointId: d.endpoint.id,
          eventId: d.event.id,
          attempt: 1,
          responseStatus: result.responseStatus,
          step: step.kind,
        }),
      );
    }
  }

  for (let i = 0; i < records.length; i += ATTEMPTS_PER_BATCH) {
    const part = records.slice(i, i + ATTEMPTS_PER_BATCH).flatMap((r) => r.statements);
    await runAtomically(db, i === 0 ? [...released, ...part] : part);
  }
  if (records.length === 0) await runAtomically(db, released);
  await enqueueWakeUps(queue, wakeUps);

  for (const [workspaceId, recorded] of Map.groupBy(records, (r) => r.workspaceId)) {
    await fanOutQuietly(
      db,
      queue,
      workspaceId,
      recorded.flatMap((r) => r.eventIds),
      finished,
    );
  }
}

/** The row as the sink created it: pending, no attempt yet. */
function freshDelivery(d: DueDelivery, now: number): DeliveryRow {
  return {
    endpointId: d.endpoint.id,
    eventId: d.event.id,
    workspaceId: d.workspaceId,
    eventType: d.event.type,
    status: "pending",
    reason: null,
    attempts: 0,
    nextAttemptAt: d.event.createdAt,
    claimToken: d.token,
    claimedUntil: now + CLAIM_MS,
    wokenAt: d.event.createdAt,
    lastAttemptAt: null,
    lastResponseStatus: null,
    lastError: null,
    replays: 0,
    createdAt: d.event.createdAt,
    updatedAt: d.event.createdAt,
  };
}
