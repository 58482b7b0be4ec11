/**
 * Live-sale burst: N signed DMs from N buyers (one conversation each) by 32 concurrent
 * senders. Measures acknowledgement latency and the time from the first POST until every
 * message.received reached the subscriber, every automatic reply reached the platform API
 * and every ticket existed; counts lost and duplicated deliveries.
 */
import { countTickets } from "./api.ts";
import { duplicateDeliveries } from "./fakes.ts";
import { say } from "./progress.ts";
import { type Expected, expectEffects, type Routing } from "./routing.ts";
import { acknowledged, sendDms, waitForReceived, waitQuiet } from "./send.ts";
import { type RunContext, startStage, type WorkerUnderTest } from "./stage.ts";
import { round, type Summary, sleep, summarize, waitUntil } from "./stats.ts";
import { traffic } from "./traffic.ts";

export interface BurstOptions {
  count: number;
  concurrency: number;
  timeoutS: number;
  /** Default: Switchboard. The floor has no API, routing, replies or tickets. */
  worker?: WorkerUnderTest;
}

export interface BurstResult {
  count: number;
  concurrency: number;
  /** DMs actually sent (fewer than `count` only if sending hit its time bound). */
  sent: number;
  acked: number;
  non2xx: number;
  sendSeconds: number;
  ackMs: Summary;
  /** Seconds from the first POST until the last of each reached its target (null: never all). */
  allReceivedS: number | null;
  /** …until the last event of any type (contact, conversation, message, ticket, message.sent) arrived. */
  allEventsS: number | null;
  allRepliesS: number | null;
  allTicketsS: number | null;
  dmToReceivedMs: Summary;
  dmToReplyMs: Summary;
  expected: { source: string; replies: number | null; tickets: number | null; orderLookups: number | null };
  observed: {
    received: number;
    replies: number;
    repliedConversations: number;
    tickets: number;
    ticketsViaApi: number | null;
    orderLookups: number;
    subscriberDeliveries: number;
    byType: Record<string, number>;
  };
  lost: { messages: number; replies: number | null; tickets: number | null };
  duplicated: { webhookIds: number; extraDeliveries: number; messages: number; replies: number };
  timedOut: boolean;
  notes: string[];
}

export async function benchBurst(
  ctx: RunContext,
  options: BurstOptions,
  routing: Routing | null,
  routingError: string | null,
): Promise<BurstResult> {
  const floor = options.worker === "floor";
  const name = floor ? "floor-burst" : "burst";
  const stage = await startStage(ctx, name, { worker: options.worker });
  const notes = [...stage.workspace.notes];
  try {
    const plan = traffic(options.count, 20261126);
    const messages = Array.from({ length: options.count }, (_, i) => plan.message(i));
    let expected: Expected[] | null = null;
    if (floor) notes.push("the floor: no routing, replies or tickets; message.received only");
    else if (routing) expected = expectEffects(routing, messages);
    else
      notes.push(
        `routing expectations unavailable (${routingError ?? "unknown"}): waited for replies and tickets to stop arriving instead`,
      );

    say(`[${name}] ${options.count} DMs from ${options.count} buyers, ${options.concurrency} concurrent senders`);
    const { sends, load, firstSentAt, lastAckAt } = await sendDms({
      label: `${name} ${options.count} DMs ×${options.concurrency}`,
      baseUrl: stage.dev.url,
      channelId: stage.workspace.channelId,
      traffic: plan,
      messages,
      maxSeconds: options.timeoutS,
      connections: options.concurrency,
    });
    const acked = acknowledged(sends);
    const timeoutMs = options.timeoutS * 1000;
    const allIn = await waitForReceived(
      `${name}: message.received`,
      stage.subscriber,
      acked.map((r) => r.message.messageId),
      timeoutMs,
      75_000,
    );

    const expectedReplyConversations = expected ? messages.filter((_, i) => expected?.[i]?.reply).map((m) => m.conversationId) : [];
    const expectedTickets = expected ? expected.filter((e) => e.ticket).length : null;
    let effectsIn = true;
    if (expected) {
      effectsIn = await waitUntil(
        () =>
          expectedReplyConversations.every((id) => stage.platform.replies.has(id)) &&
          stage.subscriber.tickets.size >= (expectedTickets ?? 0),
        Math.max(2000, timeoutMs - (performance.now() - firstSentAt)),
        25,
      );
    }
    // Then nothing more for a while: late duplicates and unexpected effects show up here.
    await waitQuiet(
      () => `${stage.subscriber.deliveries}/${stage.platform.replyCount}/${stage.subscriber.tickets.size}`,
      expected ? 1500 : 3000,
      20_000,
    );
    const ticketsViaApi = floor ? null : await countTickets(stage.dev.url, stage.workspace.apiKey).catch(() => null);
    await sleep(100);

    const subscriber = stage.subscriber;
    const platform = stage.platform;
    const sinceFirst = (at: number | null) => (at === null ? null : round((at - firstSentAt) / 1000, 3));
    const received = acked.map((r) => subscriber.received.get(r.message.messageId)).filter((x) => x !== undefined);
    const lastReceived = received.length === acked.length && acked.length > 0 ? Math.max(...received.map((r) => r.firstAt)) : null;

    const firstReplyOf = (conversationId: string) => platform.replies.get(conversationId)?.[0];
    const replyTargets = expected ? expectedReplyConversations : [...platform.replies.keys()];
    const replyTimes = replyTargets.map(firstReplyOf).filter((t): t is number => t !== undefined);
    const allRepliesAt = replyTimes.length === replyTargets.length && replyTimes.length > 0 ? Math.max(...replyTimes) : null;
    const ticketTimes = [...subscriber.tickets.values()];
    let allTicketsAt: number | null = null;
    if (ticketTimes.length > 0 && (expectedTickets === null || ticketTimes.length >= expectedTickets))
      allTicketsAt = Math.max(...ticketTimes);

    const dmToReply: number[] = [];
    for (const record of acked) {
      const at = firstReplyOf(record.message.conversationId);
      if (at !== undefined) dmToReply.push(at - record.sentAt);
    }
    const duplicates = duplicateDeliveries(subscriber);
    let duplicatedMessages = 0;
    for (const entry of subscriber.received.values()) if (entry.eventIds.size > 1) duplicatedMessages += 1;
    let duplicatedReplies = 0;
    for (const times of platform.replies.values()) if (times.length > 1) duplicatedReplies += times.length - 1;
    const byType = Object.fromEntries(subscriber.byType);
    const expectedReplies = expected ? expectedReplyConversations.length : null;

    if (!allIn || !effectsIn) notes.push("timed out before every expected effect arrived");
    return {
      count: options.count,
      concurrency: options.concurrency,
      sent: sends.size,
      acked: acked.length,
      non2xx: load.non2xx + load.errors,
      sendSeconds: round((lastAckAt - firstSentAt) / 1000, 3) ?? 0,
      ackMs: summarize(acked.map((r) => (r.ackAt ?? r.sentAt) - r.sentAt)),
      allReceivedS: sinceFirst(lastReceived),
      allEventsS: lastReceived === null ? null : sinceFirst(subscriber.lastNewIdAt),
      allRepliesS: sinceFirst(allRepliesAt),
      allTicketsS: sinceFirst(allTicketsAt),
      dmToReceivedMs: summarize(
        acked.map((r) => (subscriber.received.get(r.message.messageId)?.firstAt ?? Number.NaN) - r.sentAt).filter(Number.isFinite),
      ),
      dmToReplyMs: summarize(dmToReply),
      expected: {
        source: expected ? "src/route classifier + DEFAULT_RULE_SET, simulated in Node" : "unavailable",
        replies: expectedReplies,
        tickets: expectedTickets,
        orderLookups: expected ? expected.filter((e) => e.orderLookup).length : null,
      },
      observed: {
        received: received.length,
        replies: platform.replyCount,
        repliedConversations: platform.replies.size,
        tickets: subscriber.tickets.size,
        ticketsViaApi,
        orderLookups: stage.orderApi.requests + platform.orderLookups,
        subscriberDeliveries: subscriber.deliveries,
        byType,
      },
      lost: {
        messages: acked.length - received.length,
        replies: expectedReplies === null ? null : expectedReplyConversations.filter((id) => !platform.replies.has(id)).length,
        tickets: expectedTickets === null ? null : Math.max(0, expectedTickets - subscriber.tickets.size),
      },
      duplicated: {
        webhookIds: duplicates.ids,
        extraDeliveries: duplicates.extra,
        messages: duplicatedMessages,
        replies: duplicatedReplies,
      },
      timedOut: !allIn || !effectsIn,
      notes,
    };
  } finally {
    await stage.dispose();
  }
}
