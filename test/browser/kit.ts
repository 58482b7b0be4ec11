// What every browser spec uses: bounded waits, assertions, calls to the worker's API from
// Node, screenshots. Each spec keeps its own world; these take only the parts they need.
import { createHmac } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

/** The longest any one step waits for the page or the API. */
export const WAIT_MS = 15_000;

/** Polls `check` until it returns true; fails with `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
      last = null;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Calls the worker's API from Node; `T` is the shape the caller relies on. */
export async function api<T>(
  world: { ctx: { baseUrl: string } },
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; json: T }> {
  const response = await fetch(`${world.ctx.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : null) as T };
}

export async function screenshot(world: { ctx: { screenshotDir: string }; page: Page }, name: string): Promise<void> {
  mkdirSync(world.ctx.screenshotDir, { recursive: true });
  await world.page.screenshot({ path: join(world.ctx.screenshotDir, `${name}.png`), fullPage: true });
}

export interface StepResult {
  name: string;
  status: "passed" | "failed" | "skipped";
  ms: number;
  error?: string;
}

/**
 * Runs a spec's steps in order, each timed; after the first failure (screenshotted as
 * `failureShot`) the rest are skipped, as they build on it.
 */
export async function runSteps<W extends { ctx: { screenshotDir: string }; page: Page }>(
  world: W,
  steps: [string, (world: W) => Promise<void>][],
  failureShot: string,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  let failed = false;
  for (const [name, run] of steps) {
    if (failed) {
      results.push({ name, status: "skipped", ms: 0 });
      continue;
    }
    const started = Date.now();
    try {
      await run(world);
      results.push({ name, status: "passed", ms: Date.now() - started });
    } catch (error) {
      failed = true;
      results.push({ name, status: "failed", ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) });
      await screenshot(world, failureShot).catch(() => undefined);
    }
  }
  return results;
}

/** POSTs `body` to a TikTok Shop channel's webhook, signed as TikTok Shop signs it (HMAC of app key + body). */
export async function signAndPostTikTok(
  world: { ctx: { baseUrl: string } },
  channelId: string,
  app: { key: string; secret: string },
  body: string,
): Promise<void> {
  const signature = createHmac("sha256", app.secret).update(app.key).update(body).digest("hex");
  const response = await fetch(`${world.ctx.baseUrl}/webhooks/tiktok/${channelId}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: signature },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  assert(response.status === 200, `the webhook answered ${response.status}: ${await response.text()}`);
}
