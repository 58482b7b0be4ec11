/**
 * Attempts the deliveries the pipeline handed back (actions/event-sink.ts) right after the
 * events were made, instead of through one DELIVERIES queue message each. A round of
 * deliveries (attempt-round.ts, the path every attempt takes) shares one limiter call per
 * endpoint (taking slots, then freeing them with the attempts for its history), one D1 round
 * trip recording what is not a plain success (none for a round of successes); the events'
 * fanned-out marks wait for the queue batch's last round, one call per workspace for all. A success writes no delivery
 * row (the endpoint's history keeps the attempt); what is not settled here (a retry, an attempt the limiter turned away) gets a pending row and a
 * DELIVERIES wake-up, where wakeDelivery (attempt.ts) takes over as for any delivery. If the
 * round itself fails, every delivery is handed to the queue; if even that fails, the events,
 * still not fanned out, are their event log's stall sweep's.
 */
import type { DueDelivery } from "../actions/event-sink.ts";
import { type DeliveryProducer, enqueueWakeUps, fanOutQuietly, wakeUp } from "../actions/fan-out.ts";
import type { EventDelivery } from "../consumers/messages.ts";
import { errorMessage } from "../lib/errors.ts";
import { type DeliveryRow, insertDeliveriesStatements, type NewDeliveryRow, runAtomically } from "../storage/event-deliveries.ts";
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

/** Event ids whose deliveries are settled (attempted, or recorded to be), by workspace: to be marked fanned out. */
type Settled = Map<string, Set<string>>;

/** One round, its events marked fanned out at its end. Never throws (see attemptDue). */
export async function deliverDue(deps: DeliveryDeps, queue: DeliveryProducer, due: DueDelivery[]): Promise<void> {
  const settled: Settled = new Map();
  await attemptDue(deps, queue, due, settled);
  await markSettled(deps, settled);
}

/**
 * Marks the settled events fanned out in their logs, one call per workspace. Never throws: an
 * event left unmarked is its log's stall sweep's, which fans it out again (at least once).
 */
async function markSettled(deps: DeliveryDeps, settled: Settled): Promise<void> {
  const now = deps.io.now();
  await Promise.all(
    [...settled].map(([workspaceId, ids]) =>
      deps
        .logs(workspaceId)
        .markFannedOut([...ids], now)
        .catch((error) => {
          console.error(
            JSON.stringify({ msg: "fanned-out mark failed; the stall sweep resumes", workspaceId, error: errorMessage(error) }),
          );
        }),
    ),
  );
}

/** Never throws: a failure hands every delivery to the queue, after a posted attempt's time to answer. */
async function attemptDue(deps: DeliveryDeps, queue: DeliveryProducer, due: DueDelivery[], settled: Settled): Promise<void> {
  if (due.length === 0) return;
  try {
    await attemptAll(deps, queue, due);
    for (const d of due) {
      const ids = settled.get(d.workspaceId) ?? new Set<string>();
      ids.add(d.event.id);
      settled.set(d.workspaceId, ids);
    }
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
  /** The rounds' events to mark fanned out once the batch's rounds are done. */
  private settledEvents: Settled = new Map();

  constructor(
    private readonly deps: DeliveryDeps,
    private readonly queue: DeliveryProducer,
  ) {}

  add(due: DueDelivery[]): void {
    if (due.length === 0) return;
    this.waiting.push(...due);
    this.running ??= this.rounds();
  }

  /** Resolves once everything added so far has been attempted or handed to the queue, and its events marked. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
    const marks = this.settledEvents;
    this.settledEvents = new Map();
    await markSettled(this.deps, marks);
  }

  private async rounds(): Promise<void> {
    // Lets conversations finishing in the same turn join the first round.
    await Promise.resolve();
    while (this.waiting.length > 0) {
      const round = this.waiting;
      this.waiting = [];
      await attemptDue(this.deps, this.queue, round, this.settledEvents);
    }
    this.running = null;
  }
}

async function attemptAll(deps: DeliveryDeps, queue: DeliveryProducer, due: DueDelivery[]): Promise<void> {
  const { db, io } = deps;
  const now = io.now();
  const { attempted, deferred } = await attemptRound(
    deps,
    due.map((d) => ({ ...d, token: null, delivery: freshDelivery(d) })),
  );
  // Turned away by a limiter: not an attempt; a pending row, and a wake-up spread over the seconds the limit needs.
  const waiting = insertDeliveriesStatements(
    db,
    deferred.map(({ claimed }) => pendingRow(claimed, now)),
  );
  const wakeUps: WakeUp[] = deferred.map(({ claimed, delaySeconds }) => wakeUpFor(claimed, delaySeconds));
  for (const { claimed, step } of attempted) if (step.kind === "retry") wakeUps.push(wakeUpFor(claimed, step.delaySeconds));
  // Operational events (delivery.exhausted, endpoint.disabled) are stored before the records that imply them.
  for (const [workspaceId, recorded] of Map.groupBy(attempted, (a) => a.claimed.workspaceId)) {
    const rows = recorded.flatMap((a) => a.eventRows);
    if (rows.length > 0) await deps.logs(workspaceId).append(rows);
  }
  for (let i = 0; i < attempted.length; i += ATTEMPTS_PER_BATCH) {
    const part = attempted.slice(i, i + ATTEMPTS_PER_BATCH).flatMap((a) => a.statements);
    await runAtomically(db, i === 0 ? [...waiting, ...part] : part);
  }
  if (attempted.length === 0) await runAtomically(db, waiting);
  // The caller marks the events once every record is written: a pending row whose wake-up then
  // never leaves is the stall sweep's to wake, like any other; an event never marked is its log's to fan out.
  await enqueueWakeUps(queue, wakeUps);

  const finished = io.now();
  for (const [workspaceId, recorded] of Map.groupBy(attempted, (a) => a.claimed.workspaceId)) {
    await fanOutQuietly(
      db,
      queue,
      deps.logs(workspaceId),
      workspaceId,
      recorded.flatMap((a) => a.eventIds),
      finished,
    );
  }
}

/** A delivery turned away by the limiter: a pending row, with the wake-up being enqueued now. */
function pendingRow(d: DueDelivery, now: number): NewDeliveryRow {
  return { ...freshDelivery(d), nextAttemptAt: now, wokenAt: now, updatedAt: now };
}

/** The delivery as it stands before its first attempt: pending, no attempt yet, no row. */
function freshDelivery(d: DueDelivery): DeliveryRow {
  return {
    endpointId: d.endpoint.id,
    eventId: d.event.id,
    workspaceId: d.workspaceId,
    eventType: d.event.type,
    status: "pending",
    reason: null,
    attempts: 0,
    nextAttemptAt: d.event.createdAt,
    claimToken: null,
    claimedUntil: null,
    wokenAt: d.event.createdAt,
    lastAttemptAt: null,
    lastResponseStatus: null,
    lastError: null,
    replays: 0,
    createdAt: d.event.createdAt,
    updatedAt: d.event.createdAt,
  };
}
