/**
 * Text replies through the Send API, for Messenger and Instagram: the 24-hour standard
 * messaging window, the request, and the answer.
 * @see https://developers.facebook.com/docs/messenger-platform/send-messages
 * @see https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#standard_messaging
 * @see https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message
 */
import { z } from "zod";
import { callPlatformApi, insideWindow, isApiResponse, withApiBase } from "../http.ts";
import type { OutboundText, SendIo, SendResult } from "../types.ts";
import type { MetaCredentials } from "./credentials.ts";
import { failureFromGraph } from "./graph-error.ts";
import type { MetaProduct } from "./product.ts";

/** One place to move the Graph API version forward. */
export const GRAPH_API_VERSION = "v23.0";

const HOUR_MS = 3600 * 1000;
const STANDARD_WINDOW_MS = 24 * HOUR_MS;

const SendResponseSchema = z.looseObject({ message_id: z.string().min(1) });

export async function sendMetaText(
  message: OutboundText,
  credentials: MetaCredentials,
  io: SendIo,
  product: MetaProduct,
): Promise<SendResult> {
  const { context } = message;
  if (!insideWindow(context.lastInboundAt, io.now, STANDARD_WINDOW_MS)) {
    return { ok: false, kind: "refused", reason: windowClosedReason(product.name, context.lastInboundAt, io.now) };
  }

  const page = credentials.pageId ?? "me";
  const url = withApiBase(`${product.graphOrigin(credentials.pageAccessToken)}/${GRAPH_API_VERSION}/${page}/messages`, io.apiBase);
  const body = {
    recipient: { id: context.platformThreadId },
    ...(product.messagingType ? { messaging_type: product.messagingType } : {}),
    message: { text: message.text },
  };
  // The token goes in a header rather than `?access_token=`, which would put it in URLs and logs.
  const response = await callPlatformApi(io, url, {
    method: "POST",
    headers: { authorization: `Bearer ${credentials.pageAccessToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!isApiResponse(response)) return response;
  if (response.status < 200 || response.status >= 300) return failureFromGraph(response, product.name);
  const sent = SendResponseSchema.safeParse(response.json);
  return { ok: true, platformMessageId: sent.success ? sent.data.message_id : null };
}

/**
 * Meta only accepts tagged messages after 24 hours. The HUMAN_AGENT tag would allow a human
 * agent's reply for 7 days, but it needs the Human Agent permission and must never carry an
 * automated reply, and a send here cannot tell the two apart: it is not used.
 */
function windowClosedReason(product: string, lastInboundAt: number | null, now: number): string {
  const since =
    lastInboundAt === null
      ? "the customer has not written in this conversation"
      : `the customer last wrote ${Math.floor((now - lastInboundAt) / HOUR_MS)} h ago`;
  return (
    `${product}'s 24-hour standard messaging window is closed (${since}); ` +
    "after it Meta accepts only tagged messages, and the HUMAN_AGENT tag (a human agent's reply up to 7 days later, " +
    "with the Human Agent permission) is not used by this gateway"
  );
}
