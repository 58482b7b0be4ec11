/** DMs per bucket of time, answered automatically or escalated, from the counted events. Pure. */

export interface TrafficCount {
  /** Index of the bucket from the range's start. */
  bucket: number;
  type: string;
  /** `message.sent` only: the reply's author type (`agent`, `bot`, `ai`). */
  author: string | null;
  n: number;
}

export interface TrafficFigures {
  /** Buyers' messages received (`message.received`). */
  inbound: number;
  /** Replies a rule or the AI tier sent (`message.sent` by `bot` or `ai`). */
  answeredAutomatically: number;
  /** Tickets opened for a human (`ticket.created`). */
  escalated: number;
  /** Replies agents sent (`message.sent` by an `agent`). */
  agentReplies: number;
}

export interface TrafficBucket extends TrafficFigures {
  start: string;
}

const empty = (): TrafficFigures => ({ inbound: 0, answeredAutomatically: 0, escalated: 0, agentReplies: 0 });

function add(figures: TrafficFigures, row: TrafficCount): void {
  if (row.type === "message.received") figures.inbound += row.n;
  else if (row.type === "ticket.created") figures.escalated += row.n;
  else if (row.type === "message.sent") {
    if (row.author === "agent") figures.agentReplies += row.n;
    else figures.answeredAutomatically += row.n; // a reply without an author is a rule's (actions/reply.ts)
  }
}

/** Every bucket of the range, empty ones included, so a chart's x axis is the clock's. */
export function trafficBuckets(
  rows: TrafficCount[],
  from: number,
  bucketMs: number,
  bucketCount: number,
): { totals: TrafficFigures; buckets: TrafficBucket[] } {
  const buckets = Array.from({ length: bucketCount }, (_, i) => ({ start: new Date(from + i * bucketMs).toISOString(), ...empty() }));
  const totals = empty();
  for (const row of rows) {
    const bucket = buckets[row.bucket];
    if (!bucket) continue; // outside the range: cannot happen with the query's bounds
    add(bucket, row);
    add(totals, row);
  }
  return { totals, buckets };
}
