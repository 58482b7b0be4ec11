/** First-response metrics from SLA clock rows, per channel and overall. Pure. */

export interface ClockFacts {
  channelId: string;
  clock: "first_response" | "agent_response";
  startedAt: number;
  deadline: number;
  stoppedAt: number | null;
  breachedAt: number | null;
}

export interface SlaFigures {
  inbound: number;
  answered: number;
  answeredInsideWindow: number;
  /** Share of inbound messages answered before their deadline, 0–1 (null without messages). */
  insideWindowRate: number | null;
  p50FirstResponseSeconds: number | null;
  p90FirstResponseSeconds: number | null;
  /** Past the deadline and still unanswered. */
  openBreaches: number;
}

export function slaFigures(rows: ClockFacts[]): SlaFigures {
  const firsts = rows.filter((r) => r.clock === "first_response");
  const answered = firsts.filter((r) => r.stoppedAt !== null);
  const inside = answered.filter((r) => (r.stoppedAt ?? 0) <= r.deadline);
  const times = answered.map((r) => ((r.stoppedAt ?? 0) - r.startedAt) / 1000).sort((a, b) => a - b);
  return {
    inbound: firsts.length,
    answered: answered.length,
    answeredInsideWindow: inside.length,
    insideWindowRate: firsts.length > 0 ? inside.length / firsts.length : null,
    p50FirstResponseSeconds: percentile(times, 0.5),
    p90FirstResponseSeconds: percentile(times, 0.9),
    openBreaches: firsts.filter((r) => r.breachedAt !== null && r.stoppedAt === null).length,
  };
}

export interface SlaByChannel {
  overall: SlaFigures;
  channels: ({ channelId: string } & SlaFigures)[];
}

export function slaByChannel(rows: ClockFacts[]): SlaByChannel {
  const ids = [...new Set(rows.map((r) => r.channelId))].sort();
  return {
    overall: slaFigures(rows),
    channels: ids.map((channelId) => ({ channelId, ...slaFigures(rows.filter((r) => r.channelId === channelId)) })),
  };
}

/** Nearest-rank percentile, in seconds rounded to milliseconds. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return Math.round(value * 1000) / 1000;
}
