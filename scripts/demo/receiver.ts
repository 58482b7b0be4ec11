/**
 * The demo's endpoint: a loopback subscriber that verifies every delivery's Standard Webhooks
 * signature with the standardwebhooks library (not our own signing code), answers 204, and
 * counts what arrived: events by type, each DM's message.received, tickets, redeliveries.
 */
import { Webhook } from "standardwebhooks";
import { type Listening, listen, now } from "../../bench/fakes.ts";

export interface Received {
  /** First arrival (performance.now()). */
  firstAt: number;
  /** Distinct event ids that carried this platform message: more than one is a duplicate. */
  eventIds: Set<string>;
}

export interface Receiver extends Listening {
  hooksUrl: string;
  /** The endpoint's `whsec_` secret, known once the endpoint exists; until then nothing verifies. */
  verifyWith(secret: string): void;
  /** Events of these channels (the pre-flight check's) are answered and not counted. */
  ignoredChannels: Set<string>;
  verified: number;
  rejected: number;
  /** Deliveries per webhook-id: above 1 is a redelivery of the same event. */
  byWebhookId: Map<string, number>;
  /** Distinct events per type. */
  byType: Map<string, number>;
  /** message.received by platform message id. */
  received: Map<string, Received>;
  /** ticket.created, by ticket id. */
  tickets: Set<string>;
  /** When the last new event of any type arrived. */
  lastNewAt: number | null;
}

interface EventBody {
  id?: string;
  type?: string;
  data?: { channel?: { id?: string }; message?: { platformMessageId?: string }; ticket?: { id?: string } };
}

export async function startReceiver(): Promise<Receiver> {
  let webhook: Webhook | null = null;
  const state = {
    ignoredChannels: new Set<string>(),
    verified: 0,
    rejected: 0,
    byWebhookId: new Map<string, number>(),
    byType: new Map<string, number>(),
    received: new Map<string, Received>(),
    tickets: new Set<string>(),
    lastNewAt: null as number | null,
  };
  const listening = await listen((request, body, response) => {
    const at = now();
    if (request.method !== "POST") {
      response.writeHead(405).end();
      return;
    }
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    let event: EventBody;
    try {
      if (!webhook) throw new Error("no secret yet");
      event = webhook.verify(body, headers) as EventBody;
    } catch {
      state.rejected += 1;
      response.writeHead(401).end();
      return;
    }
    response.writeHead(204).end();
    if (event.data?.channel?.id && state.ignoredChannels.has(event.data.channel.id)) return;
    state.verified += 1;
    const webhookId = headers["webhook-id"] ?? "";
    const seen = state.byWebhookId.get(webhookId) ?? 0;
    state.byWebhookId.set(webhookId, seen + 1);
    if (seen > 0) return;
    state.lastNewAt = at;
    const type = event.type ?? "unknown";
    state.byType.set(type, (state.byType.get(type) ?? 0) + 1);
    const platformMessageId = event.data?.message?.platformMessageId;
    if (type === "message.received" && platformMessageId) {
      const entry = state.received.get(platformMessageId);
      if (entry) entry.eventIds.add(webhookId);
      else state.received.set(platformMessageId, { firstAt: at, eventIds: new Set([webhookId]) });
    }
    if (type === "ticket.created") state.tickets.add(event.data?.ticket?.id ?? webhookId);
  });
  return Object.assign(state, listening, {
    hooksUrl: `${listening.url}/hooks`,
    verifyWith(secret: string) {
      webhook = new Webhook(secret);
    },
  });
}
