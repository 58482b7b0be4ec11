/** One signed POST to a subscriber. Returns what happened; never throws. */
import { errorMessage } from "../lib/errors.ts";
import { DELIVERY_TIMEOUT_MS } from "./policy.ts";
import type { SignedHeaders } from "./sign.ts";

export interface PostResult {
  responseStatus: number | null;
  retryAfter: string | null;
  durationMs: number;
  error: string | null;
}

export async function postEvent(
  io: { fetch: typeof fetch; now: () => number },
  url: string,
  headers: SignedHeaders,
  body: string,
): Promise<PostResult> {
  const started = io.now();
  try {
    const response = await io.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Switchboard-Webhooks/1", ...headers },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    // Drain so the connection can be reused; the body itself is not needed.
    await response.body?.cancel();
    return {
      responseStatus: response.status,
      retryAfter: response.headers.get("retry-after"),
      durationMs: io.now() - started,
      error: response.ok ? null : `HTTP ${response.status}`,
    };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return {
      responseStatus: null,
      retryAfter: null,
      durationMs: io.now() - started,
      error: timedOut ? `no answer within ${DELIVERY_TIMEOUT_MS / 1000} s` : errorMessage(error),
    };
  }
}
