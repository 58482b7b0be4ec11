/**
 * Shared plumbing for adapters' outbound API calls: one JSON request with a timeout, and
 * the generic reading of an HTTP failure (429 and 5xx retry, other 4xx fail). Each adapter
 * still reads its own platform's error body.
 */
import { errorMessage } from "../lib/errors.ts";
import { tryParseJson } from "../lib/json.ts";
import type { SendIo, SendResult } from "./types.ts";

export const PLATFORM_API_TIMEOUT_MS = 10_000;

export interface ApiResponse {
  status: number;
  /** The body parsed as JSON (lossless ids), or null when it is not JSON. */
  json: unknown;
  text: string;
  /** The response headers, for platforms that put rate-limit details in their own headers. */
  headers: Headers;
  retryAfterSeconds?: number;
}

/** `base` replaces the origin of `url` (CONTRACT.md `<PLATFORM>_API_BASE`); the path stays. */
export function withApiBase(url: string, base: string | undefined): string {
  if (!base) return url;
  const original = new URL(url);
  return `${base.replace(/\/$/, "")}${original.pathname}${original.search}`;
}

/** Calls a platform API; a network failure or timeout becomes a `retry` result. */
export async function callPlatformApi(
  io: SendIo,
  url: string,
  init: RequestInit,
): Promise<ApiResponse | Extract<SendResult, { kind: "retry" }>> {
  try {
    const response = await io.fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(PLATFORM_API_TIMEOUT_MS) });
    const text = await response.text();
    const parsed = text ? tryParseJson(text) : null;
    const json = parsed?.ok ? parsed.value : null;
    const retryAfter = response.headers.get("retry-after");
    const result: ApiResponse = { status: response.status, json, text, headers: response.headers };
    if (retryAfter && /^\d{1,6}$/.test(retryAfter.trim())) result.retryAfterSeconds = Number(retryAfter.trim());
    return result;
  } catch (error) {
    return { ok: false, kind: "retry", error: `platform API unreachable: ${errorMessage(error)}`, status: null };
  }
}

export function isApiResponse(value: ApiResponse | SendResult): value is ApiResponse {
  return "status" in value && "text" in value;
}

/** Generic failure reading: 429/5xx (and 408) retry, other non-2xx fail with `error`. */
export function failureFromStatus(response: ApiResponse, error: string, retryAfterSeconds = response.retryAfterSeconds): SendResult {
  if (response.status === 429 || response.status === 408 || response.status >= 500) {
    return retryAfterSeconds === undefined
      ? { ok: false, kind: "retry", error, status: response.status }
      : { ok: false, kind: "retry", error, status: response.status, retryAfterSeconds };
  }
  return { ok: false, kind: "failed", error, status: response.status };
}
