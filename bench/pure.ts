/**
 * The pure pieces, timed in a plain Node loop (warm-up, then at least `minMs` each):
 * normalize per channel on its test fixtures, classify, route (decide with
 * DEFAULT_RULE_SET) and Standard Webhooks signing; TikTok verification and derivedId as
 * context for the intake path. Anything above 0.2 ms per message is flagged.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { NormalizeResult, RawDelivery, Verdict } from "../src/channels/types.ts";
import type { Classification } from "../src/route/classifier/types.ts";
import type { Decision, RouteInput } from "../src/route/engine.ts";
import type { RuleSet } from "../src/route/rules.ts";
import { progress } from "./progress.ts";
import { loadClassifier } from "./routing.ts";
import { importSrc } from "./src-loader.ts";
import { round } from "./stats.ts";
import { pickText, prng, TEXTS } from "./texts.ts";
import { BENCH_APP, dmBody, signTikTok } from "./tiktok.ts";

export const FLAG_US = 200;

export interface PureRow {
  piece: string;
  detail: string;
  items: number;
  iterations: number;
  usPerOp: number | null;
  flagged: boolean;
  note?: string;
}

export interface PureResult {
  minMs: number;
  thresholdUs: number;
  rows: PureRow[];
}

let sink = 0;
const touch = (value: unknown) => {
  sink = (sink + (value ? 1 : 0)) | 0;
};

function timeSync(fn: (i: number) => unknown, minMs: number, warmMs = Math.max(50, minMs / 5)): { iterations: number; usPerOp: number } {
  const warmUntil = performance.now() + warmMs;
  let i = 0;
  while (performance.now() < warmUntil) for (let k = 0; k < 16; k++) touch(fn(i++));
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let k = 0; k < 32; k++) touch(fn(n++));
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return { iterations: n, usPerOp: (elapsed * 1000) / n };
}

async function timeAsync(fn: (i: number) => Promise<unknown>, minMs: number): Promise<{ iterations: number; usPerOp: number }> {
  const warmUntil = performance.now() + Math.max(50, minMs / 5);
  let i = 0;
  while (performance.now() < warmUntil) for (let k = 0; k < 8; k++) touch(await fn(i++));
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let k = 0; k < 16; k++) touch(await fn(n++));
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return { iterations: n, usPerOp: (elapsed * 1000) / n };
}

/** The fixtures each channel's test/fixtures/<dir>/index.ts lists (its `?raw` imports), read with node:fs. */
export function channelFixtures(root: string): Map<string, { name: string; body: string }[]> {
  const base = join(root, "test", "fixtures");
  const out = new Map<string, { name: string; body: string }[]>();
  for (const dir of readdirSync(base, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    let index: string;
    try {
      index = readFileSync(join(base, dir.name, "index.ts"), "utf8");
    } catch {
      continue;
    }
    const files = new Map<string, string>();
    for (const match of index.matchAll(/import\s+(\w+)\s+from\s+"\.\/([^"]+\.json)\?raw"/g)) files.set(match[1] ?? "", match[2] ?? "");
    for (const block of index.matchAll(/export const (\w+)Fixtures\s*=\s*\{([\s\S]*?)\}/g)) {
      const platform = block[1] ?? dir.name;
      const names = [...(block[2] ?? "").matchAll(/:\s*(\w+)/g)].map((m) => m[1] ?? "");
      const list = names.flatMap((name) => {
        const file = files.get(name);
        return file ? [{ name: file.replace(/\.json$/, ""), body: readFileSync(join(base, dir.name, file), "utf8") }] : [];
      });
      if (list.length > 0) out.set(platform, list);
    }
  }
  return out;
}

const LONG_TEXT =
  "Hi shop, I ordered the linen dress in size M and the white sneakers during your live on Friday night. The dress arrived yesterday but it is the wrong colour and the sneakers are still not here, tracking has not moved for four days. Can you please check order 576712345678901234, tell me when the shoes will ship, and let me know how to exchange the dress for the beige one in size L? I would rather not cancel, I really like your shop, but I need both before my trip next week. Thanks a lot!";

export async function benchPure(root: string, minMs: number): Promise<PureResult> {
  const rows: PureRow[] = [];
  const add = (row: Omit<PureRow, "flagged">) =>
    rows.push({ ...row, usPerOp: round(row.usPerOp, 2), flagged: row.usPerOp !== null && row.usPerOp > FLAG_US });
  const fail = (piece: string, detail: string, error: unknown) =>
    add({
      piece,
      detail,
      items: 0,
      iterations: 0,
      usPerOp: null,
      note: `unavailable: ${error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error)}`,
    });

  // normalize, per channel
  const fixtures = channelFixtures(root);
  const bar = progress("pure pieces", fixtures.size + 7);
  let done = 0;
  try {
    const { getAdapter } = await importSrc<{ getAdapter(platform: string): { normalize(body: string): NormalizeResult } | undefined }>(
      root,
      "channels/registry.ts",
    );
    for (const [platform, list] of fixtures) {
      const adapter = getAdapter(platform);
      if (!adapter) {
        add({ piece: "normalize", detail: platform, items: list.length, iterations: 0, usPerOp: null, note: "no adapter" });
        continue;
      }
      const all = timeSync((i) => adapter.normalize(list[i % list.length]?.body ?? ""), minMs);
      let worst = { name: "", usPerOp: 0 };
      for (const fixture of list) {
        const one = timeSync(() => adapter.normalize(fixture.body), Math.max(10, minMs / 10), 5);
        if (one.usPerOp > worst.usPerOp) worst = { name: fixture.name, usPerOp: one.usPerOp };
      }
      add({
        piece: "normalize",
        detail: platform,
        items: list.length,
        iterations: all.iterations,
        usPerOp: all.usPerOp,
        note: `slowest fixture ${worst.name}: ${round(worst.usPerOp, 1)} µs`,
      });
      if (worst.usPerOp > FLAG_US) {
        const last = rows[rows.length - 1];
        if (last) last.flagged = true;
      }
      bar.update(++done);
    }
  } catch (error) {
    fail("normalize", "all channels", error);
  }

  // classify and route
  const random = prng(42);
  const texts = TEXTS.map(() => pickText(random).text);
  let classifications: Classification[] = [];
  try {
    const [classifyMessage, { DEFAULT_RULE_SET }] = await Promise.all([
      loadClassifier(root),
      importSrc<{ DEFAULT_RULE_SET: RuleSet }>(root, "route/rules.ts"),
    ]);
    const patterns = DEFAULT_RULE_SET.orderPatterns;
    const timed = timeSync((i) => classifyMessage(texts[i % texts.length] ?? "", patterns), minMs);
    add({ piece: "classify", detail: `${texts.length} live-sale DMs, 4 languages`, items: texts.length, ...timed });
    bar.update(++done);
    const long = timeSync(() => classifyMessage(LONG_TEXT, patterns), minMs);
    add({ piece: "classify", detail: `one ${LONG_TEXT.length}-character message`, items: 1, ...long });
    bar.update(++done);
    classifications = texts.map((text) => classifyMessage(text, patterns));
  } catch (error) {
    fail("classify", "src/route/classifier", error);
  }
  try {
    const [{ decide }, { DEFAULT_RULE_SET }] = await Promise.all([
      importSrc<{ decide(input: RouteInput, rules: RuleSet): Decision }>(root, "route/engine.ts"),
      importSrc<{ DEFAULT_RULE_SET: RuleSet }>(root, "route/rules.ts"),
    ]);
    const fallback: Classification = {
      intent: "order_status",
      sentiment: "neutral",
      language: "en",
      orderIds: ["576700112233445566"],
      signals: [],
    };
    const inputs: RouteInput[] = texts.map((text, i) => ({
      text,
      channel: "tiktok",
      classification: classifications[i] ?? fallback,
      isNewContact: i % 3 === 0,
      conversationState: i % 7 === 0 ? "awaiting_human" : "bot",
    }));
    const timed = timeSync((i) => decide(inputs[i % inputs.length] as RouteInput, DEFAULT_RULE_SET), minMs);
    add({
      piece: "route",
      detail: `decide, DEFAULT_RULE_SET (${DEFAULT_RULE_SET.rules.length} rules)`,
      items: inputs.length,
      ...timed,
      ...(classifications.length === 0 ? { note: "fixed classification: the classifier did not load" } : {}),
    });
  } catch (error) {
    fail("route", "src/route/engine.ts", error);
  }
  bar.update(++done);

  // sign
  const payload = JSON.stringify({
    id: "evt_0123456789abcdefghjkmnpq",
    type: "message.received",
    timestamp: new Date().toISOString(),
    data: {
      workspaceId: "ws_0123456789abcdefghjkmnpq",
      channel: { id: "ch_0123456789abcdefghjkmnpq", platform: "tiktok" },
      contact: { id: "ct_0123456789abcdefghjkmnpq", platformUserId: "7190001234567890123", displayName: "Linh" },
      conversation: { id: "cv_0123456789abcdefghjkmnpq", platformThreadId: "7373009988776655443" },
      message: {
        id: "msg_0123456789abcdefghjkmnpq",
        platformMessageId: "7373009988776655501",
        direction: "inbound",
        sentAt: new Date().toISOString(),
        text: texts[0],
        attachments: [],
      },
    },
  });
  try {
    const { signWebhook } = await importSrc<{
      signWebhook(secrets: readonly string[], id: string, ts: number, body: string): Promise<unknown>;
    }>(root, "deliver/sign.ts");
    const secret = `whsec_${randomBytes(32).toString("base64")}`;
    const timed = await timeAsync((i) => signWebhook([secret], `evt_${i}`, 1_764_000_000 + i, payload), minMs);
    add({ piece: "sign", detail: `Standard Webhooks, ${Buffer.byteLength(payload)}-byte event`, items: 1, ...timed });
  } catch (error) {
    fail("sign", "src/deliver/sign.ts", error);
  }
  bar.update(++done);

  // context: the intake's verify and the ids every DM derives
  try {
    const { verifyTikTok } = await importSrc<{
      verifyTikTok(delivery: RawDelivery, keys: { appKey: string; appSecret: string }): Promise<Verdict>;
    }>(root, "channels/tiktok/verify.ts");
    const body = dmBody(
      {
        conversationId: "7373009988776655443",
        messageId: "7373009988776655501",
        imUserId: "7190001234567890123",
        nickname: "Linh",
        text: texts[0] ?? "hi",
      },
      "7373001122334455701",
      Date.now(),
    );
    const delivery: RawDelivery = {
      platform: "tiktok",
      channelId: "ch_bench",
      method: "POST",
      url: new URL("http://127.0.0.1/webhooks/tiktok/ch_bench"),
      headers: new Headers({ authorization: signTikTok(BENCH_APP.appKey, BENCH_APP.appSecret, body), "content-type": "application/json" }),
      body: new Uint8Array(Buffer.from(body)),
      receivedAt: Date.now(),
    };
    const check = await verifyTikTok(delivery, BENCH_APP);
    const timed = await timeAsync(() => verifyTikTok(delivery, BENCH_APP), minMs);
    add({
      piece: "verify (context)",
      detail: `TikTok HMAC over a ${body.length}-byte body`,
      items: 1,
      ...timed,
      ...(check.kind === "accept" ? {} : { note: `verdict ${check.kind}` }),
    });
  } catch (error) {
    fail("verify (context)", "src/channels/tiktok/verify.ts", error);
  }
  bar.update(++done);
  try {
    const { derivedId } = await importSrc<{ derivedId(prefix: string, ...parts: string[]): Promise<string> }>(root, "lib/ids.ts");
    const timed = await timeAsync((i) => derivedId("msg", "ch_0123456789abcdefghjkmnpq", String(i)), minMs);
    add({ piece: "derivedId (context)", detail: "SHA-256 id, called ~8× per DM", items: 1, ...timed });
  } catch (error) {
    fail("derivedId (context)", "src/lib/ids.ts", error);
  }
  bar.update(++done);
  try {
    // The JavaScript side of a D1 query: drizzle building the statement (execution is D1's).
    const { openDb } = await importSrc<{ openDb(d1: unknown): unknown }>(root, "storage/db.ts");
    type Builder = { toSQL(): { sql: string } };
    const inbox = await importSrc<Record<string, (...args: unknown[]) => Builder>>(root, "storage/inbox.ts");
    const db = openDb({});
    const now = Date.now();
    const ids = { workspaceId: "ws_0123456789abcdefghjkmnpq", channelId: "ch_0123456789abcdefghjkmnpq" };
    const contactId = "ct_0123456789abcdefghjkmnpq";
    const conversationId = "cv_0123456789abcdefghjkmnpq";
    const builders: (() => Builder)[] = [
      () =>
        (inbox.upsertContactStatement as (...a: unknown[]) => Builder)(db, {
          id: contactId,
          ...ids,
          platformUserId: "7190001234567890123",
          displayName: "Linh",
          status: "active",
          tags: "[]",
          createdAt: now,
          updatedAt: now,
        }),
      () =>
        (inbox.upsertConversationStatement as (...a: unknown[]) => Builder)(db, {
          id: conversationId,
          ...ids,
          contactId,
          platformThreadId: "7373009988776655443",
          lastMessageAt: now,
          lastInboundAt: now,
          replyToken: null,
          replyTokenExpiresAt: null,
          createdAt: now,
          updatedAt: now,
        }),
      () =>
        (inbox.updateMessageStatement as (...a: unknown[]) => Builder)(db, "msg_0123456789abcdefghjkmnpq", { status: "sent", error: null }),
    ];
    const timed = timeSync((i) => builders[i % builders.length]?.().toSQL().sql, minMs);
    add({
      piece: "drizzle (context)",
      detail: "build one statement (upsert contact / conversation, update message)",
      items: builders.length,
      ...timed,
    });
  } catch (error) {
    fail("drizzle (context)", "src/storage", error);
  }
  bar.finish();
  return { minMs, thresholdUs: FLAG_US, rows };
}
