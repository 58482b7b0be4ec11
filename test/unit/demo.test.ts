// `npm run demo`'s pure parts: the traffic mix, each platform's signed DM and fake reply API
// (checked against the real adapters), the summary arithmetic and the options.
import { describe, expect, it } from "vitest";
import { PLATFORMS } from "../../scripts/demo/dev-vars.ts";
import { answerPlatformCall } from "../../scripts/demo/fake-platforms.ts";
import { parseOptions } from "../../scripts/demo/options.ts";
import { arrivalOffsets, planTraffic } from "../../scripts/demo/plan.ts";
import { DEMO_PLATFORMS } from "../../scripts/demo/platforms.ts";
import { renderSummary, responseTimes, type SentDm, summarizeDemo } from "../../scripts/demo/summary.ts";
import { getAdapter } from "../../src/channels/registry.ts";
import type { SendResult } from "../../src/channels/types.ts";
import { rawDelivery } from "../helpers/delivery.ts";

describe("demo traffic plan", () => {
  const plan = planTraffic({ dms: 300, seconds: 20, seed: 20261126 });

  it("sends every DM once, in time order, inside the window", () => {
    expect(plan.dms).toHaveLength(300);
    expect(plan.dms.map((dm) => dm.index)).toEqual([...Array(300).keys()]);
    const times = plan.dms.map((dm) => dm.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...times)).toBeLessThan(20_000);
  });

  it("has distinct buyers, some writing a second time at least 3 s after their first", () => {
    const perBuyer = new Map<number, number[]>();
    for (const dm of plan.dms) perBuyer.set(dm.buyer.index, [...(perBuyer.get(dm.buyer.index) ?? []), dm.atMs]);
    expect(perBuyer.size).toBe(plan.buyers.length);
    const twice = [...perBuyer.values()].filter((times) => times.length === 2);
    expect(twice.length).toBeGreaterThan(20);
    expect([...perBuyer.values()].every((times) => times.length <= 2)).toBe(true);
    for (const [first, second] of twice) expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(3000);
    expect(plan.dms.filter((dm) => dm.followUp)).toHaveLength(twice.length);
  });

  it("spreads over every platform, language and kind of question", () => {
    expect(new Set(plan.dms.map((dm) => dm.buyer.platform))).toEqual(new Set(PLATFORMS));
    expect(new Set(plan.buyers.map((buyer) => buyer.lang))).toEqual(new Set(["en", "vi", "th", "id"]));
    const kinds = new Set(plan.dms.map((dm) => dm.kind));
    for (const kind of ["order_id", "size_change", "complaint", "greeting", "shipping", "human"]) expect(kinds).toContain(kind);
    const tiktok = plan.dms.filter((dm) => dm.buyer.platform === "tiktok").length;
    expect(tiktok).toBeGreaterThan(plan.dms.filter((dm) => dm.buyer.platform === "x").length);
  });

  it("puts an 18-digit order id in the text of order questions", () => {
    const withIds = plan.dms.filter((dm) => dm.kind === "order_id");
    expect(withIds.length).toBeGreaterThan(0);
    for (const dm of withIds) {
      expect(dm.orderId).toMatch(/^57\d{16}$/);
      expect(dm.text).toContain(dm.orderId);
    }
  });

  it("keeps a buyer's language in their follow-up", () => {
    const langOf = new Map(plan.buyers.map((buyer) => [buyer.index, buyer.lang]));
    for (const dm of plan.dms) expect(dm.buyer.lang).toBe(langOf.get(dm.buyer.index));
  });

  it("is the same for the same seed and different for another", () => {
    const again = planTraffic({ dms: 300, seconds: 20, seed: 20261126 });
    expect(again).toEqual(plan);
    expect(planTraffic({ dms: 300, seconds: 20, seed: 7 }).dms.map((dm) => dm.text)).not.toEqual(plan.dms.map((dm) => dm.text));
  });

  it("ramps up over the first quarter, then holds the rate", () => {
    const times = arrivalOffsets(1000, 20);
    const inWindow = (from: number, to: number) => times.filter((t) => t >= from && t < to).length;
    expect(inWindow(0, 1250)).toBeLessThan(inWindow(3750, 5000) / 2);
    expect(Math.abs(inWindow(10_000, 15_000) - inWindow(15_000, 20_000))).toBeLessThanOrEqual(1);
    expect(arrivalOffsets(1, 20)).toHaveLength(1);
  });
});

describe("demo platforms against the real adapters", () => {
  const now = Date.parse("2026-11-26T03:00:00Z");

  for (const platform of PLATFORMS) {
    it(`${platform}: a signed DM verifies, normalizes to its message, and the reply reaches its buyer on the fake API`, async () => {
      const adapter = getAdapter(platform);
      if (!adapter?.send) throw new Error(`no adapter with send for ${platform}`);
      const demo = DEMO_PLATFORMS[platform];
      const credentials = adapter.credentials.parse(demo.credentials);
      const signed = demo.sign({ buyer: 41, message: 1234, name: "Linh 42", text: "Chào shop ạ 👋" }, now);

      const verdict = await adapter.verify(rawDelivery(platform, signed.body, signed.headers, { receivedAt: now + 500 }), credentials);
      expect(verdict).toEqual({ kind: "accept" });
      const unsigned = await adapter.verify(rawDelivery(platform, signed.body, { "content-type": "application/json" }), credentials);
      expect(unsigned.kind).toBe("reject");
      // Telegram signs nothing (its secret token is a header alone), so only the others can catch a changed body.
      if (platform !== "telegram") {
        const tampered = await adapter.verify(rawDelivery(platform, signed.body.replace("shop", "sh0p"), signed.headers), credentials);
        expect(tampered.kind).toBe("reject");
      }

      const normalized = adapter.normalize(signed.body);
      if (!normalized.ok) throw new Error(normalized.reason);
      expect(normalized.items).toHaveLength(1);
      const [message] = normalized.items;
      if (message?.kind !== "message") throw new Error("not a message");
      expect(message.platformMessageId).toBe(signed.platformMessageId);
      expect(message.text).toBe("Chào shop ạ 👋");

      const lineTokens = new Map(signed.replyToken ? [[signed.replyToken, signed.replyKey]] : []);
      const replied: string[] = [];
      let serial = 0;
      const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
        const url = new URL(String(input));
        expect(url.origin).toBe("http://127.0.0.1:8790");
        const call = answerPlatformCall(init?.method ?? "GET", url, JSON.parse(String(init?.body ?? "null")), ++serial, lineTokens);
        if (call.replyKey) replied.push(call.replyKey);
        return Response.json(call.answer, { status: call.status });
      };
      const result: SendResult = await adapter.send(
        {
          text: "Xin chào!",
          context: {
            platformThreadId: message.platformThreadId,
            platformUserId: message.sender.platformUserId,
            lastInboundAt: now,
            replyToken: message.replyToken ?? null,
          },
        },
        credentials,
        { fetch: fakeFetch as typeof fetch, apiBase: "http://127.0.0.1:8790", now: now + 1000 },
      );
      expect(result).toMatchObject({ ok: true });
      expect(replied).toEqual([signed.replyKey]);
    });
  }

  it("gives every buyer on every platform a reply key of their own", () => {
    const keys = PLATFORMS.flatMap((platform) =>
      [0, 1, 2].map((buyer) => DEMO_PLATFORMS[platform].sign({ buyer, message: buyer, name: "A", text: "hi" }, now).replyKey),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("hands out a fresh token pair where TIKTOK_AUTH_BASE and ZALO_OAUTH_BASE point, as each token host answers", async () => {
    const { tiktok } = await import("../../src/channels/tiktok/index.ts");
    const { zalo } = await import("../../src/channels/zalo/index.ts");
    const fakeFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const call = answerPlatformCall(init?.method ?? "GET", new URL(String(input)), null, 7, new Map());
      return Response.json(call.answer, { status: call.status });
    }) as typeof fetch;
    const io = { fetch: fakeFetch, apiBase: undefined, authBase: "http://127.0.0.1:8790", now: Date.now() };
    const viaTikTok = await tiktok.refreshToken?.({ appKey: "k", appSecret: "s", refreshToken: "r" }, io);
    expect(viaTikTok).toMatchObject({ ok: true, accessToken: "demo-at-7", refreshToken: "demo-rt-7" });
    const viaZalo = await zalo.refreshToken?.({ appId: "1", oaSecretKey: "o", accessToken: "a", appSecret: "s", refreshToken: "r" }, io);
    expect(viaZalo).toMatchObject({ ok: true, accessToken: "demo-at-7", refreshToken: "demo-rt-7" });
  });

  it("answers what it does not fake with a 404, and an unknown LINE reply token with LINE's 400", () => {
    const unknown = answerPlatformCall("POST", new URL("http://fake/v1/nothing"), null, 1, new Map());
    expect(unknown).toMatchObject({ replyKey: null, status: 404 });
    const token = answerPlatformCall("POST", new URL("http://fake/v2/bot/message/reply"), { replyToken: "spent" }, 1, new Map());
    expect(token).toMatchObject({ replyKey: null, status: 400, answer: { message: "Invalid reply token" } });
    const anonymous = { recipient: { anonymous_id: "b1a2", conversation_id: "c0ff" }, message: { text: "hi" } };
    expect(answerPlatformCall("POST", new URL("http://fake/v2.0/oa/message"), anonymous, 1, new Map())).toMatchObject({
      replyKey: "zalo:b1a2",
      status: 200,
      answer: { error: 0 },
    });
  });
});

describe("demo summary", () => {
  const dm = (platformMessageId: string, replyKey: string, sentAt: number, status: number | null = 200): SentDm => ({
    platform: "tiktok",
    platformMessageId,
    replyKey,
    sentAt,
    status,
  });
  const received = (firstAt: number, ...eventIds: string[]) => ({ firstAt, eventIds: new Set(eventIds) });

  it("pairs each reply with the buyer's oldest unanswered DM before it", () => {
    expect(responseTimes([1000, 5000], [3000, 9000])).toEqual([2000, 4000]);
    // The second DM was sent before the first one's reply came: each still gets its own.
    expect(responseTimes([1000, 2000], [4000, 4500])).toEqual([3000, 2500]);
    // A reply before any DM (the pre-flight's, say) answers nothing.
    expect(responseTimes([5000], [1000, 6000])).toEqual([1000]);
    expect(responseTimes([1000], [])).toEqual([]);
  });

  it("counts acknowledged, delivered, lost, duplicated and the response spread", () => {
    const sent = [
      dm("m1", "tiktok:a", 0),
      dm("m2", "tiktok:a", 4000),
      dm("m3", "tiktok:b", 1000),
      dm("m4", "tiktok:c", 2000),
      dm("m5", "tiktok:d", 3000, 503),
      dm("m6", "tiktok:e", 3500, null),
    ];
    const summary = summarizeDemo(sent, {
      received: new Map([
        ["m1", received(500, "evt_1")],
        ["m2", received(4500, "evt_2")],
        ["m3", received(1500, "evt_3", "evt_3b")],
      ]),
      byType: new Map([
        ["message.received", 4],
        ["ticket.created", 1],
      ]),
      byWebhookId: new Map([
        ["evt_1", 1],
        ["evt_2", 2],
        ["evt_3", 1],
        ["evt_3b", 1],
        ["evt_t", 1],
      ]),
      replies: new Map([
        ["tiktok:a", [3000, 7000]],
        ["tiktok:b", [2000, 2100]],
      ]),
      ticketsViaApi: 1,
      signatures: { verified: 6, rejected: 0 },
      firstSentAt: 0,
      lastEventAt: 9000,
      drainTimedOut: false,
      expected: { replies: 3, tickets: 1 },
    });
    expect(summary).toMatchObject({
      planned: 6,
      sent: 6,
      acknowledged: 4,
      refused: { "503": 1, "no answer": 1 },
      delivered: { messages: 3, events: 5, byType: { "message.received": 4, "ticket.created": 1 } },
      autoAnswered: { replies: 4, buyers: 2 },
      escalated: { tickets: 1, ticketEvents: 1 },
      firstResponseMs: { n: 3, p50: 3000, p90: 3000, max: 3000 },
      lost: 1,
      duplicated: { redeliveries: 1, messages: 1, replies: 1 },
      drainMs: 9000,
    });
    expect(summary.platforms).toEqual([{ platform: "tiktok", dms: 6, acknowledged: 4, delivered: 3, autoReplies: 4 }]);
    const table = renderSummary(summary);
    expect(table).toMatch(/acknowledged \(2xx\)\s+4 \(not: 1 × 503, 1 × no answer\)/);
    expect(table).toMatch(/first response p50 \/ p90 \/ max\s+3\.0 s \/ 3\.0 s \/ 3\.0 s \(3 DMs\)/);
    // Under a second, in milliseconds: a fast pipeline must not read as "0.0 s".
    expect(renderSummary({ ...summary, firstResponseMs: { n: 3, p50: 40, p90: 55.4, max: 1250 } })).toMatch(
      /first response p50 \/ p90 \/ max\s+40 ms \/ 55 ms \/ 1\.3 s \(3 DMs\)/,
    );
    expect(table).toMatch(/lost\s+1 /);
    expect(table).toMatch(/the rules predicted\s+3 auto-replies, 1 tickets/);
  });

  it("says so when the pipeline did not drain in time, and when nothing was answered", () => {
    const summary = summarizeDemo([dm("m1", "tiktok:a", 0)], {
      received: new Map(),
      byType: new Map(),
      byWebhookId: new Map(),
      replies: new Map(),
      ticketsViaApi: null,
      signatures: { verified: 0, rejected: 2 },
      firstSentAt: 0,
      lastEventAt: null,
      drainTimedOut: true,
      expected: null,
    });
    expect(summary.firstResponseMs).toEqual({ n: 0, p50: null, p90: null, max: null });
    const table = renderSummary(summary);
    expect(table).toMatch(/drained\s+NO, timed out/);
    expect(table).toMatch(/0 verified, 2 rejected/);
    expect(table).toContain("GET /v1/tickets failed");
  });
});

describe("demo options", () => {
  it("defaults to 300 DMs over 20 s against the local dev server", () => {
    expect(parseOptions([])).toMatchObject({ dms: 300, seconds: 20, url: "http://127.0.0.1:8787", waitSeconds: 60, help: false });
    expect(parseOptions(["--dms", "50", "--seconds", "5", "--url", "http://localhost:8788/"])).toMatchObject({
      dms: 50,
      seconds: 5,
      url: "http://localhost:8788",
    });
  });

  it("refuses a remote URL, numbers out of bounds and unknown options, with the reason", () => {
    expect(() => parseOptions(["--url", "https://switchboard.example.com"])).toThrow(/local http/);
    expect(() => parseOptions(["--dms", "0"])).toThrow(/--dms must be a whole number from 1 to 5000/);
    expect(() => parseOptions(["--seconds", "1.5"])).toThrow(/--seconds/);
    expect(() => parseOptions(["--burst"])).toThrow(/^error: unknown option '--burst'\n\nusage: npm run demo/);
  });
});
