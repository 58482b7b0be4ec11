/** Sends planned DMs through autocannon (fixed amount), signing each at send time, and records send/ack per message. */
import { now, type Subscriber } from "./fakes.ts";
import { type LoadRun, runLoad } from "./load.ts";
import { progress } from "./progress.ts";
import { sleep } from "./stats.ts";
import { signedDelivery } from "./tiktok.ts";
import type { PlannedMessage, Traffic } from "./traffic.ts";

export interface SendRecord {
  message: PlannedMessage;
  sentAt: number;
  ackAt: number | null;
  status: number | null;
}

export async function sendDms(options: {
  label: string;
  baseUrl: string;
  channelId: string;
  traffic: Traffic;
  messages: readonly PlannedMessage[];
  connections: number;
  /** Stop sending after this long, whatever was sent by then. */
  maxSeconds: number;
}): Promise<{ sends: Map<string, SendRecord>; load: LoadRun; firstSentAt: number; lastAckAt: number }> {
  const path = `/webhooks/tiktok/${options.channelId}`;
  const sends = new Map<string, SendRecord>();
  let next = 0;
  const load = await runLoad({
    label: options.label,
    url: options.baseUrl,
    connections: Math.min(options.connections, options.messages.length),
    amount: options.messages.length,
    maxSeconds: options.maxSeconds,
    method: "POST",
    path,
    setupRequest: (request, context) => {
      const message = options.messages[next % options.messages.length];
      next += 1;
      if (!message) return request;
      const { body, headers } = signedDelivery(message, options.traffic.notificationId(), Date.now());
      context.messageId = message.messageId;
      sends.set(message.messageId, { message, sentAt: now(), ackAt: null, status: null });
      return { ...request, method: "POST", path, headers: { ...request.headers, ...headers }, body };
    },
    onResponse: (status, _body, context) => {
      const record = sends.get(String(context.messageId));
      if (record) {
        record.ackAt = now();
        record.status = status;
      }
    },
  });
  let firstSentAt = Number.POSITIVE_INFINITY;
  let lastAckAt = 0;
  for (const record of sends.values()) {
    firstSentAt = Math.min(firstSentAt, record.sentAt);
    if (record.ackAt !== null) lastAckAt = Math.max(lastAckAt, record.ackAt);
  }
  return { sends, load, firstSentAt, lastAckAt };
}

/** Message ids the gateway acknowledged with a 2xx. */
export function acknowledged(sends: Map<string, SendRecord>): SendRecord[] {
  return [...sends.values()].filter((record) => record.status !== null && record.status >= 200 && record.status < 300);
}

/**
 * Waits (bounded) until every acknowledged message reached the subscriber as
 * message.received; returns whether all did.
 */
export async function waitForReceived(
  label: string,
  subscriber: Subscriber,
  ids: readonly string[],
  timeoutMs: number,
  stallMs = timeoutMs,
): Promise<boolean> {
  const bar = progress(label, ids.length);
  const deadline = Date.now() + timeoutMs;
  let pending = [...ids];
  let lastProgress = Date.now();
  for (;;) {
    const before = pending.length;
    pending = pending.filter((id) => !subscriber.received.has(id));
    if (pending.length < before) lastProgress = Date.now();
    bar.update(ids.length - pending.length);
    if (pending.length === 0) {
      bar.finish("all delivered");
      return true;
    }
    if (Date.now() > deadline) {
      bar.finish(`timed out: ${pending.length} not delivered`);
      return false;
    }
    if (Date.now() - lastProgress > stallMs) {
      bar.finish(`stalled: nothing new for ${Math.round(stallMs / 1000)} s, ${pending.length} not delivered`);
      return false;
    }
    await sleep(pending.length > 1000 ? 200 : 25);
  }
}

/** Waits until `signature()` stops changing for `quietMs` (bounded by `timeoutMs`). */
export async function waitQuiet(signature: () => string, quietMs: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let last = signature();
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(50);
    const current = signature();
    if (current !== last) {
      last = current;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return true;
    }
  }
  return false;
}
