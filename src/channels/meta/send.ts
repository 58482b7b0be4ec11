/**
 * Text replies through the Send API, for Messenger and Instagram: the 24-hour standard
 * messaging window, the request, and the answer.
 * @see https://developers.facebook.com/docs/messenger-platform/send-messages
 * @see https://developers.facebook.com/docs/messenger-platform/policy/policy-overview#standard_messaging
 * @see https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message
 */
import { z } from "zod";
import { callPlatformApi, isApiResponse, withApiBase } from "../http.ts";
import { isWindowOpen, type OutboundText, type ReplyWindow, type SendIo, type SendResult, windowAfterLastInbound } from "../types.ts";
import type { MetaCredentials } from "./credentials.ts";
import { failureFromGraph } from "./graph-error.ts";
import type { MetaProduct } from "./product.ts";

/** One place to move the Graph API version forward. */
export const GRAPH_API_VERSION = "v23.0";

const HOUR_MS = 3600 * 1000;
const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR_MS;

const SendResponseSchema = z.looseObject({ message_id: z.string().min(1) });

export async function sendMetaText(
  message: OutboundText,
  credentials: MetaCredentials,
  io: SendIo,
  product: MetaProduct,
  window: ReplyWindow,
): Promise<SendResult> {
  const { context } = message;
  const standard = isWindowOpen(window, io.now);
  // After the standard window only a human agent may answer, for 7 days, tagged, and only with the permission.
  const humanAgent =
    !standard &&
    message.author === "agent" &&
    credentials.messageTag === "HUMAN_AGENT" &&
    isWindowOpen(windowAfterLastInbound(context.lastInboundAt, HUMAN_AGENT_WINDOW_MS, "messenger_human_agent_7d"), io.now);
  if (!standard && !humanAgent) {
    return { ok: false, kind: "refused", reason: windowClosedReason(product.name, window, context.lastInboundAt, io.now, credentials) };
  }

  const page = credentials.pageId ?? "me";
  const url = withApiBase(`${product.graphOrigin(credentials.pageAccessToken)}/${GRAPH_API_VERSION}/${page}/messages`, io.apiBase);
  const body = {
    recipient: { id: context.platformThreadId },
    ...(humanAgent
      ? { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" }
      : product.messagingType
        ? { messaging_type: product.messagingType }
        : {}),
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
 * Meta only accepts tagged messages after 24 hours. The HUMAN_AGENT tag allows a human
 * agent's reply for 7 days; it needs the Human Agent permission (the channel's
 * `messageTag: "HUMAN_AGENT"`) and must never carry an automated reply.
 */
function windowClosedReason(
  product: string,
  window: ReplyWindow,
  lastInboundAt: number | null,
  now: number,
  credentials: MetaCredentials,
): string {
  const since =
    lastInboundAt === null
      ? "the customer has not written in this conversation"
      : `the customer last wrote ${Math.floor((now - lastInboundAt) / HOUR_MS)} h ago`;
  const tagged =
    credentials.messageTag === "HUMAN_AGENT"
      ? "an agent's reply goes out tagged HUMAN_AGENT up to 7 days after the customer's last message; automatic replies never do"
      : "the HUMAN_AGENT tag (a human agent's reply up to 7 days later) needs Meta's Human Agent permission and the channel's `messageTag: \"HUMAN_AGENT\"`";
  const which =
    window.rule === "messenger_ad_referral_7d" ? "7-day window of a conversation started from an ad" : "24-hour standard messaging window";
  return `${product}'s ${which} is closed (${since}); after it Meta accepts only tagged messages: ${tagged}`;
}
