import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it } from "vitest";
import { startSubscriber } from "../../../bench/fakes.ts";
import { hmacKey, messageReceived, readDm, signStandardWebhook, verifyTikTok, whsecBytes } from "../../../bench/floor/src/wire.ts";
import { FLOOR_CHANNEL_ID, floorRatios, floorSetUp } from "../../../bench/floor.ts";
import { BENCH_APP, dmBody, signedDelivery } from "../../../bench/tiktok.ts";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const NOW = Date.UTC(2026, 11, 7, 20, 0, 0);
const DM = {
  conversationId: "7300000000000000001",
  messageId: "7500000000000000001",
  imUserId: "7100000000000000001",
  nickname: "Linh",
  text: "where is my order?",
};

describe("the floor's TikTok Shop verification", () => {
  it("accepts what the bench's sender signs, and nothing else", async () => {
    const key = await hmacKey(BENCH_APP.appSecret, "verify");
    const { body, headers } = signedDelivery(DM, "7700000000000000001", NOW);
    expect(await verifyTikTok(key, BENCH_APP.appKey, body, headers.authorization ?? null)).toBe(true);
    expect(await verifyTikTok(key, BENCH_APP.appKey, body.replace("where", "WHERE"), headers.authorization ?? null)).toBe(false);
    expect(await verifyTikTok(key, "another-app-key", body, headers.authorization ?? null)).toBe(false);
    expect(await verifyTikTok(key, BENCH_APP.appKey, body, "not hex")).toBe(false);
    expect(await verifyTikTok(key, BENCH_APP.appKey, body, null)).toBe(false);
  });

  it("reads the DM of a fresh body and refuses stale, future or other bodies", () => {
    const body = dmBody(DM, "7700000000000000001", NOW);
    expect(readDm(body, NOW)).toEqual({
      conversationId: DM.conversationId,
      messageId: DM.messageId,
      senderId: DM.imUserId,
      text: DM.text,
      createdAt: NOW / 1000,
    });
    expect(readDm(body, NOW + 73 * 3600 * 1000)).toBeNull();
    expect(readDm(body, NOW - 6 * 60 * 1000)).toBeNull();
    expect(readDm(body.replace('"type":14', '"type":1'), NOW)).toBeNull();
    expect(readDm("{", NOW)).toBeNull();
  });
});

describe("the floor's delivery", () => {
  const subscriber = startSubscriber();
  afterAll(async () => (await subscriber).close());

  it("signs as Standard Webhooks does: the reference library verifies it, and refuses it altered", async () => {
    const { vars } = floorSetUp("http://127.0.0.1:1/hooks");
    const secret = vars.WEBHOOK_SECRET ?? "";
    const key = await hmacKey(whsecBytes(secret), "sign");
    const dm = readDm(dmBody(DM, "7700000000000000001", NOW), NOW);
    if (!dm) throw new Error("unreadable DM");
    const body = messageReceived(dm, "evt_1", NOW);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      "webhook-id": "evt_1",
      "webhook-timestamp": String(timestamp),
      "webhook-signature": await signStandardWebhook(key, "evt_1", timestamp, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ type: "message.received" });
    expect(() => new Webhook(secret).verify(body.replace("where", "WHERE"), headers)).toThrow();
  });

  it("posts an event the bench's subscriber counts as that DM's message.received", async () => {
    const hooks = await subscriber;
    const dm = readDm(dmBody(DM, "7700000000000000001", NOW), NOW);
    if (!dm) throw new Error("unreadable DM");
    const response = await fetch(hooks.hooksUrl, {
      method: "POST",
      body: messageReceived(dm, `evt_${dm.messageId}`, NOW),
      headers: { "webhook-id": `evt_${dm.messageId}` },
    });
    expect(response.status).toBe(204);
    expect(hooks.received.get(DM.messageId)?.eventIds).toEqual(new Set([`evt_${DM.messageId}`]));
    expect(hooks.byType.get("message.received")).toBe(1);
  });
});

describe("the floor's configuration", () => {
  const setting = (toml: string, key: string) => new RegExp(`^${key}\\s*=\\s*(.+)$`, "m").exec(toml)?.[1]?.trim();
  const project = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const floor = readFileSync(join(ROOT, "bench", "floor", "wrangler.toml"), "utf8");

  it("runs on the project's compatibility date and flags, and batches its queue as Switchboard's inbound consumer", () => {
    for (const key of ["compatibility_date", "compatibility_flags", "max_batch_size", "max_batch_timeout"]) {
      expect(setting(floor, key), key).toBeDefined();
      expect(setting(floor, key), key).toBe(setting(project, key));
    }
  });

  it("gets the bench's app, channel and a whsec_ secret as --var", () => {
    const { vars, workspace } = floorSetUp("http://127.0.0.1:9/hooks");
    expect(vars).toMatchObject({
      APP_KEY: BENCH_APP.appKey,
      APP_SECRET: BENCH_APP.appSecret,
      SUBSCRIBER_URL: "http://127.0.0.1:9/hooks",
      CHANNEL_ID: FLOOR_CHANNEL_ID,
    });
    expect(whsecBytes(vars.WEBHOOK_SECRET ?? "")).toHaveLength(24);
    expect(workspace.channelId).toBe(FLOOR_CHANNEL_ID);
  });
});

describe("floorRatios", () => {
  it("divides Switchboard's figures by the floor's and judges them by issue 12's targets", () => {
    const rows = floorRatios(
      { burstAllReceivedS: 5.7, drainPerS: 100, cpuMsPerDm: 9 },
      { burstAllReceivedS: 1.2, drainPerS: 180, cpuMsPerDm: 4.6 },
    );
    expect(rows.map((r) => [r.ratio, r.met])).toEqual([
      [4.75, false],
      [0.56, true],
      [1.96, true],
    ]);
  });

  it("compares nothing that did not run or cannot be divided", () => {
    const rows = floorRatios(
      { burstAllReceivedS: null, drainPerS: 100, cpuMsPerDm: 9 },
      { burstAllReceivedS: 1.2, drainPerS: 0, cpuMsPerDm: null },
    );
    expect(rows.map((r) => [r.ratio, r.met])).toEqual([
      [null, null],
      [null, null],
      [null, null],
    ]);
  });
});
