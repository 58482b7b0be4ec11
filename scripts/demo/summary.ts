/**
 * From what was sent and what came back to the summary table: pure, so the arithmetic is
 * tested without a server. Times are performance.now() milliseconds of this process.
 */
import { percentile } from "../../bench/stats.ts";
import type { Platform } from "../../src/events/schema.ts";
import { PLATFORMS } from "./dev-vars.ts";

export interface SentDm {
  platform: Platform;
  platformMessageId: string;
  /** The buyer, as the fake platform APIs file replies (`replyKeyOf`). */
  replyKey: string;
  sentAt: number;
  /** HTTP status of the webhook POST; null: no answer (refused connection, timeout) or not sent. */
  status: number | null;
}

export interface Observed {
  /** message.received by platform message id: first arrival and the event ids that carried it. */
  received: ReadonlyMap<string, { firstAt: number; eventIds: ReadonlySet<string> }>;
  /** Distinct events per type. */
  byType: ReadonlyMap<string, number>;
  /** Deliveries per webhook-id. */
  byWebhookId: ReadonlyMap<string, number>;
  /** Reply arrival times at the fake platform APIs, per buyer. */
  replies: ReadonlyMap<string, readonly number[]>;
  /** GET /v1/tickets for the workspace; null when it could not be read. */
  ticketsViaApi: number | null;
  signatures: { verified: number; rejected: number };
  /** When the burst's first DM was POSTed and the last new event arrived. */
  firstSentAt: number;
  lastEventAt: number | null;
  drainTimedOut: boolean;
  /** What the gateway's own rules predict for these DMs (bench/routing.ts), when they load. */
  expected: { replies: number; tickets: number } | null;
}

export interface Spread {
  n: number;
  p50: number | null;
  p90: number | null;
  max: number | null;
}

export interface PlatformRow {
  platform: Platform;
  dms: number;
  acknowledged: number;
  delivered: number;
  autoReplies: number;
}

export interface DemoSummary {
  planned: number;
  sent: number;
  acknowledged: number;
  /** Non-2xx answers and failed POSTs, by status ("no answer" for none). */
  refused: Record<string, number>;
  delivered: { messages: number; events: number; byType: Record<string, number> };
  autoAnswered: { replies: number; buyers: number };
  escalated: { tickets: number | null; ticketEvents: number };
  /** DM POST → its automatic reply at the platform API (`responseTimes`), over the DMs that got one. */
  firstResponseMs: Spread;
  /** Acknowledged DMs with no message.received at the endpoint. */
  lost: number;
  duplicated: { redeliveries: number; messages: number; replies: number };
  signatures: { verified: number; rejected: number };
  /** From the first DM's POST to the last new event at the endpoint. */
  drainMs: number | null;
  drainTimedOut: boolean;
  expected: { replies: number; tickets: number } | null;
  platforms: PlatformRow[];
}

const isAcknowledged = (dm: SentDm) => dm.status !== null && dm.status >= 200 && dm.status < 300;

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), max: sorted.at(-1) ?? null };
}

/**
 * DM → reply times for one buyer: each reply answers the buyer's oldest DM sent before it that
 * no earlier reply answered (one automatic reply per message, in the conversation's order).
 */
export function responseTimes(sentAt: readonly number[], replies: readonly number[]): number[] {
  const waiting = [...sentAt].sort((a, b) => a - b);
  const times: number[] = [];
  for (const reply of [...replies].sort((a, b) => a - b)) {
    const oldest = waiting[0];
    if (oldest === undefined || oldest > reply) continue;
    waiting.shift();
    times.push(reply - oldest);
  }
  return times;
}

export function summarizeDemo(sent: readonly SentDm[], observed: Observed): DemoSummary {
  const acknowledged = sent.filter(isAcknowledged);
  const refused: Record<string, number> = {};
  for (const dm of sent) {
    if (isAcknowledged(dm)) continue;
    const key = dm.status === null ? "no answer" : String(dm.status);
    refused[key] = (refused[key] ?? 0) + 1;
  }
  const delivered = acknowledged.filter((dm) => observed.received.has(dm.platformMessageId));
  const sentByBuyer = new Map<string, number[]>();
  for (const dm of acknowledged) sentByBuyer.set(dm.replyKey, [...(sentByBuyer.get(dm.replyKey) ?? []), dm.sentAt]);
  const firstResponses = [...sentByBuyer].flatMap(([buyer, times]) => responseTimes(times, observed.replies.get(buyer) ?? []));
  let replies = 0;
  let extraReplies = 0;
  for (const [buyer, times] of observed.replies) {
    replies += times.length;
    extraReplies += Math.max(0, times.length - (sentByBuyer.get(buyer)?.length ?? 0));
  }
  let redeliveries = 0;
  for (const count of observed.byWebhookId.values()) redeliveries += Math.max(0, count - 1);
  let duplicatedMessages = 0;
  for (const entry of observed.received.values()) if (entry.eventIds.size > 1) duplicatedMessages += 1;

  const platforms = PLATFORMS.filter((platform) => sent.some((dm) => dm.platform === platform)).map((platform): PlatformRow => {
    const mine = sent.filter((dm) => dm.platform === platform);
    const buyers = new Set(mine.map((dm) => dm.replyKey));
    return {
      platform,
      dms: mine.length,
      acknowledged: mine.filter(isAcknowledged).length,
      delivered: mine.filter((dm) => isAcknowledged(dm) && observed.received.has(dm.platformMessageId)).length,
      autoReplies: [...buyers].reduce((sum, buyer) => sum + (observed.replies.get(buyer)?.length ?? 0), 0),
    };
  });

  return {
    planned: sent.length,
    sent: sent.filter((dm) => Number.isFinite(dm.sentAt)).length,
    acknowledged: acknowledged.length,
    refused,
    delivered: {
      messages: delivered.length,
      events: [...observed.byType.values()].reduce((a, b) => a + b, 0),
      byType: Object.fromEntries([...observed.byType].sort(([a], [b]) => a.localeCompare(b))),
    },
    autoAnswered: { replies, buyers: observed.replies.size },
    escalated: { tickets: observed.ticketsViaApi, ticketEvents: observed.byType.get("ticket.created") ?? 0 },
    firstResponseMs: spread(firstResponses),
    lost: acknowledged.length - delivered.length,
    duplicated: { redeliveries, messages: duplicatedMessages, replies: extraReplies },
    signatures: observed.signatures,
    drainMs: observed.lastEventAt === null ? null : observed.lastEventAt - observed.firstSentAt,
    drainTimedOut: observed.drainTimedOut,
    expected: observed.expected,
    platforms,
  };
}

const seconds = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)} s`);
/** Under a second in milliseconds: a fast pipeline answers in tens of them, which "0.0 s" would hide. */
const duration = (ms: number | null) => (ms === null ? "–" : ms < 1000 ? `${Math.round(ms)} ms` : seconds(ms));

function table(rows: readonly (readonly string[])[], rightAligned: (column: number) => boolean): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (rightAligned(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The summary as the terminal (and the README) shows it. */
export function renderSummary(summary: DemoSummary): string {
  const { delivered, escalated, firstResponseMs: first, duplicated, expected } = summary;
  const refused = Object.entries(summary.refused).map(([status, count]) => `${count} × ${status}`);
  const byType = Object.entries(delivered.byType).map(([type, count]) => `${type} ${count}`);
  const tickets =
    escalated.tickets === null ? `– (GET /v1/tickets failed); ticket.created ${escalated.ticketEvents}` : String(escalated.tickets);
  const rows: string[][] = [
    ["DMs sent", `${summary.sent} of ${summary.planned}`],
    ["acknowledged (2xx)", `${summary.acknowledged}${refused.length ? ` (not: ${refused.join(", ")})` : ""}`],
    ["delivered to the endpoint", `${delivered.messages} message.received; ${delivered.events} events in all`],
    ["", byType.join(", ")],
    ["auto-answered", `${summary.autoAnswered.replies} replies at the platform APIs, to ${summary.autoAnswered.buyers} buyers`],
    ["escalated (tickets)", tickets],
    ["first response p50 / p90 / max", `${duration(first.p50)} / ${duration(first.p90)} / ${duration(first.max)} (${first.n} DMs)`],
    ["lost", `${summary.lost} (acknowledged, never delivered)`],
    ["duplicated", `${duplicated.messages} messages, ${duplicated.replies} replies (${duplicated.redeliveries} redeliveries)`],
    ["signatures (standardwebhooks)", `${summary.signatures.verified} verified, ${summary.signatures.rejected} rejected`],
    [
      "drained",
      `${summary.drainTimedOut ? "NO, timed out; last event " : ""}${seconds(summary.drainMs)} after the first DM${summary.drainTimedOut ? "" : " (last event)"}`,
    ],
  ];
  if (expected) rows.push(["the rules predicted", `${expected.replies} auto-replies, ${expected.tickets} tickets`]);
  const platformRows = [
    ["platform", "DMs", "acked", "delivered", "auto-replies"],
    ...summary.platforms.map((row) => [row.platform, ...[row.dms, row.acknowledged, row.delivered, row.autoReplies].map(String)]),
  ];
  return `${table(rows, () => false)}\n\n${table(platformRows, (column) => column > 0)}`;
}
