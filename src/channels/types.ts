/**
 * The one contract every platform implements. Intake calls `verify` (POST) and
 * `handshake` (GET), the inbound consumer calls `normalize`, actions call `send`.
 * Everything here is pure: clocks, credentials and fetch come in as arguments.
 */
import { z } from "zod";
import { AttachmentSchema, OrderStatusSchema, type Platform } from "../events/schema.ts";

export type Credentials = Record<string, string | undefined>;

/** What the edge received. Untrusted until `verify` accepts it. */
export interface RawDelivery {
  platform: Platform;
  channelId: string;
  method: string;
  url: URL;
  headers: Headers;
  /** The exact bytes; signatures cover these. */
  body: Uint8Array<ArrayBuffer>;
  /** Epoch ms, from the injected clock. */
  receivedAt: number;
}

export type Verdict =
  | { kind: "accept" }
  /** A registration challenge answered (Meta's hub.challenge, X's CRC). */
  | { kind: "handshake"; response: Response }
  /** `reason` is logged, never returned to the caller. 400: a body the platform never sends. */
  | { kind: "reject"; status: 400 | 401 | 403 | 404; reason: string };

/** Width of `platformIndex`: TikTok Shop's ids are 18–19 digits; an index up to 32 digits fits. */
export const PLATFORM_INDEX_DIGITS = 32;

const PlatformUserSchema = z.strictObject({ platformUserId: z.string().min(1), displayName: z.string().nullable() });
const epochMs = z.number().int().nonnegative();

/** A customer's message. Echoes of the business's own messages are never items. */
export const InboundMessageSchema = z.strictObject({
  kind: z.literal("message"),
  platformThreadId: z.string().min(1),
  sender: PlatformUserSchema,
  /** Unique per channel; chat-qualified (`<chatId>:<messageId>`) where the platform's is not. */
  platformMessageId: z.string().min(1),
  sentAt: epochMs,
  text: z.string().nullable(),
  attachments: z.array(AttachmentSchema),
  /** LINE's reply token, usable until `expiresAt` (epoch ms). */
  replyToken: z.strictObject({ token: z.string().min(1), expiresAt: epochMs }).optional(),
  /** An interaction the platform waits for us to answer (a Telegram button tap's callback query id). */
  acknowledge: z.string().min(1).optional(),
  /** The customer came from an ad (Messenger's click-to-Messenger referral): some windows are longer then. */
  adReferral: z.strictObject({ adId: z.string().nullable() }).optional(),
  /**
   * The platform's position of the message in its thread (TikTok Shop's `index`), as decimal
   * digits zero-padded to a fixed width so that comparing the strings compares the numbers.
   * Compared only within one thread: messages that arrive out of order are listed in this order.
   */
  platformIndex: z
    .string()
    .regex(new RegExp(`^\\d{${PLATFORM_INDEX_DIGITS}}$`))
    .optional(),
});

/** A delivery or read receipt for a message the business sent. */
export const MessageStatusItemSchema = z.strictObject({
  kind: z.literal("status"),
  platformThreadId: z.string().min(1),
  contact: PlatformUserSchema,
  /** The receipt's message; for watermark receipts (Messenger, LINE) `watermark:<epoch ms>`. */
  platformMessageId: z.string().min(1),
  status: z.enum(["delivered", "read", "failed"]),
  at: epochMs,
});

/** Follow, unfollow, block: changes to the contact's relation with the business. */
export const ContactChangeItemSchema = z.strictObject({
  kind: z.literal("contact"),
  /** The platform's id for this event, or a stable composite; de-duplicates retries. */
  platformEventId: z.string().min(1),
  platformThreadId: z.string().nullable(),
  contact: PlatformUserSchema,
  change: z.enum(["followed", "unfollowed", "blocked", "unblocked"]),
  at: epochMs,
});

export const OrderUpdateItemSchema = z.strictObject({
  kind: z.literal("order"),
  /** The platform's id for this notification; keys the event, so a retry is one event. */
  platformEventId: z.string().min(1),
  orderId: z.string().min(1),
  status: OrderStatusSchema,
  platformStatus: z.string(),
  at: epochMs,
});

/** The shop revoked the app, or its authorization is about to end (TikTok Shop types 6 and 7): the channel's health. */
export const AuthorizationItemSchema = z.strictObject({
  kind: z.literal("authorization"),
  platformEventId: z.string().min(1),
  change: z.enum(["deauthorized", "expiring"]),
  /** Epoch ms the authorization ends, when the platform says. */
  expiresAt: epochMs.nullable(),
});

/**
 * The customer came back into an existing thread from an ad (Messenger's `referral` event),
 * without writing: the thread's reply window may lengthen (window.ts).
 */
export const AdReferralItemSchema = z.strictObject({
  kind: z.literal("referral"),
  platformThreadId: z.string().min(1),
  contact: PlatformUserSchema,
  adId: z.string().nullable(),
  at: epochMs,
});

/**
 * Where the buyer opened the chat from (TikTok Shop's `BUYER_ENTER_FROM_*`): a product page,
 * an order, or a transfer. Context for the conversation's next messages, not a question.
 */
export const EnteredFromItemSchema = z.strictObject({
  kind: z.literal("entered_from"),
  platformThreadId: z.string().min(1),
  source: z.enum(["product", "order", "transfer"]),
  /** The product's or order's id, when the platform gives one. */
  refId: z.string().min(1).max(64).nullable(),
  at: epochMs,
});

export const InboundItemSchema = z.discriminatedUnion("kind", [
  InboundMessageSchema,
  MessageStatusItemSchema,
  ContactChangeItemSchema,
  OrderUpdateItemSchema,
  AuthorizationItemSchema,
  AdReferralItemSchema,
  EnteredFromItemSchema,
]);

export type InboundItem = z.infer<typeof InboundItemSchema>;
export type InboundMessage = z.infer<typeof InboundMessageSchema>;
export type MessageStatusItem = z.infer<typeof MessageStatusItemSchema>;
export type ContactChangeItem = z.infer<typeof ContactChangeItemSchema>;
export type OrderUpdate = z.infer<typeof OrderUpdateItemSchema>;
export type AuthorizationItem = z.infer<typeof AuthorizationItemSchema>;
export type AdReferralItem = z.infer<typeof AdReferralItemSchema>;
export type EnteredFromItem = z.infer<typeof EnteredFromItemSchema>;

export type NormalizeResult =
  | { ok: true; items: InboundItem[]; ignored: string[] }
  /** A body the adapter cannot read: it becomes a dead letter, never an exception. */
  | { ok: false; reason: string };

/** What a platform's reply window is counted from (epoch ms). */
export interface WindowFacts {
  /** The customer's last inbound message here, null if none. */
  lastInboundAt: number | null;
  /** When the conversation came from an ad (Messenger's click-to-Messenger referral); absent or null if it did not. */
  adReferralAt?: number | null;
}

/**
 * When the platform stops accepting a normal reply: `closesAt` epoch ms (0 when the customer
 * never wrote: closed), or null where the platform has no window. `rule` names the rule.
 */
export interface ReplyWindow {
  closesAt: number | null;
  rule: string;
}

/** A platform without a reply window. */
export const NO_REPLY_WINDOW: ReplyWindow = { closesAt: null, rule: "none" };

/** The window of `windowMs` after the customer's last message; closed if there is none. */
export function windowAfterLastInbound(lastInboundAt: number | null, windowMs: number, rule: string): ReplyWindow {
  return { closesAt: lastInboundAt === null ? 0 : lastInboundAt + windowMs, rule };
}

/** Whether a normal reply is accepted at `now`. */
export function isWindowOpen(window: ReplyWindow, now: number): boolean {
  return window.closesAt === null || now <= window.closesAt;
}

/** What a reply needs to know about the conversation, to honour the platform's rules. */
export interface ReplyContext extends WindowFacts {
  platformThreadId: string;
  platformUserId: string;
  /** The last inbound message's LINE reply token, if any. */
  replyToken: { token: string; expiresAt: number } | null;
}

/**
 * An approved WhatsApp message template, the only message WhatsApp takes outside its customer
 * service window. `components` fill its parameters, in the Cloud API's own shape.
 * @see https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages#template-object
 */
export const MessageTemplateSchema = z
  .strictObject({
    /** Template names are lower-case letters, digits and underscores. */
    name: z
      .string()
      .max(512)
      .regex(/^[a-z0-9_]+$/, "lower-case letters, digits and underscores, as WhatsApp names templates"),
    /** The approved translation: `en`, `en_US`, `pt_BR`, `zh_HK`… */
    language: z
      .string()
      .max(16)
      .regex(/^[a-z]{2,3}(_[A-Za-z0-9]{2,4})?$/, "a language code such as en or en_US"),
    components: z
      .array(
        z.looseObject({
          type: z.enum(["header", "body", "button", "footer"]),
          sub_type: z.string().max(32).optional(),
          index: z.union([z.number().int().min(0).max(9), z.string().regex(/^\d$/)]).optional(),
          parameters: z
            .array(z.looseObject({ type: z.string().min(1).max(32) }))
            .max(50)
            .optional(),
        }),
      )
      .max(20)
      .optional(),
  })
  .meta({ id: "MessageTemplate" });
export type MessageTemplate = z.infer<typeof MessageTemplateSchema>;

/** A template reply: no window applies (that is what templates are for). */
export interface OutboundTemplate {
  template: MessageTemplate;
  context: ReplyContext;
  idempotencyKey?: string;
}

export interface OutboundText {
  text: string;
  context: ReplyContext;
  /** Stable across retries of the same reply (our outbound message id), for platforms that de-duplicate sends. */
  idempotencyKey?: string;
  /** Who writes it: some platforms let only a human agent answer late (Meta's HUMAN_AGENT tag). */
  author?: "agent" | "bot";
}

export type SendResult =
  | { ok: true; platformMessageId: string | null }
  /** The platform's rules forbid this reply now (window closed…); nothing was sent. API: 422. */
  | { ok: false; kind: "refused"; reason: string }
  /** Rate-limited, 5xx or unreachable: worth retrying later. */
  | { ok: false; kind: "retry"; error: string; status: number | null; retryAfterSeconds?: number }
  /**
   * Any other refusal by the platform's API, with its error. `unauthorized`: the access
   * token was refused (expired or revoked); the gateway refreshes it once and tries again.
   */
  | { ok: false; kind: "failed"; error: string; status: number; unauthorized?: true };

/** What a token refresh (`ChannelAdapter.refreshToken`) answered. */
export type RefreshResult =
  /** The new pair, to be stored before it is used; `expiresAt` and `refreshExpiresAt` in epoch ms when the platform says. */
  | { ok: true; accessToken: string; refreshToken: string; expiresAt: number | null; refreshExpiresAt: number | null }
  /** The platform refused the refresh token or the app's secret: only the shop can mend it (authorize again). */
  | { ok: false; kind: "refused"; reason: string }
  /** Unreachable, 5xx or rate-limited: nothing changed, try again later. */
  | { ok: false; kind: "retry"; error: string };

export interface SendIo {
  fetch: typeof fetch;
  /** `<PLATFORM>_API_BASE`: an origin that replaces the platform API's own. */
  apiBase: string | undefined;
  /** `TIKTOK_AUTH_BASE`, `ZALO_OAUTH_BASE`: an origin that replaces the platform's token host. */
  authBase?: string | undefined;
  now: number;
}

export interface ChannelAdapter<Creds extends Credentials = Credentials> {
  readonly platform: Platform;
  /** Validates `credentials` of POST /v1/channels for this platform. */
  readonly credentials: z.ZodType<Creds>;
  /** Credential fields that identify rather than authenticate; the API may show them. */
  readonly publicCredentialFields: readonly (keyof Creds & string)[];
  /**
   * Edge: the largest body intake reads for this platform (413 beyond), when it must be
   * smaller than intake's 1 MiB, e.g. because `verify` parses the body before it can check it.
   */
  readonly maxBodyBytes?: number;
  /** Edge, POST. Fails closed: a missing secret or header rejects. Never throws on bad input. */
  verify(delivery: RawDelivery, credentials: Creds): Promise<Verdict>;
  /** Edge, GET: the registration handshake. Without one, GET answers 405. */
  handshake?(delivery: RawDelivery, credentials: Creds): Promise<Verdict>;
  /** Consumer. Pure and deterministic; one delivery may hold zero, one or many items. Never throws. */
  normalize(body: string): NormalizeResult;
  /**
   * Pure: the conversation's reply window. The adapter's `send` refuses by the same function,
   * so the window shown and the refusal never disagree. Absent: the platform has no window.
   */
  replyWindow?(facts: WindowFacts): ReplyWindow;
  /** Sends a text reply through the platform's API. Never throws. */
  send?(message: OutboundText, credentials: Creds, io: SendIo): Promise<SendResult>;
  /**
   * Whether these credentials let the gateway renew the access token itself (a refresh
   * token, and whatever secret the platform asks with it). Platforms whose tokens never
   * expire have no `refreshToken`.
   */
  canRefresh?(credentials: Creds): boolean;
  /** Exchanges the refresh token for a new pair. Never throws. Single-use refresh tokens: call it from one place at a time. */
  refreshToken?(credentials: Creds, io: SendIo): Promise<RefreshResult>;
  /** Sends an approved message template (WhatsApp only). Never throws. */
  sendTemplate?(message: OutboundTemplate, credentials: Creds, io: SendIo): Promise<SendResult>;
  /** Answers an item's `acknowledge` (Telegram: the spinner on a tapped button stops). Never throws. */
  acknowledge?(interactionId: string, credentials: Creds, io: SendIo): Promise<SendResult>;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds adapters of every credential shape.
export type AnyChannelAdapter = ChannelAdapter<any>;
