/**
 * What a subscriber's answer means, when to try again, and when an endpoint has failed
 * long enough to be disabled. Pure: the clock and the random source come in as arguments.
 */

/** Delays before attempts 2…8 (Svix's schedule: immediately, then 5 s … 10 h; ~27.6 h in all). */
export const RETRY_DELAYS_SECONDS: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** Cloudflare Queues refuse a longer delay; every step of the schedule fits in one. */
export const MAX_QUEUE_DELAY_SECONDS = 43200;
/** A subscriber's Retry-After is honoured up to this, so a hostile one cannot park a delivery for days. */
export const MAX_RETRY_AFTER_SECONDS = MAX_QUEUE_DELAY_SECONDS;
export const DELIVERY_TIMEOUT_MS = 15_000;
/** A claim on a delivery outlives anything between taking it and recording the attempt: the limiter, the POST's timeout, the batch. */
export const CLAIM_MS = DELIVERY_TIMEOUT_MS + 45_000;
/**
 * Overdue by this much with no sign of progress: lost (a delivery's wake-up, an event's
 * fan-out). Well above the longest limiter deferral and a claim; the cron's sweep
 * (maintenance/resume-stalled.ts) and each event log's alarm use it.
 */
export const STALL_GRACE_MS = 15 * 60_000;
/** Jitter spreads the retries of a burst that failed together: ±10 %. */
const JITTER = 0.1;

export type ResponseVerdict =
  | { kind: "delivered" }
  | { kind: "retry"; retryAfterSeconds?: number }
  /** 410: the subscriber asks never to be called again. */
  | { kind: "gone" };

export function classifyResponse(status: number, retryAfterHeader: string | null, now: number): ResponseVerdict {
  if (status >= 200 && status < 300) return { kind: "delivered" };
  if (status === 410) return { kind: "gone" };
  if (status === 429 || status === 503) {
    const retryAfterSeconds = parseRetryAfter(retryAfterHeader, now);
    return retryAfterSeconds === undefined ? { kind: "retry" } : { kind: "retry", retryAfterSeconds };
  }
  // 3xx included: redirects are never followed.
  return { kind: "retry" };
}

/**
 * Seconds from a `Retry-After` header, in delta-seconds or HTTP-date form, capped at
 * MAX_RETRY_AFTER_SECONDS; undefined when absent or unreadable.
 * @see https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  let seconds: number;
  if (/^\d{1,12}$/.test(text)) seconds = Number(text);
  else if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    seconds = Math.max(0, Math.ceil((at - now) / 1000));
  } else return undefined;
  return Math.min(seconds, MAX_RETRY_AFTER_SECONDS);
}

/** The workspace's schedule (settings.deliveries.retryDelaysSeconds) or the default. */
export function retrySchedule(configured: readonly number[] | undefined): readonly number[] {
  return configured && configured.length > 0 ? configured : RETRY_DELAYS_SECONDS;
}

/**
 * Delay after `attempt` (1-based) failed, or null when no attempt is left. A subscriber's
 * Retry-After wins when it asks for longer than the schedule.
 */
export function nextDelaySeconds(
  attempt: number,
  random: () => number,
  retryAfterSeconds?: number,
  schedule: readonly number[] = RETRY_DELAYS_SECONDS,
): number | null {
  const base = schedule[attempt - 1];
  if (base === undefined) return null;
  const jittered = Math.round(base * (1 - JITTER + 2 * JITTER * random()));
  const wanted = Math.max(jittered, retryAfterSeconds ?? 0);
  return Math.min(Math.max(wanted, 1), MAX_QUEUE_DELAY_SECONDS);
}

/** What one attempt produced: an HTTP status, or null when there was no answer (or no request). */
export interface AttemptAnswer {
  responseStatus: number | null;
  retryAfter: string | null;
}

export type NextStep =
  | { kind: "succeeded" }
  | { kind: "retry"; delaySeconds: number }
  /** The schedule is used up: the delivery is kept as failed, replayable. */
  | { kind: "exhausted" }
  | { kind: "gone" };

export function nextStep(answer: AttemptAnswer, attempt: number, schedule: readonly number[], random: () => number, now: number): NextStep {
  const verdict: ResponseVerdict =
    answer.responseStatus === null ? { kind: "retry" } : classifyResponse(answer.responseStatus, answer.retryAfter, now);
  if (verdict.kind === "delivered") return { kind: "succeeded" };
  if (verdict.kind === "gone") return { kind: "gone" };
  const delaySeconds = nextDelaySeconds(attempt, random, verdict.retryAfterSeconds, schedule);
  return delaySeconds === null ? { kind: "exhausted" } : { kind: "retry", delaySeconds };
}

/** An endpoint that has failed without a single success since `failingSince` for this long is disabled. */
export function hasFailedTooLong(failingSince: number, now: number, disableAfterSeconds: number): boolean {
  return now - failingSince >= disableAfterSeconds * 1000;
}

/** Whether an attempt's outcome disables its endpoint, and why: a 410 at once, else failing for too long. */
export function disablement(
  step: NextStep,
  failingSince: number | null,
  now: number,
  disableAfterSeconds: number,
): { reason: "gone" | "failing" } | null {
  if (step.kind === "succeeded") return null;
  if (step.kind === "gone") return { reason: "gone" };
  return hasFailedTooLong(failingSince ?? now, now, disableAfterSeconds) ? { reason: "failing" } : null;
}
