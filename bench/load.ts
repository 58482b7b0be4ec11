/** autocannon (programmatic API) with a progress bar, reduced to the figures the report needs. */
import autocannon from "autocannon";
import { progress } from "./progress.ts";
import { round } from "./stats.ts";

export interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface LoadOptions {
  label: string;
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is given. */
  duration?: number;
  amount?: number;
  method?: string;
  path?: string;
  /** Called for every request: give it a fresh body and headers. */
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
  /** Stops the run after this many seconds even if `amount` was not reached. */
  maxSeconds?: number;
}

export interface LoadRun {
  label: string;
  connections: number;
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  elapsedS: number;
  /** Completed requests per second of wall time. */
  rps: number;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null; mean: number | null };
  statusCodes: Record<string, number>;
}

interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  statusCodeStats?: Record<string, { count: number | string }>;
}

interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: () => void): void;
  stop(): void;
}

type Autocannon = (options: Record<string, unknown>) => AutocannonInstance;

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const total = options.amount ?? Math.round((options.duration ?? 10) * 10) / 10;
  const bar = progress(options.label, options.amount ?? total, options.amount ? "" : " s");
  // autocannon's `requests[].path` replaces the URL's path: take it from the URL unless given.
  const target = new URL(options.url);
  const request: Record<string, unknown> = { method: options.method ?? "GET", path: options.path ?? `${target.pathname}${target.search}` };
  if (options.setupRequest) request.setupRequest = options.setupRequest;
  if (options.onResponse) request.onResponse = options.onResponse;
  const started = performance.now();
  const instance = (autocannon as unknown as Autocannon)({
    url: target.origin,
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 10 }),
    requests: [request],
  });
  const stopper = options.maxSeconds ? setTimeout(() => instance.stop(), options.maxSeconds * 1000) : null;
  let responses = 0;
  instance.on("response", () => {
    responses += 1;
    bar.update(options.amount ? responses : Math.round((performance.now() - started) / 100) / 10);
  });
  const result = await instance;
  if (stopper) clearTimeout(stopper);
  const elapsedS = (performance.now() - started) / 1000;
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = Number(stat.count);
  const requests = result["2xx"] + result.non2xx;
  const run: LoadRun = {
    label: options.label,
    connections: options.connections,
    requests,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    elapsedS: round(elapsedS, 3) ?? 0,
    rps: round(requests / elapsedS, 1) ?? 0,
    latencyMs: {
      p50: round(result.latency.p50),
      p90: round(result.latency.p90),
      p99: round(result.latency.p99),
      max: round(result.latency.max),
      mean: round(result.latency.average),
    },
    statusCodes,
  };
  bar.finish(`${run.rps} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms${run.non2xx ? `, ${run.non2xx} non-2xx` : ""}`);
  return run;
}
