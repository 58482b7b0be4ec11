/**
 * Cost per DM: what one DM costs in each billed unit, from what the flood observed (CPU,
 * deliveries, replies, look-ups, D1 rows written) and from what the code does (queue
 * operations, Durable Object requests, D1 queries), projected to one million DMs.
 */
import type { FloodResult } from "./flood.ts";
import { round } from "./stats.ts";

/**
 * Cloudflare's published prices (Workers Paid plan), beyond included usage.
 * THE LEAD MUST RE-CHECK EVERY NUMBER against the current pricing pages before quoting them,
 * and update `asOf`:
 *   https://developers.cloudflare.com/workers/platform/pricing/
 *   https://developers.cloudflare.com/queues/platform/pricing/
 *   https://developers.cloudflare.com/durable-objects/platform/pricing/
 *   https://developers.cloudflare.com/d1/platform/pricing/
 * asOf: the date these were written into the benchmark, from the benchmark's brief (not re-checked).
 */
export const PRICES = {
  asOf: "2026-11-26 (from the brief; not re-checked against the pricing pages)",
  /** Workers: $ per million requests. */
  workersRequestsPerM: 0.3,
  /** Workers: $ per million CPU milliseconds. */
  workersCpuMsPerM: 0.02,
  /** Queues: $ per million operations (each write, read and delete of a ≤64 KB message is one). */
  queueOpsPerM: 0.4,
  /** Durable Objects: $ per million requests (every RPC call on a stub and every alarm is one). */
  doRequestsPerM: 0.15,
  /** Durable Objects: $ per million GB-s of duration. */
  doGbSecondsPerM: 12.5,
  /** Durable Objects: memory billed for duration, GB (128 MB). */
  doMemoryGb: 0.128,
  /** SQLite-backed Durable Object storage: $ per million rows written / read (same rates as D1). */
  doStorageRowsWrittenPerM: 1.0,
  doStorageRowsReadPerM: 0.001,
  /** D1: $ per million rows written / read. */
  d1RowsWrittenPerM: 1.0,
  d1RowsReadPerM: 0.001,
} as const;

/**
 * Assumptions the local run cannot measure. Change them here; the report prints them.
 */
export const ASSUMPTIONS = {
  /** Average queue batch a consumer invocation handles in production (1 = worst case). */
  queueBatch: 10,
  /** Wall time of one D1 query from a Durable Object in production, ms (D1 is a network hop away). */
  d1RoundTripMs: 8,
  /** Wall time of one external HTTPS call (order API, platform API) in production, ms. */
  externalCallMs: 80,
  /**
   * Conversation object's storage rows written per DM, at most: the kv state twice (admission,
   * result), the alarm when it moves, and the message (which is also its de-duplication) with
   * its list-order index entry. The endpoint objects' attempt rows are counted per delivery,
   * and a reply's rows per reply (below).
   */
  doStorageRowsWritten: 5,
  /**
   * Of those, the kv writes (state twice, the alarm when it moves): used with the measured
   * table rows (bench/object-rows.ts) when the objects' write-ahead logs could not be read.
   */
  doKvRowsWritten: 3,
  /**
   * A reply's rows in the conversation object: the message and its list-order index entry,
   * its outbox index entry while pending, and the update that settles it (leaving the outbox).
   */
  doStorageRowsPerReply: 5,
  /**
   * Endpoint object's rows per delivery attempt (src/objects/attempt-log.ts): the attempt (its
   * primary key is the table) and its `attempt_history_event` index entry.
   */
  doStorageRowsPerAttempt: 2,
  /**
   * Event log object's rows per event (src/objects/event-log.ts), at most: the event (its
   * primary key is the table) and its index entry (`events_newest`), then the fanned-out mark
   * rewriting the row (an event with nothing to attempt is stored marked: 2).
   */
  doStorageRowsPerEvent: 3,
  /**
   * The same object's rows per SLA clock (src/objects/clock-log.ts), at most: the clock (its
   * primary key is the table) and its index entry, then its stop, or its warning and breach.
   */
  doStorageRowsPerClock: 4,
  /** DO storage rows read per DM: the kv state. */
  doStorageRowsRead: 1,
  /** D1 rows read per read query (indexed point look-ups; recentMessages reads 5). */
  d1RowsPerReadQuery: 1.5,
};

/**
 * D1 round trips (one query, or one db.batch) per DM, as the code makes them (2026-12-08:
 * src/objects/conversation.ts `record`/`act`/`alarm`, src/actions/{event-sink,route-message,
 * reply,tickets}.ts, src/deliver/inline.ts), over the flood's measured mix. Rules, settings,
 * channels and the endpoints (the fan-out's audience) are cached per isolate (not counted).
 *
 * - Reads: a conversation's object reads the contact and whether the conversation exists
 *   once per instance (then it knows; the contact's status is trusted for a minute, longer
 *   than the flood): one read per conversation. A ticket reads its row once (getTicket).
 * - Writes: every D1 write batch on a DM's path writes the conversation's row: its summary
 *   with the search text waiting (at most once a second, or by the alarm), the tags a rule
 *   adds, a ticket's mode (with the ticket), a spent reply token. So the row's measured inserts
 *   and updates count them: an upper bound where one batch writes the row twice (the summary
 *   and a rule's tags). A new contact goes in its conversation's first batch. Missed: the
 *   alarm's write of a reply's search text alone (no message after it within 10 s).
 * Re-derive these when that code changes.
 */
export const D1_ROUND_TRIPS = {
  perConversation: { reads: 1 },
  ticket: { reads: 1 },
  /** Inline deliveries, per round of the inbound consumer: the D1 batch recording what is not a plain success
   * (a retry, a deferral, a failing endpoint); a round of successes writes none (their attempts go to the
   * endpoint's object, the events' fanned-out mark to the workspace's event log). Counted as one round per DM. */
  deliveryRoundPerDm: { reads: 0, writes: 0 },
};

/** Queue messages per DM: the inbound one. Deliveries are attempted inline; only failures are enqueued. */
export const QUEUE_MESSAGES_PER_DM = 1;

export interface CostLine {
  item: string;
  perDm: number;
  unit: string;
  pricePerM: number;
  /** perDm × 1,000,000 DMs × price per million units. */
  perMillionDms: number;
  basis: string;
}

export interface CostResult {
  prices: typeof PRICES;
  assumptions: typeof ASSUMPTIONS;
  dms: number;
  perDm: {
    newContacts: number;
    replies: number;
    orderLookups: number;
    tickets: number;
    deliveries: number;
    subrequests: number;
    d1RoundTripsInObject: number;
    d1RoundTripsTotal: number;
    d1RowsWritten: number;
    d1RowsWrittenWithIndexes: number;
    /** The event log objects' rows (index entries and marks included): measured, or at the upper bound. */
    eventLogRowsWritten: number;
    eventLogMeasured: boolean;
    /** The conversation objects' rows: measured tables + the kv writes at their upper bound, or all at the upper bound. */
    conversationRowsWritten: number;
    /** The same at the upper bound of ASSUMPTIONS, printed beside the measured figure. */
    conversationRowsAssumed: number;
    /** The final `_cf_KV` rows per DM: the kv writes' lower bound. */
    conversationKvRowsLowerBound: number | null;
    /** The kv and alarm writes per DM in the cost: measured from the write-ahead logs, or the upper bound. */
    conversationKvWrites: number;
    conversationKvMeasured: boolean;
    endpointRowsWritten: number;
    endpointRowsAssumed: number;
    objectsMeasured: boolean;
    /** Every storage row written, D1 (with index entries) and objects (the "DO storage rows written" line). */
    allRowsWritten: number;
    cpuMs: number | null;
    doWallMs: number;
  };
  d1WritesByTable: { table: string; insert: number; update: number; delete: number; perDm: number }[];
  lines: CostLine[];
  totalPerMillion: number;
  /** The same total with one message per consumer invocation. */
  worstCaseTotalPerMillion: number;
}

export function costModel(flood: FloodResult): CostResult {
  const dms = Math.max(1, flood.acked);
  const types = flood.observed.byType;
  const perDmOf = (n: number) => n / dms;
  const newContacts = perDmOf(types["contact.created"] ?? flood.conversations);
  const replies = perDmOf(flood.observed.replies);
  const orderLookups = perDmOf(flood.observed.orderLookups);
  const tickets = perDmOf(flood.observed.tickets);
  const deliveries = perDmOf(flood.observed.distinctWebhookIds);
  // Measured from the log objects' files when the run could read them; else the flood's one
  // endpoint takes every business event, each stored event delivered once, at the upper bound.
  const events = flood.eventLog ? perDmOf(flood.eventLog.events) : deliveries;
  // Clocks: a first response per DM and an agent response per ticket.
  const clocks = flood.eventLog ? perDmOf(flood.eventLog.clocks) : 1 + tickets;
  const eventLogRows = flood.eventLog
    ? perDmOf(flood.eventLog.rowsWritten)
    : events * ASSUMPTIONS.doStorageRowsPerEvent + clocks * ASSUMPTIONS.doStorageRowsPerClock;
  const subrequests = deliveries + replies + orderLookups;
  // The conversation and endpoint objects' rows, measured from their files when the run could
  // read them (the kv writes stay at their upper bound); else all at the upper bound.
  const measuredObjects = flood.objectRows ?? null;
  const conversationRowsAssumed = ASSUMPTIONS.doStorageRowsWritten + replies * ASSUMPTIONS.doStorageRowsPerReply;
  const kvMeasured = measuredObjects?.conversation.walComplete === true;
  const kvRows = kvMeasured
    ? perDmOf((measuredObjects?.conversation.kvWrites ?? 0) + (measuredObjects?.conversation.alarmWrites ?? 0))
    : ASSUMPTIONS.doKvRowsWritten;
  const conversationRows = measuredObjects ? perDmOf(measuredObjects.conversation.tableRowsWritten) + kvRows : conversationRowsAssumed;
  const endpointRowsAssumed = deliveries * ASSUMPTIONS.doStorageRowsPerAttempt;
  const endpointRows = measuredObjects ? perDmOf(measuredObjects.endpoint.rowsWritten) : endpointRowsAssumed;

  const conversationRowWrites = flood.d1.writes?.byTable.conversations;
  const inObject = {
    reads:
      perDmOf(types["conversation.created"] ?? flood.conversations) * D1_ROUND_TRIPS.perConversation.reads +
      tickets * D1_ROUND_TRIPS.ticket.reads,
    // Without the measured rows: one write batch per DM.
    writes: conversationRowWrites ? perDmOf(conversationRowWrites.insert + conversationRowWrites.update) : 1,
  };
  const d1RoundTripsInObject = inObject.reads + inObject.writes;
  const d1Reads = inObject.reads + D1_ROUND_TRIPS.deliveryRoundPerDm.reads;
  const d1RoundTripsTotal = d1RoundTripsInObject + D1_ROUND_TRIPS.deliveryRoundPerDm.reads + D1_ROUND_TRIPS.deliveryRoundPerDm.writes;

  const indexes = new Map(flood.d1.tables.map((t) => [t.name, t.indexes]));
  const byTable = Object.entries(flood.d1.writes?.byTable ?? {})
    .map(([table, w]) => ({
      table,
      insert: w.insert,
      update: w.update,
      delete: w.delete,
      perDm: round((w.insert + w.update + w.delete) / dms, 3) ?? 0,
    }))
    .filter((row) => row.insert + row.update + row.delete > 0);
  const rowsWritten = byTable.reduce((a, r) => a + r.insert + r.update + r.delete, 0) / dms;
  const indexWrites = byTable.reduce((a, r) => a + (r.insert + r.delete) * (indexes.get(r.table) ?? 0), 0) / dms;
  const d1RowsWritten = flood.d1.writes ? rowsWritten : d1RoundTripsInObject; // fallback: one row per write round trip
  const d1RowsWrittenWithIndexes = flood.d1.writes ? rowsWritten + indexWrites : d1RowsWritten;

  const cpuMs = flood.cpu.workerdMsPerDm;
  const doWallMs = d1RoundTripsInObject * ASSUMPTIONS.d1RoundTripMs + (replies + orderLookups) * ASSUMPTIONS.externalCallMs;
  const queueMessages = QUEUE_MESSAGES_PER_DM;
  const invocations = (batch: number) => 1 + queueMessages / batch;
  // A DO alarm fires for each clock nobody answered (warning, then breach): at most 2 per unanswered DM.
  const alarms = Math.max(0, 1 - replies) * 2;
  // The conversation object appends each sink write's events in one call (the clocks' facts
  // ride on it); a delivery round marks them in another; a ticket's agent clock is a call of its own.
  // An append per DM, reply and ticket; a ticket's agent clock; the fanned-out marks, one call per queue batch and workspace.
  const eventLogCalls = 1 + replies + tickets + tickets + 1 / ASSUMPTIONS.queueBatch;

  const line = (item: string, perDm: number, unit: string, pricePerM: number, basis: string): CostLine => ({
    item,
    perDm: round(perDm, 4) ?? 0,
    unit,
    pricePerM,
    perMillionDms: round(perDm * pricePerM, 4) ?? 0,
    basis,
  });
  const requestsLine = (batch: number) =>
    line(
      "Workers requests",
      invocations(batch),
      "requests",
      PRICES.workersRequestsPerM,
      `1 webhook + ${round(queueMessages, 2)} queue messages ÷ batch of ${batch} (consumer invocations)`,
    );
  const rest = [
    line(
      "Workers CPU",
      cpuMs ?? 0,
      "CPU-ms",
      PRICES.workersCpuMsPerM,
      cpuMs === null
        ? "not measured"
        : "measured: workerd utime+stime per DM, idle subtracted (includes local D1/queue/DO emulation: an upper bound)",
    ),
    line(
      "Queue operations",
      3 * queueMessages,
      "operations",
      PRICES.queueOpsPerM,
      `3 (write, read, delete) × ${queueMessages} inbound message (deliveries inline; only failures enqueued)`,
    ),
    line(
      "Durable Object requests",
      1 + eventLogCalls + alarms,
      "requests",
      PRICES.doRequestsPerM,
      `1 ingestMessage RPC + ${round(eventLogCalls, 2)} event log calls (an append per DM, reply and ticket, the clocks riding on them; a ticket's agent clock; the fanned-out marks, one call per queue batch of ${ASSUMPTIONS.queueBatch}) + ≤${round(alarms, 2)} SLA alarms later`,
    ),
    line(
      "Durable Object duration",
      PRICES.doMemoryGb * (doWallMs / 1000),
      "GB-s",
      PRICES.doGbSecondsPerM,
      `128 MB × ${round(doWallMs, 0)} ms (${round(d1RoundTripsInObject, 1)} D1 round trips × ${ASSUMPTIONS.d1RoundTripMs} ms + ${round(replies + orderLookups, 2)} external calls × ${ASSUMPTIONS.externalCallMs} ms)`,
    ),
    line(
      "DO storage rows written",
      conversationRows + endpointRows + eventLogRows,
      "rows",
      PRICES.doStorageRowsWrittenPerM,
      `${
        measuredObjects
          ? `conversation: ${round(conversationRows - kvRows, 2)} rows measured from its files (messages, index entries, rewrites) + ${round(kvRows, 2)} kv and alarm writes (${kvMeasured ? "measured from its write-ahead log" : `upper bound; ${round(perDmOf(measuredObjects.conversation.kvRows), 2)} final kv rows`}); endpoints: ${round(endpointRows, 2)} rows measured (attempts + their index entries)`
          : `conversation: kv state twice, the alarm when it moves, the message and its index entry (${ASSUMPTIONS.doStorageRowsWritten}, upper bound), ${round(replies, 2)} replies × ${ASSUMPTIONS.doStorageRowsPerReply}; endpoints: ${round(deliveries, 2)} attempts × ${ASSUMPTIONS.doStorageRowsPerAttempt} (row + index entry)`
      }; event log: ${round(events, 2)} events and ${round(clocks, 2)} SLA clocks, ${round(eventLogRows, 2)} rows (${flood.eventLog ? "measured from its files: an event's row + 1 index entry, + the marks; a clock's row + 1 index entry, + its stop, warning, breach" : `events × ${ASSUMPTIONS.doStorageRowsPerEvent}, row + index entry + the fanned-out mark; clocks × ${ASSUMPTIONS.doStorageRowsPerClock}, row + index entry + stop or warning and breach; upper bound`})`,
    ),
    line("DO storage rows read", ASSUMPTIONS.doStorageRowsRead, "rows", PRICES.doStorageRowsReadPerM, "kv state"),
    line(
      "D1 rows written",
      d1RowsWrittenWithIndexes,
      "rows",
      PRICES.d1RowsWrittenPerM,
      flood.d1.writes
        ? `measured: ${round(rowsWritten, 2)} rows (triggers) + ${round(indexWrites, 2)} index entries on inserts`
        : "estimated: one row per write round trip (counters unavailable)",
    ),
    line(
      "D1 rows read",
      d1Reads * ASSUMPTIONS.d1RowsPerReadQuery,
      "rows",
      PRICES.d1RowsReadPerM,
      `${round(d1Reads, 1)} read queries × ${ASSUMPTIONS.d1RowsPerReadQuery} rows`,
    ),
  ];
  const lines = [requestsLine(ASSUMPTIONS.queueBatch), ...rest];
  const total = lines.reduce((a, l) => a + l.perMillionDms, 0);
  const worst = [requestsLine(1), ...rest].reduce((a, l) => a + l.perMillionDms, 0);
  return {
    prices: PRICES,
    assumptions: ASSUMPTIONS,
    dms,
    perDm: {
      newContacts: round(newContacts, 3) ?? 0,
      replies: round(replies, 3) ?? 0,
      orderLookups: round(orderLookups, 3) ?? 0,
      tickets: round(tickets, 3) ?? 0,
      deliveries: round(deliveries, 3) ?? 0,
      subrequests: round(subrequests, 3) ?? 0,
      d1RoundTripsInObject: round(d1RoundTripsInObject, 2) ?? 0,
      d1RoundTripsTotal: round(d1RoundTripsTotal, 2) ?? 0,
      d1RowsWritten: round(d1RowsWritten, 3) ?? 0,
      d1RowsWrittenWithIndexes: round(d1RowsWrittenWithIndexes, 3) ?? 0,
      eventLogRowsWritten: round(eventLogRows, 3) ?? 0,
      eventLogMeasured: Boolean(flood.eventLog),
      conversationRowsWritten: round(conversationRows, 3) ?? 0,
      conversationRowsAssumed: round(conversationRowsAssumed, 3) ?? 0,
      conversationKvRowsLowerBound: measuredObjects ? (round(perDmOf(measuredObjects.conversation.kvRows), 3) ?? 0) : null,
      conversationKvWrites: round(kvRows, 3) ?? 0,
      conversationKvMeasured: kvMeasured,
      endpointRowsWritten: round(endpointRows, 3) ?? 0,
      endpointRowsAssumed: round(endpointRowsAssumed, 3) ?? 0,
      objectsMeasured: Boolean(measuredObjects),
      allRowsWritten: round(d1RowsWrittenWithIndexes + (lines.find((l) => l.item === "DO storage rows written")?.perDm ?? 0), 3) ?? 0,
      cpuMs,
      doWallMs: round(doWallMs, 1) ?? 0,
    },
    d1WritesByTable: byTable,
    lines,
    totalPerMillion: round(total, 2) ?? 0,
    worstCaseTotalPerMillion: round(worst, 2) ?? 0,
  };
}
