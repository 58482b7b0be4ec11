/**
 * The floor (bench/floor, issue 12): how the bench configures it, and Switchboard ÷ floor for
 * the figures both ran in the same run. Pure, so test/unit/bench/floor.test.ts can check it.
 */
import { randomBytes } from "node:crypto";
import type { Workspace } from "./api.ts";
import { round } from "./stats.ts";
import { BENCH_APP } from "./tiktok.ts";

/** The floor's channel id, in the webhook's path; any id works, the floor only compares. */
export const FLOOR_CHANNEL_ID = "floor";

/** The --var the floor reads (FloorEnv in bench/floor/src/index.ts), and the workspace the bench's senders need. */
export function floorSetUp(subscriberUrl: string): { vars: Record<string, string>; workspace: Workspace } {
  return {
    vars: {
      CHANNEL_ID: FLOOR_CHANNEL_ID,
      APP_KEY: BENCH_APP.appKey,
      APP_SECRET: BENCH_APP.appSecret,
      SUBSCRIBER_URL: subscriberUrl,
      WEBHOOK_SECRET: `whsec_${randomBytes(24).toString("base64")}`,
    },
    workspace: {
      id: "floor",
      apiKey: "",
      channelId: FLOOR_CHANNEL_ID,
      endpointId: "floor",
      orderLookupSet: false,
      endpointLimits: null,
      notes: [],
    },
  };
}

/** The figures compared; null where that section did not run or did not finish. */
export interface Figures {
  /** Burst: seconds from the first POST until every message.received was delivered. */
  burstAllReceivedS: number | null;
  /** Flood: message.received delivered per second. */
  drainPerS: number | null;
  /** Flood: workerd CPU per DM, idle subtracted (ms). */
  cpuMsPerDm: number | null;
}

export interface FloorRatio {
  measure: string;
  switchboard: number | null;
  floor: number | null;
  /** Switchboard ÷ floor. */
  ratio: number | null;
  target: string;
  met: boolean | null;
}

const divide = (a: number | null, b: number | null) => (a === null || b === null || b <= 0 ? null : round(a / b, 2));

/** Issue 12's targets: the burst and CPU within 2× the floor's, the drain at least half the floor's. */
export function floorRatios(switchboard: Figures, floor: Figures): FloorRatio[] {
  const row = (measure: string, key: keyof Figures, target: string, ok: (ratio: number) => boolean): FloorRatio => {
    const ratio = divide(switchboard[key], floor[key]);
    return { measure, switchboard: switchboard[key], floor: floor[key], ratio, target, met: ratio === null ? null : ok(ratio) };
  };
  return [
    row("burst: first POST → every message.received (s)", "burstAllReceivedS", "≤ 2", (r) => r <= 2),
    row("flood: drain, message.received per s", "drainPerS", "≥ 0.5", (r) => r >= 0.5),
    row("flood: workerd CPU per DM (ms)", "cpuMsPerDm", "≤ 2", (r) => r <= 2),
  ];
}
