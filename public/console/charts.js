// @ts-check
/**
 * Hand-drawn SVG charts for the dashboard: horizontal bars (one row per label, one bar per
 * series) and columns over time (stacked series plus a line). No library: the figures are
 * few, and the strict CSP forbids inline styles, so colours come from CSS classes
 * (`series-<name>`) and geometry from SVG attributes.
 *
 * Charts are drawn at the pixel width they are given (their container's), so their text
 * stays 12 px on a phone and on a desktop alike.
 *
 * Every mark carries `data-series`, `data-label` and `data-value` (the figure as the API gave
 * it), and a `<title>` that a pointer or a screen reader can read.
 */

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * @param {string} tag
 * @param {Record<string, string|number>} [attrs]
 * @param {...(SVGElement|string)} children
 * @returns {SVGElement}
 */
function svg(tag, attrs = {}, ...children) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  for (const child of children) node.append(child);
  return node;
}

/**
 * A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `value`.
 * @param {number} value
 */
export function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/**
 * @typedef {{ name: string, label: string }} Series
 * @typedef {{ label: string, values: Record<string, number|null> }} Row
 */

/**
 * Horizontal bars: each row a label over a group of bars, one per series (so long channel
 * names never squeeze the bars on a phone); `null` draws "no data".
 * @param {{ title: string, rows: Row[], series: Series[], max?: number, format: (value: number) => string, width?: number }} spec
 * @returns {SVGElement}
 */
export function barChart(spec) {
  const valueWidth = 72;
  const width = Math.max(240, spec.width ?? 460);
  const labelHeight = 18;
  const barHeight = 14;
  const gap = 3;
  const groupGap = 10;
  const plot = width - valueWidth;
  const values = spec.rows.flatMap((row) => spec.series.map((s) => row.values[s.name] ?? 0));
  const max = spec.max ?? niceMax(Math.max(0, ...values));
  const groupHeight = labelHeight + spec.series.length * (barHeight + gap) - gap;
  const height = Math.max(1, spec.rows.length) * (groupHeight + groupGap);
  const chart = svg("svg", {
    class: "chart chart-bars",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": `${spec.title}: ${describeRows(spec)}`,
  });
  spec.rows.forEach((row, rowIndex) => {
    const top = rowIndex * (groupHeight + groupGap);
    chart.append(svg("text", { x: 0, y: top + 13, class: "chart-label chart-row-label" }, row.label));
    spec.series.forEach((series, seriesIndex) => {
      const value = row.values[series.name];
      const y = top + labelHeight + seriesIndex * (barHeight + gap);
      const barWidth = value === null || value === undefined ? 0 : (Math.min(value, max) / max) * plot;
      const text = value === null || value === undefined ? "no data" : spec.format(value);
      const bar = svg(
        "rect",
        {
          x: 0,
          y,
          width: round(barWidth),
          height: barHeight,
          rx: 2,
          class: `bar series-${series.name}`,
          "data-series": series.name,
          "data-label": row.label,
          "data-value": value === null || value === undefined ? "" : String(value),
        },
        svg("title", {}, `${row.label}, ${series.label}: ${text}`),
      );
      chart.append(bar);
      chart.append(
        svg("text", { x: round(barWidth + 4), y: y + barHeight / 2, class: "chart-value", "dominant-baseline": "middle" }, text),
      );
    });
  });
  return chart;
}

/**
 * Columns over time: `stacked` series stacked per bucket, `line` drawn over them as a
 * polyline with a point per bucket.
 * @param {{ title: string, buckets: { start: string, values: Record<string, number> }[], stacked: Series[], line: Series, width?: number,
 *   formatTime: (iso: string) => string }} spec
 * @returns {SVGElement}
 */
export function timeChart(spec) {
  const width = Math.max(240, spec.width ?? 640);
  const height = 220;
  const left = 36;
  const bottom = 22;
  const top = 8;
  const plotWidth = width - left - 8;
  const plotHeight = height - top - bottom;
  const count = Math.max(1, spec.buckets.length);
  const slot = plotWidth / count;
  const totals = spec.buckets.map((b) =>
    Math.max(
      spec.stacked.reduce((sum, s) => sum + (b.values[s.name] ?? 0), 0),
      b.values[spec.line.name] ?? 0,
    ),
  );
  const max = niceMax(Math.max(0, ...totals));
  const yOf = (/** @type {number} */ value) => top + plotHeight - (value / max) * plotHeight;
  const chart = svg("svg", {
    class: "chart chart-time",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": `${spec.title}: ${describeTotals(spec)}`,
  });
  // Axis: 0, half (when a whole number: these are counts) and max, with faint grid lines.
  for (const value of max % 2 === 0 ? [0, max / 2, max] : [0, max]) {
    const y = round(yOf(value));
    chart.append(svg("line", { x1: left, x2: width - 8, y1: y, y2: y, class: "chart-grid" }));
    chart.append(svg("text", { x: left - 4, y, class: "chart-label", "text-anchor": "end", "dominant-baseline": "middle" }, String(value)));
  }
  spec.buckets.forEach((bucket, index) => {
    let base = 0;
    const x = left + index * slot;
    for (const series of spec.stacked) {
      const value = bucket.values[series.name] ?? 0;
      const y = yOf(base + value);
      const column = svg(
        "rect",
        {
          x: round(x + slot * 0.15),
          y: round(y),
          width: round(Math.max(1, slot * 0.7)),
          height: round(yOf(base) - y),
          class: `bar series-${series.name}`,
          "data-series": series.name,
          "data-label": bucket.start,
          "data-value": String(value),
        },
        svg("title", {}, `${spec.formatTime(bucket.start)}, ${series.label}: ${value}`),
      );
      chart.append(column);
      base += value;
    }
  });
  const points = spec.buckets.map((bucket, index) => [left + index * slot + slot / 2, yOf(bucket.values[spec.line.name] ?? 0)]);
  chart.append(
    svg("polyline", {
      points: points.map(([x, y]) => `${round(x ?? 0)},${round(y ?? 0)}`).join(" "),
      class: `line series-${spec.line.name}`,
    }),
  );
  spec.buckets.forEach((bucket, index) => {
    const [x, y] = points[index] ?? [0, 0];
    const value = bucket.values[spec.line.name] ?? 0;
    chart.append(
      svg(
        "circle",
        {
          cx: round(x),
          cy: round(y),
          r: value > 0 ? 2.5 : 1,
          class: `point series-${spec.line.name}`,
          "data-series": spec.line.name,
          "data-label": bucket.start,
          "data-value": String(value),
        },
        svg("title", {}, `${spec.formatTime(bucket.start)}, ${spec.line.label}: ${value}`),
      ),
    );
  });
  const first = spec.buckets[0];
  const last = spec.buckets[spec.buckets.length - 1];
  if (first && last) {
    chart.append(svg("text", { x: left, y: height - 4, class: "chart-label" }, spec.formatTime(first.start)));
    chart.append(svg("text", { x: width - 8, y: height - 4, class: "chart-label", "text-anchor": "end" }, spec.formatTime(last.start)));
  }
  return chart;
}

/** @param {number} value */
function round(value) {
  return Math.round(value * 10) / 10;
}

/** @param {{ rows: Row[], series: Series[], format: (value: number) => string }} spec */
function describeRows(spec) {
  if (!spec.rows.length) return "no data";
  return spec.rows
    .map(
      (row) =>
        `${row.label}: ${spec.series
          .map((s) => {
            const value = row.values[s.name];
            return `${s.label} ${value === null || value === undefined ? "no data" : spec.format(value)}`;
          })
          .join(", ")}`,
    )
    .join("; ");
}

/** @param {{ buckets: { values: Record<string, number> }[], stacked: Series[], line: Series }} spec */
function describeTotals(spec) {
  return [spec.line, ...spec.stacked]
    .map((s) => `${s.label} ${spec.buckets.reduce((sum, b) => sum + (b.values[s.name] ?? 0), 0)}`)
    .join(", ");
}
