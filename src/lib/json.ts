/**
 * JSON.parse that keeps integers beyond 2^53 exact: such a number comes back as the string
 * of its digits (several platforms send 64-bit ids as JSON numbers). Uses the reviver's
 * source-text access (V8, workerd and Node 22+).
 */

type ReviverContext = { source?: string };

export function parseJsonLossless(text: string): unknown {
  return JSON.parse(text, function revive(this: unknown, _key: string, value: unknown, context?: ReviverContext) {
    if (typeof value === "number" && !Number.isSafeInteger(value) && context?.source && /^-?\d+$/.test(context.source)) {
      return context.source;
    }
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

/** `parseJsonLossless`, or null when the text is not JSON. */
export function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parseJsonLossless(text) };
  } catch {
    return { ok: false };
  }
}
