/**
 * Looks an order up for an automatic reply: the workspace's own order API
 * (`settings.orderLookup`, CONTRACT.md) when configured, else TikTok Shop's Order API for a
 * TikTok channel that has `accessToken` and `shopCipher`. Bounded in time, never throws.
 */
import { z } from "zod";
import { withApiBase } from "../channels/http.ts";
import { signApiRequest } from "../channels/tiktok/api-sign.ts";
import { ORDER_STATUS } from "../channels/tiktok/normalize.ts";
import { TIKTOK_API_ORIGIN } from "../channels/tiktok/send.ts";
import { UNAUTHORIZED_CODES } from "../channels/tiktok/token.ts";
import type { Credentials } from "../channels/types.ts";
import { checkOutboundUrl } from "../deliver/url-guard.ts";
import { errorMessage } from "../lib/errors.ts";
import { tryParseJson } from "../lib/json.ts";
import type { OrderFacts } from "../route/templates.ts";
import type { Settings } from "../settings.ts";

export const ORDER_LOOKUP_TIMEOUT_MS = 5_000;

export type OrderLookup =
  | { kind: "found"; order: OrderFacts }
  | { kind: "not_found" }
  /** `unauthorized`: the platform refused the channel's access token; the caller renews it once and asks again. */
  | { kind: "failed"; error: string; unauthorized?: true };

export interface OrderLookupIo {
  fetch: typeof fetch;
  now: number;
  allowPrivate: boolean;
  /** Opens the sealed value of the order-lookup header named `header` (lowercase). */
  open(sealed: string, header: string): Promise<string>;
  /** `TIKTOK_API_BASE`, for a local fake. */
  tiktokApiBase: string | undefined;
}

const MerchantOrderSchema = z.looseObject({
  orderId: z.union([z.string(), z.number()]).transform(String),
  status: z.string().min(1),
  carrier: z.string().optional(),
  trackingNumber: z.string().optional(),
  estimatedDelivery: z.string().optional(),
});

export async function lookUpOrder(
  orderId: string,
  source: { settings: Settings; platform: string; credentials: Credentials },
  io: OrderLookupIo,
): Promise<OrderLookup> {
  const { orderLookup } = source.settings;
  if (orderLookup) return lookUpWithMerchant(orderId, orderLookup, io);
  const { appKey, appSecret, accessToken, shopCipher } = source.credentials;
  if (source.platform === "tiktok" && appKey && appSecret && accessToken && shopCipher) {
    return lookUpWithTikTok(orderId, { appKey, appSecret, accessToken, shopCipher }, io);
  }
  return { kind: "failed", error: "no order lookup is configured (settings.orderLookup)" };
}

async function lookUpWithMerchant(orderId: string, lookup: NonNullable<Settings["orderLookup"]>, io: OrderLookupIo): Promise<OrderLookup> {
  const url = lookup.url.replaceAll("{orderId}", encodeURIComponent(orderId));
  // Checked again at call time: settings may predate a stricter guard.
  const verdict = checkOutboundUrl(url, { allowPrivate: io.allowPrivate });
  if (!verdict.ok) return { kind: "failed", error: `order lookup URL ${verdict.reason}` };
  const headers: Record<string, string> = { accept: "application/json" };
  try {
    for (const [name, sealed] of Object.entries(lookup.headersSealed)) headers[name] = await io.open(sealed, name);
  } catch (error) {
    // The message names the header, never its value.
    return { kind: "failed", error: `order lookup header cannot be opened: ${errorMessage(error)}` };
  }
  const response = await get(io, url, headers);
  if ("error" in response) return { kind: "failed", error: response.error };
  if (response.status === 404) return { kind: "not_found" };
  if (response.status !== 200) return { kind: "failed", error: `order lookup answered HTTP ${response.status}` };
  const order = MerchantOrderSchema.safeParse(response.json);
  if (!order.success) return { kind: "failed", error: "order lookup answered without orderId and status" };
  const { carrier, trackingNumber, estimatedDelivery } = order.data;
  return { kind: "found", order: { orderId: order.data.orderId, status: order.data.status, carrier, trackingNumber, estimatedDelivery } };
}

/**
 * Get Order Detail: `GET /order/202309/orders?ids=…`, signed like every Open API call.
 * @see https://partner.tiktokshop.com/docv2/page/get-order-detail-202309
 */
async function lookUpWithTikTok(
  orderId: string,
  keys: { appKey: string; appSecret: string; accessToken: string; shopCipher: string },
  io: OrderLookupIo,
): Promise<OrderLookup> {
  const path = "/order/202309/orders";
  const query: Record<string, string> = {
    app_key: keys.appKey,
    ids: orderId,
    shop_cipher: keys.shopCipher,
    timestamp: String(Math.floor(io.now / 1000)),
  };
  query.sign = await signApiRequest(keys.appSecret, path, query, "");
  const url = withApiBase(`${TIKTOK_API_ORIGIN}${path}?${new URLSearchParams(query)}`, io.tiktokApiBase);
  const response = await get(io, url, { "x-tts-access-token": keys.accessToken, "content-type": "application/json" });
  if ("error" in response) return { kind: "failed", error: response.error };
  const body = TikTokOrdersSchema.safeParse(response.json);
  if (response.status !== 200 || !body.success || body.data.code !== 0) {
    const error = `TikTok Shop order API answered HTTP ${response.status}${body.success ? ` code ${body.data.code}` : ""}`;
    // The same refusals as a reply's (channels/tiktok/send.ts): an expired or revoked token.
    const unauthorized = response.status === 401 || (body.success && UNAUTHORIZED_CODES.has(body.data.code));
    return unauthorized ? { kind: "failed", error, unauthorized: true } : { kind: "failed", error };
  }
  const order = body.data.data?.orders?.find((o) => o.id === orderId);
  if (!order) return { kind: "not_found" };
  const pkg = order.packages?.[0];
  return {
    kind: "found",
    order: {
      orderId,
      status: ORDER_STATUS[order.status] ?? order.status,
      carrier: pkg?.shipping_provider_name,
      trackingNumber: pkg?.tracking_number,
    },
  };
}

const TikTokOrdersSchema = z.looseObject({
  code: z.number(),
  data: z
    .looseObject({
      orders: z
        .array(
          z.looseObject({
            id: z.string(),
            status: z.string(),
            packages: z
              .array(z.looseObject({ tracking_number: z.string().optional(), shipping_provider_name: z.string().optional() }))
              .optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

async function get(
  io: OrderLookupIo,
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: unknown } | { error: string }> {
  try {
    const response = await io.fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(ORDER_LOOKUP_TIMEOUT_MS) });
    const text = await response.text();
    const parsed = tryParseJson(text);
    return { status: response.status, json: parsed.ok ? parsed.value : null };
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return {
      error: timedOut
        ? `order lookup gave no answer within ${ORDER_LOOKUP_TIMEOUT_MS / 1000} s`
        : `order lookup failed: ${errorMessage(error)}`,
    };
  }
}
