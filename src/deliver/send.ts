/**
 * One signed POST to a subscriber: no redirects, a hard timeout that covers the answer
 * and the first KiB of its body, which is kept. Returns what happened; never throws.
 */
import { concatBytes } from "../lib/encoding.ts";
import { errorMessage } from "../lib/errors.ts";
import { MAX_RESPONSE_BODY_BYTES, truncateResponseBody } from "./limits.ts";
import { DELIVERY_TIMEOUT_MS } from "./policy.ts";
import type { SignedHeaders } from "./sign.ts";

export interface PostResult {
  responseStatus: number | null;
  retryAfter: string | null;
  /** The first MAX_RESPONSE_BODY_BYTES of the answer's body, as text. */
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

/** The attempt that never left: the URL guard refused the endpoint's address. */
export function urlRefused(reason: string): PostResult {
  return { responseStatus: null, retryAfter: null, responseBody: null, durationMs: 0, error: `url refused: ${reason}` };
}

export async function postEvent(
  io: { fetch: typeof fetch; now: () => number },
  url: string,
  headers: SignedHeaders,
  body: string,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<PostResult> {
  const started = io.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await untilAborted(
      io.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Switchboard-Webhooks/1", ...headers },
        body,
        redirect: "manual",
        signal,
      }),
      signal,
    );
    // The status decides; a body that trickles in after it is cut off, not waited for.
    const responseBody = await untilAborted(readPrefix(response), signal).catch(() => null);
    return {
      responseStatus: response.status,
      retryAfter: response.headers.get("retry-after"),
      responseBody,
      durationMs: io.now() - started,
      error: response.ok ? null : `HTTP ${response.status}`,
    };
  } catch (error) {
    return {
      responseStatus: null,
      retryAfter: null,
      responseBody: null,
      durationMs: io.now() - started,
      error: signal.aborted ? `no answer within ${formatMs(timeoutMs)}` : errorMessage(error),
    };
  }
}

/** Rejects when the signal fires even if `work` ignores it (an injected fetch, a stalled stream). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Reads just enough of the body, then cancels the rest so the connection is let go. */
async function readPrefix(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_RESPONSE_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return truncateResponseBody(concatBytes(...chunks));
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
