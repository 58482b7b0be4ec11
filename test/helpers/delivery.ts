// A RawDelivery as intake builds it, for tests that call an adapter's verify or handshake directly.
import type { RawDelivery } from "../../src/channels/types.ts";
import type { Platform } from "../../src/events/schema.ts";
import { utf8 } from "../../src/lib/encoding.ts";

export const TEST_NOW = Date.parse("2026-11-26T03:00:00Z");

export function rawDelivery(
  platform: Platform,
  body: string | Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
  options: { method?: string; query?: Record<string, string> | string; receivedAt?: number } = {},
): RawDelivery {
  const url = new URL(`https://gw.example/webhooks/${platform}/ch_test`);
  if (typeof options.query === "string") url.search = options.query;
  else for (const [key, value] of Object.entries(options.query ?? {})) url.searchParams.set(key, value);
  return {
    platform,
    channelId: "ch_test",
    method: options.method ?? "POST",
    url,
    headers: new Headers(headers),
    body: typeof body === "string" ? utf8(body) : body,
    receivedAt: options.receivedAt ?? TEST_NOW,
  };
}
