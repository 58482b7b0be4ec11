/** Per-message outcome handling shared by every consumer. */
import { PermanentError, RetryableError } from "../lib/errors.ts";

/** Backoff for a message whose processing failed transiently: 2, 4, 8… up to 300 s. */
export function processingRetryDelay(attempts: number): number {
  return Math.min(2 ** Math.max(attempts, 1), 300);
}

export function retryDelayFor(error: unknown, attempts: number): number {
  if (error instanceof RetryableError && error.retryAfterSeconds !== undefined) return error.retryAfterSeconds;
  return processingRetryDelay(attempts);
}

export function isPermanent(error: unknown): error is PermanentError {
  return error instanceof PermanentError;
}
