// @ts-check
/**
 * The night at a glance: the share of first responses inside the window per channel, p50/p90
 * first-response times and open breaches over the last hour, day and week
 * (`GET /v1/metrics/sla`, once per range), and DMs per minute over the last hour, answered
 * automatically versus escalated (`GET /v1/metrics/traffic`). Charts are redrawn only when
 * the figures change, so polling does not flicker.
 */
import { barChart, timeChart } from "./charts.js";

/**
 * What app.js lends this view.
 * @typedef {{
 *   api: (method: "GET", path: string) => Promise<{ status: number, data: any }>,
 *   h: (tag: string, attrs?: Record<string, string|number|boolean|null|undefined>|null, ...children: any[]) => HTMLElement,
 *   byId: (id: string) => HTMLElement,
 *   setText: (node: HTMLElement, text: string) => void,
 *   show: (node: HTMLElement, shown: boolean) => void,
 *   channelLabel: (channelId: string) => string,
 *   hasChannel: (channelId: string) => boolean,
 *   loadChannels: () => Promise<void>,
 *   liveSaleOn: () => boolean,
 *   session: () => number,
 * }} DashboardKit
 *
 * @typedef {{ inbound: number, answered: number, answeredInsideWindow: number, insideWindowRate: number|null,
 *   p50FirstResponseSeconds: number|null, p90FirstResponseSeconds: number|null, openBreaches: number }} SlaFigures
 * @typedef {{ from: string, to: string, overall: SlaFigures, channels: (SlaFigures & { channelId: string })[] }} SlaMetrics
 * @typedef {{ inbound: number, answeredAutomatically: number, escalated: number, agentReplies: number }} TrafficFigures
 * @typedef {{ from: string, to: string, bucketSeconds: number, totals: TrafficFigures,
 *   buckets: (TrafficFigures & { start: string })[] }} TrafficMetrics
 */

const RANGES = /** @type {const} */ ([
  { name: "hour", label: "Last hour", ms: 3600_000 },
  { name: "day", label: "Last day", ms: 86_400_000 },
  { name: "week", label: "Last week", ms: 7 * 86_400_000 },
]);

/** A week of clocks is read per poll: the figures are read again at most this often while the view stays open. */
const RELOAD_MS = 15_000;

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** @param {number} seconds */
export function formatSeconds(seconds) {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** @param {DashboardKit} kit */
export function mountDashboard(kit) {
  /** @type {{ sla: SlaMetrics[], traffic: TrafficMetrics|null }} */
  let figures = { sla: [], traffic: null };

  let loadedAt = 0;
  let calledAt = 0;

  /** Reads the figures on opening the view, then at most every RELOAD_MS however often it is polled. */
  async function load() {
    const now = Date.now();
    const returning = now - calledAt > RELOAD_MS;
    calledAt = now;
    // The settings are polled anyway: the live-sale badge follows the switch at once.
    kit.show(kit.byId("dash-live-sale"), kit.liveSaleOn());
    if (!returning && now - loadedAt < RELOAD_MS) return;
    const session = kit.session();
    const to = new Date(now).toISOString();
    const [sla, traffic] = await Promise.all([
      Promise.all(
        RANGES.map((range) =>
          kit.api("GET", `/v1/metrics/sla?from=${new Date(now - range.ms).toISOString()}&to=${to}`).then((r) => r.data),
        ),
      ),
      kit.api("GET", "/v1/metrics/traffic").then((r) => r.data),
    ]);
    const unknown = sla.some((/** @type {SlaMetrics} */ m) => m.channels.some((c) => !kit.hasChannel(c.channelId)));
    if (unknown) await kit.loadChannels();
    if (session !== kit.session()) return;
    loadedAt = Date.now();
    figures = { sla, traffic };
    render();
  }

  function render() {
    const { sla, traffic } = figures;
    if (sla.length !== RANGES.length) return;
    const rangeSeries = RANGES.map((r) => ({ name: r.name, label: r.label }));
    // Channels seen in any range; "All channels" first.
    const channelIds = [...new Set(sla.flatMap((m) => m.channels.map((c) => c.channelId)))];
    const rateRows = [
      { label: "All channels", values: Object.fromEntries(RANGES.map((r, i) => [r.name, sla[i]?.overall.insideWindowRate ?? null])) },
      ...channelIds.map((id) => ({
        label: kit.channelLabel(id),
        values: Object.fromEntries(
          RANGES.map((r, i) => [r.name, sla[i]?.channels.find((c) => c.channelId === id)?.insideWindowRate ?? null]),
        ),
      })),
    ];
    draw("dash-rate", [rateRows], (width) =>
      barChart({
        width,
        title: "First responses inside the window",
        rows: rateRows,
        series: rangeSeries,
        max: 1,
        format: (v) => `${Math.round(v * 100)} %`,
      }),
    );
    const timeRows = RANGES.map((r, i) => ({
      label: r.label,
      values: { p50: sla[i]?.overall.p50FirstResponseSeconds ?? null, p90: sla[i]?.overall.p90FirstResponseSeconds ?? null },
    }));
    draw("dash-times", [timeRows], (width) =>
      barChart({
        width,
        title: "First-response time",
        rows: timeRows,
        series: [
          { name: "p50", label: "p50" },
          { name: "p90", label: "p90" },
        ],
        format: formatSeconds,
      }),
    );
    const breachRows = RANGES.map((r, i) => ({ label: r.label, values: { breaches: sla[i]?.overall.openBreaches ?? 0 } }));
    draw("dash-breaches", [breachRows], (width) =>
      barChart({ width, title: "Open breaches", rows: breachRows, series: [{ name: "breaches", label: "open breaches" }], format: String }),
    );
    const week = sla[RANGES.length - 1];
    kit.setText(
      kit.byId("dash-summary"),
      week ? `Last week: ${week.overall.inbound} DMs, ${week.overall.answered} answered, ${week.overall.openBreaches} still breached.` : "",
    );
    if (traffic) renderTraffic(traffic);
  }

  /** @param {TrafficMetrics} traffic */
  function renderTraffic(traffic) {
    const buckets = traffic.buckets.map((b) => ({
      start: b.start,
      values: { inbound: b.inbound, auto: b.answeredAutomatically, escalated: b.escalated },
    }));
    draw("dash-traffic", [buckets], (width) =>
      timeChart({
        width,
        title: "DMs per minute, last hour",
        buckets,
        stacked: [
          { name: "auto", label: "answered automatically" },
          { name: "escalated", label: "escalated" },
        ],
        line: { name: "inbound", label: "DMs received" },
        formatTime: (iso) => timeOfDay.format(new Date(iso)),
      }),
    );
    const t = traffic.totals;
    kit.setText(
      kit.byId("dash-traffic-totals"),
      `${t.inbound} DMs · ${t.answeredAutomatically} answered automatically · ${t.escalated} escalated · ${t.agentReplies} ${t.agentReplies === 1 ? "agent's reply" : "agents' replies"}`,
    );
  }

  /**
   * Replaces a chart only when what it is drawn from, or its container's width, changed.
   * @param {string} id
   * @param {unknown} data
   * @param {(width: number|undefined) => SVGElement} make
   */
  function draw(id, data, make) {
    const container = kit.byId(id);
    // A hidden view has no width yet: the default is drawn, and redrawn once it shows.
    const width = container.clientWidth > 0 ? Math.floor(container.clientWidth) : undefined;
    const signature = JSON.stringify([data, width ?? null]);
    if (container.dataset.sig === signature) return;
    container.replaceChildren(make(width));
    container.dataset.sig = signature;
  }

  // Redraw at the new width when the window or the phone turns; a frame later, so drawing
  // never feeds back into the same resize notification.
  let lastWidth = 0;
  new ResizeObserver((entries) => {
    const width = Math.floor(entries[0]?.contentRect.width ?? 0);
    if (width === lastWidth || width === 0) return;
    lastWidth = width;
    requestAnimationFrame(render);
  }).observe(kit.byId("dashboard-view"));

  function reset() {
    figures = { sla: [], traffic: null };
    loadedAt = 0;
    for (const id of ["dash-rate", "dash-times", "dash-breaches", "dash-traffic"]) {
      const node = kit.byId(id);
      node.replaceChildren();
      delete node.dataset.sig;
    }
    kit.setText(kit.byId("dash-summary"), "");
    kit.setText(kit.byId("dash-traffic-totals"), "");
  }

  return { load, reset };
}
