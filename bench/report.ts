/** Turns the results into tables: aligned text for the terminal, Markdown for the README. */
import type { BurstResult } from "./burst.ts";
import type { CostResult } from "./cost.ts";
import type { FloodResult } from "./flood.ts";
import type { FloorRatio } from "./floor.ts";
import type { IntakeResult, IntakeRow } from "./intake.ts";
import type { Machine } from "./machine.ts";
import type { ProfileResult } from "./profile.ts";
import type { PureResult } from "./pure.ts";
import type { Summary } from "./stats.ts";

export interface Results {
  machine: Machine & { codeSnapshotAt: string };
  options: Record<string, unknown>;
  intake?: IntakeResult | { error: string };
  burst?: BurstResult | { error: string };
  flood?: FloodResult | { error: string };
  cost?: CostResult;
  pure?: PureResult | { error: string };
  profile?: ProfileResult | { error: string };
  /** The burst and the flood against bench/floor, and Switchboard ÷ floor. */
  floor?: { burst: BurstResult | { error: string }; flood: FloodResult | { error: string }; ratios: FloorRatio[] };
  targets: Target[];
  finishedAt?: string;
}

export interface Target {
  section: string;
  target: string;
  result: string;
  met: boolean | null;
}

type Cell = string | number | null | undefined;

export interface Table {
  title: string;
  headers: string[];
  rows: Cell[][];
  notes?: string[];
}

const text = (cell: Cell) => (cell === null || cell === undefined ? "—" : typeof cell === "number" ? String(cell) : cell);
const ms = (value: number | null | undefined, digits = 1) => (value === null || value === undefined ? "—" : value.toFixed(digits));
const pair = (s: Summary, digits = 1) => `${ms(s.p50, digits)} / ${ms(s.p99, digits)}`;
const yes = (met: boolean | null) => (met === null ? "n/a" : met ? "yes" : "**no**");
const failed = <T extends object>(value: T | { error: string } | undefined): value is { error: string } => !!value && "error" in value;

export function toConsole(tables: Table[]): string {
  return tables
    .map((table) => {
      const cells = [table.headers, ...table.rows.map((row) => row.map(text))].map((row) => row.map((c) => c.replaceAll("**", "")));
      const widths = table.headers.map((_, i) => Math.max(...cells.map((row) => [...(row[i] ?? "")].length)));
      const line = (row: string[]) => row.map((c, i) => c + " ".repeat(Math.max(0, (widths[i] ?? 0) - [...c].length))).join("  ");
      const rule = widths.map((w) => "─".repeat(w)).join("  ");
      const body = [line(cells[0] ?? []), rule, ...cells.slice(1).map(line)].join("\n");
      const notes = (table.notes ?? []).map((n) => `  · ${n}`).join("\n");
      return `\n${table.title}\n${body}${notes ? `\n${notes}` : ""}`;
    })
    .join("\n");
}

export function toMarkdown(tables: Table[], preface: string[]): string {
  const escapePipes = (c: string) => c.replaceAll("|", "\\|");
  const parts = [...preface];
  for (const table of tables) {
    parts.push(`### ${table.title}`, "");
    parts.push(`| ${table.headers.map(escapePipes).join(" | ")} |`, `| ${table.headers.map(() => "---").join(" | ")} |`);
    for (const row of table.rows) parts.push(`| ${row.map((c) => escapePipes(text(c))).join(" | ")} |`);
    if (table.notes?.length) parts.push("", ...table.notes.map((n) => `- ${n}`));
    parts.push("");
  }
  return `${parts.join("\n").trimEnd()}\n`;
}

export function machineTable(machine: Machine & { codeSnapshotAt?: string }): Table {
  return {
    title: "Machine",
    headers: ["", ""],
    rows: [
      ["CPU", `${machine.cpuModel}, ${machine.cores} cores`],
      ["memory", `${machine.memoryGb} GB`],
      ["OS", machine.os],
      ["Node", machine.node],
      ["wrangler / workerd", `${machine.wrangler ?? "?"} / ${machine.workerd ?? "?"}`],
      ["autocannon", machine.autocannon],
      ["load average (1 min) at start", machine.loadAverage1m],
      [
        "commit",
        `${machine.git.commit ?? "?"}${machine.git.uncommittedFiles ? ` + ${machine.git.uncommittedFiles} uncommitted files` : ""}`,
      ],
      ["started", machine.startedAt],
      ["code snapshot taken (bench/out/snapshot-…, removed after the run)", machine.codeSnapshotAt],
    ],
  };
}

function intakeCells(row: IntakeRow, tag: string): Cell[] {
  return [
    `${row.connections}${tag}`,
    row.health.rps,
    `${ms(row.health.latencyMs.p50, 2)} / ${ms(row.health.latencyMs.p99, 2)}`,
    row.healthCores,
    row.intake.rps,
    `${ms(row.intake.latencyMs.p50, 2)} / ${ms(row.intake.latencyMs.p99, 2)}`,
    row.intakeCores,
    row.intake.non2xx + row.intake.errors,
    row.ratio,
    tag ? "n/a" : row.drainAfterS === null ? `not drained (${row.delivered}/${row.accepted})` : row.drainAfterS,
  ];
}

export function buildTables(results: Results): Table[] {
  const tables: Table[] = [machineTable(results.machine)];
  const { intake, burst, flood, cost, pure, profile } = results;

  if (failed(intake)) tables.push({ title: "1. Intake versus GET /health", headers: ["error"], rows: [[intake.error]] });
  else if (intake) {
    tables.push({
      title: `1. Intake versus GET /health (same dev server, ${intake.durationS} s each, alternating)`,
      headers: [
        "connections",
        "GET /health req/s",
        "p50 / p99 ms",
        "workerd cores",
        "signed POST req/s",
        "p50 / p99 ms",
        "workerd cores",
        "non-2xx",
        "intake ÷ health",
        "drained after (s)",
      ],
      rows: [...intake.rows.map((row) => intakeCells(row, "")), ...(intake.alone ?? []).map((row) => intakeCells(row, " no consumers"))],
      notes: [
        "POSTs: TikTok Shop type-14 DMs, each with a fresh message id, timestamp and signature, over 1,000 conversations; the whole pipeline (queue → DO → D1 → deliveries, replies) runs behind them.",
        "'workerd cores': CPU time of the dev server's workerd processes ÷ wall time during the run (2 cores on this machine; the load generator and wrangler's Node use the rest).",
        "'drained after': seconds after the POST run until every accepted DM had reached the subscriber; the next /health run starts only then.",
        ...(intake.alone
          ? [
              "'no consumers': a second dev server from a copy of wrangler.toml without [[queues.consumers]] (wrangler.no-consumers.toml in the run's snapshot): intake alone, nothing behind it.",
            ]
          : []),
        ...intake.notes,
      ],
    });
  }

  if (failed(burst)) tables.push({ title: "2. Live-sale burst", headers: ["error"], rows: [[burst.error]] });
  else if (burst) {
    const exp = burst.expected;
    tables.push({
      title: `2. Live-sale burst: ${burst.count} DMs from ${burst.count} buyers, ${burst.concurrency} concurrent senders`,
      headers: ["metric", "value", "target"],
      rows: [
        ["accepted (2xx) / sent / planned", `${burst.acked} / ${burst.sent} / ${burst.count}`, "all"],
        ["all POSTs answered in (s)", burst.sendSeconds, ""],
        ["ack latency p50 / p99 (ms)", pair(burst.ackMs), ""],
        ["first POST → every message.received at the subscriber (s)", burst.allReceivedS ?? "never all", "≤ 1.5"],
        ["first POST → every event of any type at the subscriber (s)", burst.allEventsS ?? "never all", "≤ 1.5"],
        [
          "first POST → every automatic reply at the platform API (s)",
          burst.allRepliesS ?? (burst.observed.replies === 0 ? "no replies" : "not all"),
          "≤ 1.5",
        ],
        [
          "first POST → every ticket.created at the subscriber (s)",
          burst.allTicketsS ?? (burst.observed.tickets === 0 ? "no tickets" : "not all"),
          "",
        ],
        ["DM → message.received p50 / p99 (ms)", pair(burst.dmToReceivedMs), ""],
        ["DM → automatic reply p50 / p99 (ms)", pair(burst.dmToReplyMs), ""],
        ["automatic replies: observed / expected", `${burst.observed.replies} / ${exp.replies ?? "?"}`, ""],
        [
          "tickets: ticket.created / GET /v1/tickets / expected",
          `${burst.observed.tickets} / ${burst.observed.ticketsViaApi ?? "n/a"} / ${exp.tickets ?? "?"}`,
          "",
        ],
        ["order look-ups: observed / expected", `${burst.observed.orderLookups} / ${exp.orderLookups ?? "?"}`, ""],
        [
          "subscriber deliveries",
          `${burst.observed.subscriberDeliveries} (${Object.entries(burst.observed.byType)
            .map(([k, v]) => `${k} ${v}`)
            .join(", ")})`,
          "",
        ],
        ["lost: messages / replies / tickets", `${burst.lost.messages} / ${burst.lost.replies ?? "?"} / ${burst.lost.tickets ?? "?"}`, "0"],
        [
          "duplicated: webhook-ids / messages / replies",
          `${burst.duplicated.webhookIds} / ${burst.duplicated.messages} / ${burst.duplicated.replies}`,
          "0",
        ],
      ],
      notes: [`Expected effects: ${exp.source}.`, ...burst.notes],
    });
  }

  if (failed(flood)) tables.push({ title: "3. Sustained flood", headers: ["error"], rows: [[flood.error]] });
  else if (flood) {
    tables.push({
      title: `3. Sustained flood: ${flood.count} DMs over ${flood.conversations} conversations, ${flood.connections} connections`,
      headers: ["metric", "value", "target"],
      rows: [
        ["accepted (2xx) / sent / planned", `${flood.acked} / ${flood.sent} / ${flood.count}`, "all"],
        ["intake rate (DMs/s)", flood.ingestPerS, ""],
        ["end-to-end drain: message.received per second", flood.drainPerS, "≥ 600"],
        ["all deliveries (every event type) per second", flood.deliveriesPerS, ""],
        ["first POST → last message.received (s)", flood.drainSeconds, ""],
        ["DM → delivery p50 / p99 (ms)", pair(flood.dmToDeliveryMs, 0), ""],
        ["ack latency p50 / p99 (ms)", pair(flood.ackMs), ""],
        ["lost DMs", flood.lost, "0"],
        [
          "duplicated: webhook-ids / messages / replies",
          `${flood.duplicated.webhookIds} / ${flood.duplicated.messages} / ${flood.duplicated.replies}`,
          "0",
        ],
        [
          "events delivered by type",
          Object.entries(flood.observed.byType)
            .map(([k, v]) => `${k} ${v}`)
            .join(", "),
          "",
        ],
        [
          "replies / order look-ups / tickets (expected)",
          `${flood.observed.replies} (${flood.expected.replies ?? "?"}) / ${flood.observed.orderLookups} (${flood.expected.orderLookups ?? "?"}) / ${flood.observed.tickets} (${flood.expected.tickets ?? "?"})`,
          "",
        ],
        [
          "workerd RSS idle / peak / after drain (MB)",
          `${flood.memory.idleMb} / ${flood.memory.peakMb} / ${flood.memory.endMb}${flood.memory.workerdExits ? ` (${flood.memory.workerdExits} workerd exits)` : ""}`,
          "flat",
        ],
        ["workerd RSS growth, slope while busy", `${flood.memory.growthMb} MB, ${flood.memory.slopeMbPer1k ?? "—"} MB per 1,000 DMs`, ""],
        ["workerd CPU per DM (idle subtracted, ms)", flood.cpu.workerdMsPerDm, "≤ 2"],
        ["wrangler Node + esbuild CPU per DM (ms)", flood.cpu.otherMsPerDm, ""],
        [
          "workerd CPU busy (cores used) / idle baseline",
          `${flood.cpu.workerdMs} ms over ${flood.cpu.busySeconds} s (${flood.cpu.workerdCores ?? "—"} cores) / ${flood.cpu.idleWorkerdMsPerS} ms per s`,
          "",
        ],
      ],
      notes: [
        `${flood.memory.workerdProcesses} workerd processes in the dev server's process group were sampled (VmRSS every 500 ms); 'flat' means RSS after the drain within 15 % of idle.`,
        "Expected replies/tickets come from simulating each conversation in send order with the gateway's classifier and default rules; messages of one conversation processed out of order can shift them slightly.",
        ...flood.notes,
      ],
    });
  }

  if (cost) {
    const p = cost.perDm;
    tables.push({
      title: "4a. What one DM does (flood mix)",
      headers: ["per DM", "value", "source"],
      rows: [
        ["subscriber deliveries (events × 1 endpoint)", p.deliveries, "observed"],
        ["new contacts (first message of a conversation)", p.newContacts, "observed (contact.created)"],
        ["automatic replies (platform API calls)", p.replies, "observed"],
        ["order look-ups", p.orderLookups, "observed"],
        ["tickets", p.tickets, "observed"],
        ["external subrequests (deliveries + replies + look-ups)", p.subrequests, "observed"],
        [
          "queue operations",
          cost.lines.find((l) => l.item === "Queue operations")?.perDm,
          "3 × 1 inbound message (deliveries inline; failures only enqueued)",
        ],
        [
          "Durable Object requests",
          cost.lines.find((l) => l.item === "Durable Object requests")?.perDm,
          "1 ingest RPC + event log calls + SLA alarms (upper bound)",
        ],
        [
          "D1 round trips inside the Conversation object",
          p.d1RoundTripsInObject,
          "reads from the code × observed conversations and tickets; writes: the conversation row's measured writes (cost.ts D1_ROUND_TRIPS)",
        ],
        [
          "D1 round trips in total (with the deliveries consumer)",
          p.d1RoundTripsTotal,
          "as above, + the delivery rounds' (none for a round of successes)",
        ],
        [
          "D1 rows written (table rows / with index entries)",
          `${p.d1RowsWritten} / ${p.d1RowsWrittenWithIndexes}`,
          "measured with triggers in the temp DB",
        ],
        [
          "event log objects' rows written (events and SLA clocks, index entries and updates included)",
          p.eventLogRowsWritten,
          p.eventLogMeasured ? "measured from the objects' SQLite files (bench/event-log-rows.ts)" : "upper bound (cost.ts ASSUMPTIONS)",
        ],
        [
          "conversation objects' rows written (measured / assumed upper bound)",
          `${p.conversationRowsWritten} / ${p.conversationRowsAssumed}`,
          p.objectsMeasured
            ? `messages, index entries and rewrites measured from the objects' SQLite files (bench/object-rows.ts) + ${p.conversationKvWrites} kv and alarm writes ${p.conversationKvMeasured ? "counted in their write-ahead logs (a lower bound)" : "at their upper bound"} (assumed: ${cost.assumptions.doKvRowsWritten}; final kv rows: ${p.conversationKvRowsLowerBound})`
            : "upper bound (cost.ts ASSUMPTIONS)",
        ],
        [
          "endpoint objects' rows written (measured / assumed upper bound)",
          `${p.endpointRowsWritten} / ${p.endpointRowsAssumed}`,
          p.objectsMeasured
            ? "attempts and their index entries, from the objects' SQLite files (bench/object-rows.ts)"
            : "upper bound (cost.ts ASSUMPTIONS)",
        ],
        [
          "all storage rows written (D1 with index entries + objects)",
          p.allRowsWritten,
          p.objectsMeasured
            ? "D1 measured; objects: the DO storage rows line of 4c (measured from their files)"
            : "D1 measured; objects: the DO storage rows line of 4c (conversation and endpoints at their upper bound)",
        ],
        ["workerd CPU (ms)", p.cpuMs, "measured (upper bound: includes local D1/queue/DO emulation)"],
        ["DO wall time (ms, production estimate)", p.doWallMs, "D1 round trips × RTT + external calls × latency (assumed)"],
      ],
    });
    if (cost.d1WritesByTable.length > 0) {
      tables.push({
        title: "4b. D1 rows written during the flood, by table",
        headers: ["table", "inserted", "updated", "deleted", "per DM"],
        rows: cost.d1WritesByTable.map((r) => [r.table, r.insert, r.update, r.delete, r.perDm]),
      });
    }
    tables.push({
      title: "4c. Projected cost of 1,000,000 DMs beyond included usage (units per DM × 10⁶ × $ per 10⁶ units)",
      headers: ["item", "units per DM", "unit", "$ per million units", "$ per million DMs", "arithmetic / basis"],
      rows: [
        ...cost.lines.map((l) => [
          l.item,
          l.perDm,
          l.unit,
          l.pricePerM,
          l.perMillionDms.toFixed(4),
          `${l.perDm} × ${l.pricePerM} = ${l.perMillionDms.toFixed(4)}; ${l.basis}`,
        ]),
        [
          "total",
          "",
          "",
          "",
          cost.totalPerMillion.toFixed(2),
          `worst case (one message per consumer invocation): $${cost.worstCaseTotalPerMillion.toFixed(2)}`,
        ],
      ],
      notes: [
        `Prices: ${cost.prices.asOf}. The constants are in bench/cost.ts (PRICES); the lead must re-check them against Cloudflare's pricing pages.`,
        `Assumptions (bench/cost.ts ASSUMPTIONS): queue batch ${cost.assumptions.queueBatch}, D1 round trip ${cost.assumptions.d1RoundTripMs} ms, external call ${cost.assumptions.externalCallMs} ms, DO storage ${cost.assumptions.doStorageRowsWritten} rows written per DM and ${cost.assumptions.doStorageRowsPerReply} per reply in the conversation object, ${cost.assumptions.doStorageRowsPerAttempt} per delivery attempt in the endpoint object and ${cost.assumptions.doStorageRowsPerEvent} per event and ${cost.assumptions.doStorageRowsPerClock} per SLA clock in the workspace's event log object.`,
        "Included usage (10 M requests, 30 M CPU-ms, 1 M queue operations, 1 M DO requests, 400,000 GB-s, 50 M D1 rows written per month) is not subtracted.",
      ],
    });
  }

  if (failed(pure)) tables.push({ title: "5. Pure pieces", headers: ["error"], rows: [[pure.error]] });
  else if (pure) {
    tables.push({
      title: `5. Pure pieces (plain Node loop, warm-up then ≥ ${pure.minMs} ms each; flag above ${pure.thresholdUs / 1000} ms)`,
      headers: ["piece", "what", "inputs", "µs per message", "flag", "note"],
      rows: pure.rows.map((r) => [r.piece, r.detail, r.items, r.usPerOp, r.flagged ? "**> 0.2 ms**" : "", r.note ?? ""]),
    });
  }

  if (results.floor) tables.push(floorTable(results.floor, burst, flood));

  if (failed(profile)) tables.push({ title: "6. Worker CPU profile", headers: ["error"], rows: [[profile.error]] });
  else if (profile) tables.push(...profileTables(profile));

  // A profile-only run has no targets: no empty table.
  if (results.targets.length > 0) {
    tables.push({
      title: "Targets",
      headers: ["section", "target", "result", "met"],
      rows: results.targets.map((t) => [t.section, t.target, t.result, yes(t.met)]),
    });
  }
  return tables;
}

export function evaluateTargets(results: Results): Target[] {
  const targets: Target[] = [];
  const { intake, burst, flood, cost, pure } = results;
  if (intake && !failed(intake)) {
    intake.rows.forEach((row, i) => {
      const alone = intake.alone?.[i];
      targets.push({
        section: "intake",
        target: `intake ÷ health ≥ 0.6 at ${row.connections} connection(s), pipeline consuming`,
        result: `${row.ratio ?? "—"}${alone ? ` (no consumers: ${alone.ratio ?? "—"})` : ""}`,
        met: row.ratio === null ? null : row.ratio >= 0.6,
      });
    });
  }
  if (burst && !failed(burst)) {
    targets.push({
      section: "burst",
      target: "every event delivered within 1.5 s of the first POST",
      result: burst.allEventsS === null ? "not all delivered" : `${burst.allEventsS} s (every message.received: ${burst.allReceivedS} s)`,
      met: burst.allEventsS !== null && burst.allEventsS <= 1.5,
    });
    targets.push({
      section: "burst",
      target: "every first automatic reply within 1.5 s of the first POST",
      result:
        burst.allRepliesS === null ? `${burst.observed.replies} of ${burst.expected.replies ?? "?"} replies` : `${burst.allRepliesS} s`,
      met: burst.allRepliesS !== null && burst.allRepliesS <= 1.5,
    });
    const dup = burst.duplicated.webhookIds + burst.duplicated.messages + burst.duplicated.replies;
    targets.push({
      section: "burst",
      target: "0 lost, 0 duplicated",
      result: `${burst.lost.messages} lost, ${dup} duplicated`,
      met: burst.lost.messages === 0 && dup === 0,
    });
  }
  if (flood && !failed(flood)) {
    const dup = flood.duplicated.webhookIds + flood.duplicated.messages + flood.duplicated.replies;
    targets.push({
      section: "flood",
      target: "0 lost, 0 duplicated",
      result: `${flood.lost} lost, ${dup} duplicated`,
      met: flood.lost === 0 && dup === 0,
    });
    targets.push({
      section: "flood",
      target: "drain ≥ 600 events/s on 2 cores",
      result: `${flood.drainPerS ?? "—"} DMs/s (${flood.deliveriesPerS ?? "—"} deliveries/s)`,
      met: flood.drainPerS === null ? null : flood.drainPerS >= 600,
    });
    targets.push({
      section: "flood",
      target: "memory flat",
      result: `${flood.memory.idleMb} → ${flood.memory.endMb} MB (peak ${flood.memory.peakMb})`,
      met: flood.memory.flat,
    });
  }
  if (cost) {
    targets.push({
      section: "cost",
      target: "≤ 2 ms CPU per DM",
      result: `${cost.perDm.cpuMs ?? "—"} ms (workerd, local)`,
      met: cost.perDm.cpuMs === null ? null : cost.perDm.cpuMs <= 2,
    });
    targets.push({
      section: "cost",
      target: "under $3 per million DMs",
      result: `$${cost.totalPerMillion} (worst case $${cost.worstCaseTotalPerMillion})`,
      met: cost.totalPerMillion < 3,
    });
  }
  if (results.floor) {
    for (const r of results.floor.ratios)
      targets.push({
        section: "floor",
        target: `Switchboard ÷ floor ${r.target}: ${r.measure}`,
        result: r.ratio === null ? "not compared" : `${r.ratio} (${r.switchboard} vs ${r.floor})`,
        met: r.met,
      });
  }
  if (pure && !failed(pure)) {
    const slow = pure.rows.filter((r) => r.flagged);
    targets.push({
      section: "pure",
      target: "no piece above 0.2 ms per message",
      result: slow.length === 0 ? "none" : slow.map((r) => `${r.piece} ${r.detail} ${r.usPerOp} µs`).join("; "),
      met: slow.length === 0,
    });
  }
  return targets;
}

/** Section 7: the floor's own figures beside Switchboard's of the same run, and Switchboard ÷ floor. */
export function floorTable(floor: NonNullable<Results["floor"]>, burst: Results["burst"], flood: Results["flood"]): Table {
  const fb = failed(floor.burst) ? null : floor.burst;
  const ff = failed(floor.flood) ? null : floor.flood;
  const sb = burst && !failed(burst) ? burst : null;
  const sf = flood && !failed(flood) ? flood : null;
  const compared = floor.ratios.map((r) => [r.measure, r.floor, r.switchboard, r.ratio, r.target, yes(r.met)]);
  const rows: Cell[][] = [
    ...compared,
    ["burst: accepted / sent", fb && `${fb.acked} / ${fb.sent}`, sb && `${sb.acked} / ${sb.sent}`, "", "", ""],
    ["burst: ack latency p50 / p99 (ms)", fb && pair(fb.ackMs), sb && pair(sb.ackMs), "", "", ""],
    ["burst: DM → message.received p50 / p99 (ms)", fb && pair(fb.dmToReceivedMs), sb && pair(sb.dmToReceivedMs), "", "", ""],
    [
      "burst: lost / duplicated messages",
      fb && `${fb.lost.messages} / ${fb.duplicated.messages}`,
      sb && `${sb.lost.messages} / ${sb.duplicated.messages}`,
      "",
      "",
      "",
    ],
    ["flood: DMs / conversations", ff && `${ff.acked} / ${ff.conversations}`, sf && `${sf.acked} / ${sf.conversations}`, "", "", ""],
    ["flood: intake rate (DMs/s)", ff?.ingestPerS, sf?.ingestPerS, "", "", ""],
    ["flood: DM → delivery p50 / p99 (ms)", ff && pair(ff.dmToDeliveryMs, 0), sf && pair(sf.dmToDeliveryMs, 0), "", "", ""],
    [
      "flood: lost / duplicated messages",
      ff && `${ff.lost} / ${ff.duplicated.messages}`,
      sf && `${sf.lost} / ${sf.duplicated.messages}`,
      "",
      "",
      "",
    ],
    [
      "flood: workerd RSS idle / peak / after (MB)",
      ff && `${ff.memory.idleMb} / ${ff.memory.peakMb} / ${ff.memory.endMb}`,
      sf && `${sf.memory.idleMb} / ${sf.memory.peakMb} / ${sf.memory.endMb}`,
      "",
      "",
      "",
    ],
    ["flood: workerd cores while busy", ff?.cpu.workerdCores, sf?.cpu.workerdCores, "", "", ""],
    ["flood: D1 rows written per DM", ff && d1RowsPerDm(ff), sf && d1RowsPerDm(sf), "", "", ""],
  ];
  const errors = [
    failed(floor.burst) ? `floor burst: ${floor.burst.error}` : null,
    failed(floor.flood) ? `floor flood: ${floor.flood.error}` : null,
  ];
  return {
    title: "7. The floor (bench/floor: verify → queue → one object insert → one D1 insert → signed POST), same load and dev server",
    headers: ["measure", "floor", "Switchboard", "Switchboard ÷ floor", "target", "met"],
    rows,
    notes: [
      "The floor runs after Switchboard's burst and flood, with the same senders, sizes and dev-server settings; this machine moves absolute figures by a quarter from run to run, so compare within one run: the ratio is the figure to read.",
      ...(floor.ratios.some((r) => r.ratio === null)
        ? ["A ratio is '—' when Switchboard's or the floor's section did not run, or failed, in this run."]
        : []),
      ...errors.filter((e): e is string => e !== null),
      ...(fb?.notes ?? []).map((n) => `floor burst: ${n}`),
      ...(ff?.notes ?? []).map((n) => `floor flood: ${n}`),
    ],
  };
}

/** D1 rows written per acknowledged DM, from the trigger counters (index entries not included). */
function d1RowsPerDm(flood: FloodResult): number | null {
  if (!flood.d1.writes || flood.acked === 0) return null;
  let rows = 0;
  for (const t of Object.values(flood.d1.writes.byTable)) rows += t.insert + t.update + t.delete;
  return Math.round((rows / flood.acked) * 100) / 100;
}

/** The "Worker CPU profile" section: the run, the top functions by self time, self time by area. */
export function profileTables(profile: ProfileResult): Table[] {
  const s = profile.summary;
  const idle = s.idleShare === null ? "—" : `${(s.idleShare * 100).toFixed(1)} %`;
  return [
    {
      title: `6. Worker CPU profile: ${profile.profiledDms} DMs over ${profile.conversations} conversations (workerd inspector, V8 sampling every ${profile.intervalUs} µs)`,
      headers: ["metric", "value"],
      rows: [
        ["profile file (Chrome DevTools: Performance → Load profile)", profile.file],
        ["DMs profiled / delivered (after a warm-up of)", `${profile.profiledDms} / ${profile.delivered} (${profile.warmUp})`],
        ["profiled wall time (s)", profile.wallS],
        ["samples / median interval (µs)", `${s.samples} / ${s.medianIntervalUs ?? "—"}`],
        ["sampled time (ms) / of which (idle)", `${s.sampledMs} / ${s.idleMs} (${idle})`],
        [
          "busy time in the worker's isolate (ms) / per DM",
          `${s.busyMs} / ${profile.profiledDms > 0 ? (s.busyMs / profile.profiledDms).toFixed(3) : "—"}`,
        ],
        [
          "workerd CPU, all processes, same window (ms) / per DM",
          `${profile.workerdCpuMs} / ${profile.profiledDms > 0 ? (profile.workerdCpuMs / profile.profiledDms).toFixed(3) : "—"}`,
        ],
        ["gaps without samples (ms)", s.unattributedMs],
        [
          "worker isolate's V8 heap after a forced GC, before → after the profiled DMs (MB)",
          profile.heapMb ? `${profile.heapMb.before} → ${profile.heapMb.after}` : "not measured",
        ],
        ["source maps", `${profile.sourceMaps} (${s.mapping.mapped} of ${s.mapping.bundleFrames} bundle frames)`],
      ],
      notes: [
        "Only the worker's isolate is profiled (intake, queue consumers, the Conversation object). miniflare's D1, queues and Durable Object storage run in other isolates of the same workerd: their CPU is in 'workerd CPU' but not in the profile.",
        "workerd's sampler only samples the thread holding the isolate's lock, so a long interval between samples is mostly time the isolate was not running: each sample stands for at most twice the median interval, the rest is counted under 'gaps'. Times are estimates; the shares are what to read.",
        "'workerd: D1 client' is the D1 binding's JavaScript inside the worker (cloudflare-internal:d1-api) and the runtime calls it makes (fetch, Headers, URL, tracing spans): the worker's own cost of each D1 round trip.",
        ...profile.notes,
      ],
    },
    {
      title: "6a. Top functions by self time (idle left out; % of busy time)",
      headers: ["function", "file:line", "area", "self ms", "self %"],
      rows: s.top.map((f) => [f.function, f.location, f.area, f.selfMs.toFixed(1), f.pctOfBusy.toFixed(1)]),
    },
    {
      title: "6b. Self time by source area",
      headers: ["area", "self ms", "% of sampled", "% of busy"],
      rows: s.areas.map((a) => [a.area, a.ms.toFixed(1), a.pctOfSampled.toFixed(1), a.area === "(idle)" ? "" : a.pctOfBusy.toFixed(1)]),
    },
    {
      title: "6c. Busy time by the innermost src/ folder on the stack (libraries and runtime calls charged to the code that made them)",
      headers: ["our code", "ms", "% of busy"],
      rows: s.byOurCode.map((a) => [a.area, a.ms.toFixed(1), a.pctOfBusy.toFixed(1)]),
      notes: [
        `With no src/ frame on the stack: ${s.outsideOurCode
          .slice(0, 6)
          .map((a) => `${a.area} ${a.pctOfBusy.toFixed(1)} %`)
          .join(
            ", ",
          )} (of busy time). Code resumed after an \`await\` starts from the event loop, so a library's or the D1 client's continuations land here rather than under the src/ folder that awaited them.`,
      ],
    },
  ];
}
