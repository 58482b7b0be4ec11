/**
 * Sends the planned DMs on their schedule, each signed just before it goes (fresh signed
 * timestamps), as its platform would POST it to the channel's webhook URL.
 */
import { now } from "../../bench/fakes.ts";
import { sleep } from "../../bench/stats.ts";
import type { Platform } from "../../src/events/schema.ts";
import type { PlannedDm } from "./plan.ts";
import { DEMO_PLATFORMS, type SignedDm } from "./platforms.ts";
import type { SentDm } from "./summary.ts";

/** More DMs in flight than this means the server is far behind: later ones wait rather than pile up. */
const MAX_IN_FLIGHT = 64;
const POST_TIMEOUT_MS = 15_000;

/** Signs `dm` as its platform would and POSTs it; the status, or null when nothing answered. */
export async function postDm(
  baseUrl: string,
  channelId: string,
  dm: Pick<PlannedDm, "index" | "text"> & { buyer: { index: number; name: string; platform: Platform } },
  onSigned: (signed: SignedDm) => void = () => {},
): Promise<{ signed: SignedDm; status: number | null }> {
  const platform = dm.buyer.platform;
  const signed = DEMO_PLATFORMS[platform].sign(
    { buyer: dm.buyer.index, message: dm.index, name: dm.buyer.name, text: dm.text },
    Date.now(),
  );
  onSigned(signed);
  try {
    const response = await fetch(`${baseUrl}/webhooks/${platform}/${channelId}`, {
      method: "POST",
      headers: signed.headers,
      body: signed.body,
      signal: AbortSignal.timeout(POST_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return { signed, status: response.status };
  } catch {
    return { signed, status: null };
  }
}

export interface BurstOptions {
  baseUrl: string;
  channelIds: Readonly<Record<Platform, string>>;
  dms: readonly PlannedDm[];
  /** Called as soon as a DM is signed (LINE reply tokens must be known before the reply comes). */
  onSigned(signed: SignedDm): void;
}

/** One record per planned DM, filled in as it is sent (`sentAt` is NaN until then) and answered. */
export function unsentRecords(dms: readonly PlannedDm[]): SentDm[] {
  return dms.map((dm) => ({ platform: dm.buyer.platform, platformMessageId: "", replyKey: "", sentAt: Number.NaN, status: null }));
}

/** Sends every DM at its `atMs`, filling in `records` (from `unsentRecords`); resolves once every POST is answered. */
export async function sendBurst(options: BurstOptions, records: SentDm[]): Promise<void> {
  const start = now();
  const inFlight = new Set<Promise<void>>();
  for (const [position, dm] of options.dms.entries()) {
    const wait = start + dm.atMs - now();
    if (wait > 0) await sleep(wait);
    while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
    const record = records[position];
    if (!record) continue;
    record.sentAt = now();
    const task = postDm(options.baseUrl, options.channelIds[dm.buyer.platform], dm, (signed) => {
      record.platformMessageId = signed.platformMessageId;
      record.replyKey = signed.replyKey;
      options.onSigned(signed);
    }).then(({ status }) => {
      record.status = status;
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }
  await Promise.all(inFlight);
}
