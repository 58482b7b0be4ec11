/**
 * Attempts the deliveries the pipeline created already claimed (actions/event-sink.ts),
 * right after the events were made, instead of through one DELIVERIES queue message each.
 * A round of deliveries (attempt-round.ts, the path every attempt takes) shares one limiter
 * call per endpoint and one D1 round trip that records every attempt. What is not settled here (a retry, an attempt the limiter
 * turned away, a failure of this code) becomes a DELIVERIES wake-up, where wakeDelivery
 * (attempt.ts) takes over as for any delivery; the stall sweep catches what even that misses.
 */
import type { DueDelivery } from "../actions/event-sink.ts";
import { type DeliveryProducer, enqueueWakeUps, fanOutQuietly, wakeUp } from "../actions/fan-out.ts";
import type { EventDelivery } from "../consumers/messages.ts";
import { errorMessage } from "../lib/errors.ts";
import { type DeliveryRow, releaseClaimStatement, runAtomically } from "../storage/event-deliveries.ts";
import { attemptRound, type DeliveryDeps } from "./attempt-round.ts";
import { CLAIM_MS } from "./policy.ts";

/** Attempts recorded per D1 batch (each is about four statements). */
const ATTEMPTS_PER_BATCH = 50;

interface WakeUp {
  body: EventDelivery;
  delaySeconds: number;
}

function wakeUpFor(due: Pick<DueDelivery, "workspaceId" | "event" | "endpoint">, delaySeconds: number): WakeUp {
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

async function attemptAll(deps: DeliveryDeps, queue: DeliveryProducer, due: DueDelivery[]): Promise<void> {
  const { db, io } = deps;
  const now = io.now();
  const { attempted, deferred } = await attemptRound(
    deps,
    due.map((d) => ({ ...d, delivery: freshDelivery(d, now) })),
  );
  // Turned away by a limiter: the claim goes, and the wake-up comes back spread over the seconds the limit needs.
  const released = deferred.map(({ claimed }) =>
    releaseClaimStatement(db, { endpointId: claimed.endpoint.id, eventId: claimed.event.id }, claimed.token),
  );
  const wakeUps: WakeUp[] = deferred.map(({ claimed, delaySeconds }) => wakeUpFor(claimed, delaySeconds));
  for (const { claimed, step } of attempted) if (step.kind === "retry") wakeUps.push(wakeUpFor(claimed, step.delaySeconds));

  for (let i = 0; i < attempted.length; i += ATTEMPTS_PER_BATCH) {
    const part = attempted.slice(i, i + ATTEMPTS_PER_BATCH).flatMap((a) => a.statements);
    await runAtomically(db, i === 0 ? [...released, ...part] : part);
  }
  if (attempted.length === 0) await runAtomically(db, released);
  await enqueueWakeUps(queue, wakeUps);

  const finished = io.now();
  for (const [workspaceId, recorded] of Map.groupBy(attempted, (a) => a.claimed.workspaceId)) {
    await fanOutQuietly(
      db,
      queue,
      workspaceId,
      recorded.flatMap((a) => a.eventIds),
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
