/**
 * One benchmark stage: a fresh --persist-to directory with the migrations applied, the fake
 * subscriber / order API / platform APIs, a `wrangler dev` pointed at them with --var, and a
 * workspace set up through the API (TikTok channel with accessToken + shopCipher, an
 * endpoint on the subscriber, settings.orderLookup on the fake order API). A stage of the
 * floor (bench/floor) gets the same fakes and dev server, and its configuration as --var.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENDPOINT_LIMITS, setUpWorkspace, type Workspace } from "./api.ts";
import { applyMigrations, type DevServer, type DevSettings, startDevServer } from "./dev-server.ts";
import { type OrderApi, type PlatformApi, type Subscriber, startOrderApi, startPlatformApi, startSubscriber } from "./fakes.ts";
import { floorSetUp } from "./floor.ts";
import { say } from "./progress.ts";
import type { Snapshot } from "./snapshot.ts";
import { importSrc } from "./src-loader.ts";

export interface RunContext {
  /** The project root: its node_modules run wrangler. */
  root: string;
  /** The frozen copy of the code under test (snapshot.ts). */
  snapshot: Snapshot;
  /** bench/out: wrangler logs and non-default results. */
  outDir: string;
  keepState: boolean;
  /** How every dev server of the run is started (dev-server.ts). */
  devSettings: DevSettings;
}

/** Which worker a stage runs: the product, or the bench's floor (bench/floor). */
export type WorkerUnderTest = "switchboard" | "floor";

export interface Stage {
  name: string;
  persistDir: string;
  adminToken: string;
  dev: DevServer;
  subscriber: Subscriber;
  orderApi: OrderApi;
  platform: PlatformApi;
  workspace: Workspace;
  /** Stops wrangler (the D1 file can then be read with `wrangler d1 execute`). */
  stopDev(): Promise<void>;
  /** Stops everything and removes the persist directory (unless --keep-state). */
  dispose(): Promise<void>;
}

const PLATFORMS = ["TIKTOK", "WHATSAPP", "TELEGRAM", "LINE", "ZALO", "X", "MESSENGER", "INSTAGRAM"];

/** The most an endpoint may take (src/deliver/limiter.ts LIMIT_BOUNDS), so deliveries are not capped by the default 50/s. */
async function highestEndpointLimits(root: string): Promise<{ rateLimitPerSecond: number; maxConcurrency: number }> {
  try {
    const { LIMIT_BOUNDS } = await importSrc<{ LIMIT_BOUNDS: { rateLimitPerSecond: { max: number }; maxConcurrency: { max: number } } }>(
      root,
      "deliver/limiter.ts",
    );
    return { rateLimitPerSecond: LIMIT_BOUNDS.rateLimitPerSecond.max, maxConcurrency: LIMIT_BOUNDS.maxConcurrency.max };
  } catch {
    return ENDPOINT_LIMITS;
  }
}

export async function startStage(
  ctx: RunContext,
  name: string,
  options: { beforeStart?: (persistDir: string) => Promise<void>; noConsumers?: boolean; worker?: WorkerUnderTest } = {},
): Promise<Stage> {
  const floor = options.worker === "floor";
  mkdirSync(ctx.outDir, { recursive: true });
  const persistDir = mkdtempSync(join(tmpdir(), `switchboard-bench-${name}-`));
  const started: { close(): Promise<void> }[] = [];
  let dev: DevServer | null = null;
  const dispose = async () => {
    await dev?.stop();
    for (const server of started.reverse()) await server.close();
    if (!ctx.keepState) rmSync(persistDir, { recursive: true, force: true });
    else say(`  kept the ${name} state in ${persistDir}`);
  };
  try {
    say(`[${name}] applying migrations into ${persistDir}`);
    await applyMigrations(ctx.root, floor ? ctx.snapshot.floor.toolsConfig : ctx.snapshot.toolsConfig, persistDir);
    await options.beforeStart?.(persistDir);
    const subscriber = await startSubscriber();
    started.push(subscriber);
    const orderApi = await startOrderApi();
    started.push(orderApi);
    const platform = await startPlatformApi();
    started.push(platform);
    const adminToken = randomBytes(24).toString("base64url");
    const floorConfig = floor ? floorSetUp(subscriber.hooksUrl) : null;
    const vars: Record<string, string> = floorConfig?.vars ?? {
      ADMIN_TOKEN: adminToken,
      MASTER_KEY: randomBytes(32).toString("base64"),
      ALLOW_PRIVATE_ENDPOINTS: "true",
    };
    if (!floor) for (const platformName of PLATFORMS) vars[`${platformName}_API_BASE`] = platform.url;
    const logPath = join(ctx.outDir, `wrangler-${name}.log`);
    rmSync(logPath, { force: true });
    say(`[${name}] starting wrangler dev (log: ${logPath})`);
    if (floor && options.noConsumers) throw new Error("the floor has no consumerless config");
    const config = floor ? ctx.snapshot.floor.config : options.noConsumers ? ctx.snapshot.configNoConsumers : ctx.snapshot.config;
    dev = await startDevServer({ root: ctx.root, persistDir, vars, logPath, config, settings: ctx.devSettings });
    say(`[${name}] ready at ${dev.url} in ${(dev.startupMs / 1000).toFixed(1)} s`);
    // The floor has no API: its configuration went in as --var above.
    const workspace =
      floorConfig?.workspace ??
      (await setUpWorkspace(dev.url, adminToken, {
        name: `bench-${name}`,
        subscriberUrl: subscriber.hooksUrl,
        orderLookupUrl: orderApi.lookupUrl,
        endpointLimits: await highestEndpointLimits(ctx.snapshot.dir),
      }));
    for (const note of workspace.notes) say(`[${name}] note: ${note}`);
    const running = dev;
    return {
      name,
      persistDir,
      adminToken,
      dev: running,
      subscriber,
      orderApi,
      platform,
      workspace,
      stopDev: () => running.stop(),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
