/**
 * A text reply through the Cloud API: `POST /<version>/<phone-number-id>/messages` with the
 * access token as a bearer. Free-form text is only allowed inside the 24-hour customer service
 * window; outside it Meta demands an approved template, so the reply is refused before any call.
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages
 * @see https://developers.facebook.com/docs/whatsapp/conversation-types#customer-service-window
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
import { z } from "zod";
import { type ApiResponse, callPlatformApi, failureFromStatus, isApiResponse, withApiBase } from "../http.ts";
import { isWindowOpen, type OutboundTemplate, type OutboundText, type SendIo, type SendResult } from "../types.ts";
import { phoneNumberIdOf } from "./thread.ts";
import { whatsappReplyWindow } from "./window.ts";

/** Pinned so request and response shapes do not move under us; v25.0 is supported until July 2028. */
const GRAPH_API_VERSION = "v25.0";
const GRAPH_ORIGIN = "https://graph.facebook.com";

/** Meta's limit for `text.body`. */
const MAX_TEXT_LENGTH = 4096;

/**
 * Error codes that mean "slow down", answered with HTTP 400 as often as 429: app call limit (4),
 * WABA limit (80007), throughput (130429), same-customer pair limit (131056); and temporary
 * outages: 2 (service) and 131016 (service unavailable).
 */
const RETRYABLE_ERROR_CODES = new Set([2, 4, 80007, 130429, 131016, 131056]);
/** "Re-engagement message": Meta saw the window closed, e.g. when our clocks disagree. */
const WINDOW_CLOSED_ERROR_CODE = 131047;

interface WhatsAppSendCredentials {
  accessToken: string;
  phoneNumberId: string;
}

export async function sendWhatsApp(message: OutboundText, credentials: WhatsAppSendCredentials, io: SendIo): Promise<SendResult> {
  const refusal = refusalOf(message, credentials, io.now);
  if (refusal) return { ok: false, kind: "refused", reason: refusal };
  return postMessage(textMessageBody(message.context.platformUserId, message.text), credentials, io);
}

/**
 * An approved template, accepted inside the window and after it; Meta checks the name,
 * language and parameters against what it approved (an error names what is wrong).
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates
 */
export async function sendWhatsAppTemplate(
  message: OutboundTemplate,
  credentials: WhatsAppSendCredentials,
  io: SendIo,
): Promise<SendResult> {
  const refusal = ownerRefusal(message.context.platformThreadId, credentials);
  if (refusal) return { ok: false, kind: "refused", reason: refusal };
  const { name, language, components } = message.template;
  const template = {
    name,
    // "deterministic": the only policy; the official SDK sends it with every code.
    language: { policy: "deterministic", code: language },
    ...(components ? { components } : {}),
  };
  return postMessage({ ...messageEnvelope(message.context.platformUserId), type: "template", template }, credentials, io);
}

async function postMessage(body: Record<string, unknown>, credentials: WhatsAppSendCredentials, io: SendIo): Promise<SendResult> {
  const url = withApiBase(`${GRAPH_ORIGIN}/${GRAPH_API_VERSION}/${encodeURIComponent(credentials.phoneNumberId)}/messages`, io.apiBase);
  const response = await callPlatformApi(io, url, {
    method: "POST",
    headers: { authorization: `Bearer ${credentials.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!isApiResponse(response)) return response;
  if (response.status >= 200 && response.status < 300) {
    const sent = SentSchema.safeParse(response.json);
    return { ok: true, platformMessageId: sent.success ? (sent.data.messages[0]?.id ?? null) : null };
  }
  return failureOf(response);
}

function refusalOf(message: OutboundText, credentials: WhatsAppSendCredentials, now: number): string | null {
  const { context } = message;
  if (!isWindowOpen(whatsappReplyWindow(context), now)) {
    const since = context.lastInboundAt === null ? "has never written" : `last wrote at ${new Date(context.lastInboundAt).toISOString()}`;
    return `outside WhatsApp's 24-hour customer service window (the customer ${since}); only an approved template message can be sent now`;
  }
  const owner = ownerRefusal(context.platformThreadId, credentials);
  if (owner) return owner;
  if ([...message.text].length > MAX_TEXT_LENGTH) return `text is longer than WhatsApp's ${MAX_TEXT_LENGTH} characters`;
  return null;
}

function ownerRefusal(platformThreadId: string, credentials: WhatsAppSendCredentials): string | null {
  const owner = phoneNumberIdOf(platformThreadId);
  if (owner !== null && owner !== credentials.phoneNumberId) {
    return `the conversation belongs to business number ${owner}, but this channel sends from ${credentials.phoneNumberId}`;
  }
  return null;
}

/**
 * A phone number goes in `to`; a business-scoped user id (`US.1349…`, for customers who hide
 * their number) goes in `recipient` (UNCONFIRMED field name, see NOTES.md).
 */
function messageEnvelope(customerId: string): Record<string, unknown> {
  const address = /^\d+$/.test(customerId) ? { to: customerId } : { recipient: customerId };
  return { messaging_product: "whatsapp", recipient_type: "individual", ...address };
}

function textMessageBody(customerId: string, text: string): Record<string, unknown> {
  return { ...messageEnvelope(customerId), type: "text", text: { preview_url: false, body: text } };
}

const SentSchema = z.looseObject({ messages: z.array(z.looseObject({ id: z.string().min(1) })) });

const GraphErrorSchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    /** A number from Meta; some proxies send it as a string. */
    code: z.union([z.number(), z.string()]).optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
    /** Graph's own hint that the same call may succeed later. */
    is_transient: z.boolean().optional(),
  }),
});

function failureOf(response: ApiResponse): SendResult {
  const parsed = GraphErrorSchema.safeParse(response.json);
  if (!parsed.success) return failureFromStatus(response, `WhatsApp API answered HTTP ${response.status}: ${response.text.slice(0, 200)}`);

  const { message, code, error_data: data, is_transient: isTransient } = parsed.data.error;
  const error = [message ?? `HTTP ${response.status}`, data?.details].filter(Boolean).join(": ");
  const numericCode = Number(code);
  if (numericCode === WINDOW_CLOSED_ERROR_CODE) {
    return { ok: false, kind: "refused", reason: `${error} (only an approved template message can be sent now)` };
  }
  if (isTransient || RETRYABLE_ERROR_CODES.has(numericCode)) {
    const retry = { ok: false, kind: "retry", error, status: response.status } as const;
    return response.retryAfterSeconds === undefined ? retry : { ...retry, retryAfterSeconds: response.retryAfterSeconds };
  }
  return failureFromStatus(response, error);
}
