/**
 * The world around the gateway, on loopback: a subscriber (records webhook-id, type and
 * arrival time, verifies nothing, answers 204), the merchant's order API (200
 * {"orderId","status":"shipped"} for any id) and the platform APIs (TikTok Shop's
 * Customer Service send answers {"code":0,"data":{"message_id":…}}; anything else 200).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { onCleanup } from "./cleanup.ts";

export const now = (): number => performance.now();

export interface Listening {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** A loopback HTTP server handing each request's whole body to `handler`; port 0 picks a free one. */
export async function listen(
  handler: (request: IncomingMessage, body: string, response: ServerResponse) => void,
  requestedPort = 0,
): Promise<Listening> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        handler(request, Buffer.concat(chunks).toString("utf8"), response);
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
    });
  });
  server.keepAliveTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(requestedPort, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const unregister = onCleanup(close);
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await close();
      unregister();
    },
  };
}

export interface ReceivedMessage {
  /** First arrival of a message.received for this platform message id (performance.now()). */
  firstAt: number;
  eventIds: Set<string>;
  deliveries: number;
}

export interface Subscriber extends Listening {
  hooksUrl: string;
  deliveries: number;
  firstAt: number | null;
  lastAt: number | null;
  /** Deliveries per webhook-id (an id seen twice is a duplicate delivery). */
  byWebhookId: Map<string, number>;
  /** Distinct webhook-ids per event type. */
  byType: Map<string, number>;
  /** message.received, by the platform's message id (from the event body). */
  received: Map<string, ReceivedMessage>;
  /** ticket.created: arrival times, by ticket id. */
  tickets: Map<string, number>;
  lastReceivedAt: number | null;
  /** When the most recent new webhook-id (any event type) arrived. */
  lastNewIdAt: number | null;
  malformed: number;
}

export async function startSubscriber(): Promise<Subscriber> {
  const state = {
    deliveries: 0,
    firstAt: null as number | null,
    lastAt: null as number | null,
    byWebhookId: new Map<string, number>(),
    byType: new Map<string, number>(),
    received: new Map<string, ReceivedMessage>(),
    tickets: new Map<string, number>(),
    lastReceivedAt: null as number | null,
    lastNewIdAt: null as number | null,
    malformed: 0,
  };
  const listening = await listen((request, body, response) => {
    const at = now();
    response.writeHead(204).end();
    if (request.method !== "POST") return;
    state.deliveries += 1;
    state.firstAt ??= at;
    state.lastAt = at;
    const webhookId = String(request.headers["webhook-id"] ?? "");
    const seen = state.byWebhookId.get(webhookId) ?? 0;
    state.byWebhookId.set(webhookId, seen + 1);
    if (seen === 0) state.lastNewIdAt = at;
    let event: { id?: string; type?: string; data?: { message?: { platformMessageId?: string }; ticket?: { id?: string } } };
    try {
      event = JSON.parse(body);
    } catch {
      state.malformed += 1;
      return;
    }
    const type = event.type ?? "unknown";
    if (seen === 0) state.byType.set(type, (state.byType.get(type) ?? 0) + 1);
    if (type === "message.received") {
      const platformMessageId = event.data?.message?.platformMessageId;
      if (!platformMessageId) return;
      const entry = state.received.get(platformMessageId);
      if (entry) {
        entry.deliveries += 1;
        entry.eventIds.add(webhookId);
      } else {
        state.received.set(platformMessageId, { firstAt: at, eventIds: new Set([webhookId]), deliveries: 1 });
        state.lastReceivedAt = at;
      }
    } else if (type === "ticket.created") {
      const ticketId = event.data?.ticket?.id ?? webhookId;
      if (!state.tickets.has(ticketId)) state.tickets.set(ticketId, at);
    }
  });
  return Object.assign(state, listening, { hooksUrl: `${listening.url}/hooks` });
}

/** Webhook-ids delivered more than once, and the extra deliveries they account for. */
export function duplicateDeliveries(subscriber: Subscriber): { ids: number; extra: number } {
  let ids = 0;
  let extra = 0;
  for (const count of subscriber.byWebhookId.values()) {
    if (count > 1) {
      ids += 1;
      extra += count - 1;
    }
  }
  return { ids, extra };
}

export interface OrderApi extends Listening {
  /** Contains {orderId}, as settings.orderLookup.url wants. */
  lookupUrl: string;
  requests: number;
}

export async function startOrderApi(): Promise<OrderApi> {
  const state = { requests: 0 };
  const listening = await listen((request, _body, response) => {
    state.requests += 1;
    const match = /^\/orders\/([^/?]+)/.exec(request.url ?? "");
    if (!match?.[1]) {
      response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
      return;
    }
    response
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ orderId: decodeURIComponent(match[1]), status: "shipped" }));
  });
  return Object.assign(state, listening, { lookupUrl: `${listening.url}/orders/{orderId}` });
}

export interface PlatformApi extends Listening {
  requests: number;
  /** Customer Service sends, by TikTok conversation id: arrival times. */
  replies: Map<string, number[]>;
  replyCount: number;
  firstReplyAt: number | null;
  lastReplyAt: number | null;
  /** TikTok Order API look-ups (used only when settings.orderLookup is not set). */
  orderLookups: number;
  other: number;
}

export async function startPlatformApi(): Promise<PlatformApi> {
  const state = {
    requests: 0,
    replies: new Map<string, number[]>(),
    replyCount: 0,
    firstReplyAt: null as number | null,
    lastReplyAt: null as number | null,
    orderLookups: 0,
    other: 0,
  };
  let messageCounter = 0;
  const listening = await listen((request, _body, response) => {
    const at = now();
    state.requests += 1;
    const url = new URL(request.url ?? "/", "http://fake");
    const send = /^\/customer_service\/\d+\/conversations\/([^/]+)\/messages$/.exec(url.pathname);
    const json = (value: unknown) => response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
    if (send?.[1] && request.method === "POST") {
      const conversationId = decodeURIComponent(send[1]);
      const times = state.replies.get(conversationId);
      if (times) times.push(at);
      else state.replies.set(conversationId, [at]);
      state.replyCount += 1;
      state.firstReplyAt ??= at;
      state.lastReplyAt = at;
      messageCounter += 1;
      json({ code: 0, message: "Success", data: { message_id: `73730099887766${String(messageCounter).padStart(5, "0")}` } });
      return;
    }
    if (url.pathname === "/order/202309/orders") {
      state.orderLookups += 1;
      const ids = (url.searchParams.get("ids") ?? "").split(",").filter(Boolean);
      json({ code: 0, message: "Success", data: { orders: ids.map((id) => ({ id, status: "IN_TRANSIT" })) } });
      return;
    }
    state.other += 1;
    json({ code: 0, message: "Success", data: {} });
  });
  return Object.assign(state, listening);
}
