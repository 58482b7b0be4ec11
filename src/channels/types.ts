/**
 * The one contract every platform implements. Intake calls `verify` (and `handshake` for
 * GET), the inbound consumer calls `normalize`, actions call `send`. Everything here is
 * pure: clocks, credentials and fetch come in as arguments.
 */
import type { z } from "zod";
import type { Attachment, OrderStatus, Platform } from "../events/schema.ts";

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
  | { kind: "handshake"; response: Response }
  /** `reason` is logged, never returned to the caller. */
  | { kind: "reject"; status: 401 | 404 | 405; reason: string };

/** A platform-neutral item, before our ids are attached. Times are epoch ms. */
export type InboundItem = InboundMessage | OrderUpdate;

export interface InboundMessage {
  kind: "message";
  platformThreadId: string;
  sender: { platformUserId: string; displayName: string | null };
  platformMessageId: string;
  sentAt: number;
  text: string | null;
  attachments: Attachment[];
}

export interface OrderUpdate {
  kind: "order";
  /** The platform's id for this notification; keys the event, so a retry is one event. */
  platformEventId: string;
  orderId: string;
  status: OrderStatus;
  platformStatus: string;
  at: number;
}

export type NormalizeResult =
  | { ok: true; items: InboundItem[]; ignored: string[] }
  /** A body the adapter cannot read: it becomes a dead letter, never an exception. */
  | { ok: false; reason: string };

export interface ChannelAdapter<Creds extends Credentials = Credentials> {
  readonly platform: Platform;
  /** Validates `credentials` of POST /v1/channels for this platform. */
  readonly credentials: z.ZodType<Creds>;
  /** Credential fields that identify rather than authenticate; the API may show them. */
  readonly publicCredentialFields: readonly (keyof Creds & string)[];
  /** Edge. Fails closed: a missing secret or header rejects. Never throws on bad input. */
  verify(delivery: RawDelivery, credentials: Creds): Promise<Verdict>;
  /** Consumer. Pure and deterministic; one delivery may hold zero, one or many items. */
  normalize(body: string): NormalizeResult;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds adapters of every credential shape.
export type AnyChannelAdapter = ChannelAdapter<any>;
