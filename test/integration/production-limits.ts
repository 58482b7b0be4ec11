/**
 * What Cloudflare refuses deployed but local workerd accepts, refused here too, loudly, so
 * a test that crosses a limit fails the way production would.
 *
 * Enforced by the local runtime already (and so not repeated here):
 * - D1 and Durable Object SQLite: 100 bound parameters and 100,000-byte statements
 *   (https://developers.cloudflare.com/d1/platform/limits/): "too many SQL variables",
 *   "statement too long".
 * - Queues: 128 KB per message (https://developers.cloudflare.com/queues/platform/limits/).
 */

import { env } from "cloudflare:workers";
import { AsyncLocalStorage } from "node:async_hooks";

/**
 * D1: "Maximum string, BLOB or table row size: 2,000,000 bytes"
 * (https://developers.cloudflare.com/d1/platform/limits/). Local D1 stores 2.1 MB rows.
 */
export const D1_MAX_ROW_BYTES = 2_000_000;

const encoder = new TextEncoder();

function byteSize(value: unknown): number {
  if (typeof value === "string") return encoder.encode(value).byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  return 8;
}

/** Rows an INSERT writes: drizzle writes `values (?, …), (?, …)`, one group a row. */
function rowsWritten(sql: string): number {
  const values = /\bvalues\s*(\(.*)$/is.exec(sql)?.[1];
  if (!values) return 1;
  return values.split(/\)\s*,\s*\(/).length;
}

/** Throws as D1 would for a value, or a written row, over 2,000,000 bytes. */
export function checkD1Values(sql: string, values: unknown[]): void {
  for (const value of values) {
    if (byteSize(value) > D1_MAX_ROW_BYTES)
      throw new Error(`D1_ERROR: string or blob too big (over ${D1_MAX_ROW_BYTES} bytes): SQLITE_TOOBIG`);
  }
  if (!/^\s*(insert|update|replace)\b/i.test(sql)) return;
  const rows = rowsWritten(sql);
  const perRow = Math.ceil(values.length / rows);
  for (let i = 0; i < values.length; i += perRow) {
    const bytes = values.slice(i, i + perRow).reduce<number>((sum, value) => sum + byteSize(value), 0);
    if (bytes > D1_MAX_ROW_BYTES) throw new Error(`D1_ERROR: row too big (over ${D1_MAX_ROW_BYTES} bytes): SQLITE_TOOBIG`);
  }
}

type Statement = Record<"bind" | "run" | "all" | "first" | "raw", (...args: unknown[]) => unknown>;

/**
 * Wraps the D1 binding's statements in this isolate (the worker, its consumers and its
 * objects run here too): a statement over a limit rejects when it runs, as D1's would.
 */
export function enforceD1RowSize(): void {
  const database = Object.getPrototypeOf(env.DB) as { prepare(sql: string): object; batch(statements: object[]): Promise<unknown> };
  const statement = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Statement & { __productionLimits?: true };
  if (statement.__productionLimits) return;
  statement.__productionLimits = true;

  const sqlOf = new WeakMap<object, string>();
  const tooBig = new WeakMap<object, Error>();
  const refusal = (prepared: object): Error | undefined => {
    const sql = sqlOf.get(prepared) ?? "";
    for (const watch of watches) if (watch.match.test(sql)) watch.count += 1;
    return tooBig.get(prepared) ?? injectedFault(sql);
  };
  const { prepare, batch } = database;
  database.prepare = function (this: unknown, sql: string) {
    const made = prepare.call(this, sql);
    sqlOf.set(made, sql);
    return made;
  };
  const { bind } = statement;
  statement.bind = function (this: object, ...values: unknown[]) {
    const bound = bind.apply(this, values) as object;
    const sql = sqlOf.get(this) ?? "";
    sqlOf.set(bound, sql);
    try {
      checkD1Values(sql, values);
    } catch (error) {
      tooBig.set(bound, error as Error);
    }
    return bound;
  };
  for (const method of ["run", "all", "first", "raw"] as const) {
    const original = statement[method];
    statement[method] = function (this: object, ...args: unknown[]) {
      const error = overBudget("d1") ?? refusal(this);
      return error ? Promise.reject(error) : original.apply(this, args);
    };
  }
  database.batch = function (this: unknown, statements: object[]) {
    const error = overBudget("d1") ?? statements.map(refusal).find((e) => e !== undefined);
    return error ? Promise.reject(error) : batch.call(this, statements);
  };
}

/**
 * Durable Object SQLite: "Maximum string, BLOB or table row size: 2 MB"
 * (https://developers.cloudflare.com/durable-objects/platform/limits/); local workerd stores
 * larger ones. Wraps `exec` on the SqlStorage prototype of this isolate (the objects run here
 * too, so every object's SQLite is covered): such a statement throws, as it would deployed.
 */
export function enforceObjectRowSize(sql: SqlStorage): void {
  const prototype = Object.getPrototypeOf(sql) as { exec: SqlStorage["exec"]; __productionLimits?: true };
  if (prototype.__productionLimits) return;
  prototype.__productionLimits = true;
  const { exec } = prototype;
  prototype.exec = function (this: SqlStorage, query: string, ...bindings: unknown[]) {
    for (const watch of objectWatches) if (watch.match.test(query)) watch.count += 1;
    const fault = injectedObjectFault(query, bindings);
    if (fault) throw fault;
    try {
      checkD1Values(query, bindings);
    } catch (error) {
      throw new Error(`Durable Object SQLite refuses it deployed: ${(error as Error).message.replace(/^D1_ERROR: /, "")}`);
    }
    return exec.call(this, query, ...(bindings as SqlStorageValue[]));
  } as SqlStorage["exec"];
}

const faults: { match: RegExp; left: number }[] = [];
const watches: { match: RegExp; count: number }[] = [];

/** Counts, from now on, the D1 statements run (alone or in a batch) whose SQL matches `match`. */
export function watchD1(match: RegExp): () => number {
  const watch = { match, count: 0 };
  watches.push(watch);
  return () => watch.count;
}

function injectedFault(sql: string): Error | undefined {
  const fault = faults.find((f) => f.left > 0 && f.match.test(sql));
  if (!fault) return undefined;
  fault.left -= 1;
  return new Error(`D1_ERROR: injected fault for a test: ${sql.slice(0, 60)}`);
}

/**
 * The next `times` statements (or batches holding one) whose SQL matches `match` fail, as a
 * crash or a lost connection at that point would; for tests of what survives a failure.
 */
export function failNextD1(match: RegExp, times = 1): void {
  faults.push({ match, left: times });
}

export function clearD1Faults(): void {
  faults.length = 0;
  watches.length = 0;
  objectFaults.length = 0;
  objectWatches.length = 0;
}

const objectFaults: { match: RegExp; binding: unknown; left: number }[] = [];
const objectWatches: { match: RegExp; count: number }[] = [];

/** Counts, from now on, the statements run in any object's SQLite whose SQL matches `match`. */
export function watchObjectSql(match: RegExp): () => number {
  const watch = { match, count: 0 };
  objectWatches.push(watch);
  return () => watch.count;
}

function injectedObjectFault(sql: string, bindings: unknown[]): Error | undefined {
  const fault = objectFaults.find((f) => f.left > 0 && f.match.test(sql) && bindings.includes(f.binding));
  if (!fault) return undefined;
  fault.left -= 1;
  return new Error(`injected fault for a test: ${sql.slice(0, 60)}`);
}

/**
 * The next statement in any object's SQLite (setup.ts wraps them all) whose SQL matches
 * `match` and which binds `binding` fails, as a crash of that object at that point would.
 */
export function failNextObjectSql(match: RegExp, binding: unknown): void {
  objectFaults.push({ match, binding, left: 1 });
}

/**
 * Workers Paid: 10,000 subrequests per invocation; D1: 1,000 queries per invocation
 * (https://developers.cloudflare.com/workers/platform/limits/,
 * https://developers.cloudflare.com/d1/platform/limits/). Local workerd counts neither.
 */
export const SUBREQUESTS_PER_INVOCATION = 10_000;
export const D1_QUERIES_PER_INVOCATION = 1_000;

interface Invocation {
  handler: string;
  subrequests: number;
  d1Queries: number;
}

const invocations = new AsyncLocalStorage<Invocation>();

/** The most any one invocation of each handler used so far: evidence the budgets are counted. */
export const peakUsage = new Map<string, { subrequests: number; d1Queries: number }>();

function overBudget(kind: "fetch" | "d1"): Error | undefined {
  try {
    countSubrequest(kind);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

/** Counts one subrequest against the running invocation; throws as the runtime would past the limit. */
export function countSubrequest(kind: "fetch" | "d1"): void {
  const invocation = invocations.getStore();
  if (!invocation) return;
  invocation.subrequests += 1;
  if (kind === "d1") invocation.d1Queries += 1;
  const peak = peakUsage.get(invocation.handler) ?? { subrequests: 0, d1Queries: 0 };
  peakUsage.set(invocation.handler, {
    subrequests: Math.max(peak.subrequests, invocation.subrequests),
    d1Queries: Math.max(peak.d1Queries, invocation.d1Queries),
  });
  if (invocation.subrequests > SUBREQUESTS_PER_INVOCATION) {
    throw new Error(`Too many subrequests: ${invocation.handler} made more than ${SUBREQUESTS_PER_INVOCATION}`);
  }
  if (invocation.d1Queries > D1_QUERIES_PER_INVOCATION) {
    throw new Error(`D1_ERROR: too many queries in one invocation: ${invocation.handler} made more than ${D1_QUERIES_PER_INVOCATION}`);
  }
}

/** Runs `work` as one invocation of `handler`, with its own budget. */
export function asInvocation<T>(handler: string, work: () => T): T {
  return invocations.run({ handler, subrequests: 0, d1Queries: 0 }, work);
}

/**
 * The worker's handlers (fetch, queue, scheduled) each start an invocation with its own
 * budget: the test runtime looks them up on the module's default export at every event, so
 * wrapping them there counts what every request, batch and cron run does.
 */
export function enforceInvocationBudgets(worker: Record<string, unknown>): void {
  const fetch = globalThis.fetch as typeof globalThis.fetch & { __budgeted?: true };
  if (!fetch.__budgeted) {
    // A test's own fetch mock replaces this one; captureOutbound counts for itself.
    const budgeted = (input: RequestInfo | URL, init?: RequestInit) => {
      const error = overBudget("fetch");
      return error ? Promise.reject(error) : fetch(input, init);
    };
    globalThis.fetch = Object.assign(budgeted, { __budgeted: true as const });
  }
  for (const key of ["fetch", "queue", "scheduled"]) {
    const handler = worker[key];
    if (typeof handler !== "function" || (handler as { __budgeted?: true }).__budgeted) continue;
    const budgeted = (...args: unknown[]) => asInvocation(key, () => handler.apply(worker, args));
    Object.assign(budgeted, { __budgeted: true });
    worker[key] = budgeted;
  }
}
