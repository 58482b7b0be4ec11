import { describe, expect, it } from "vitest";
import { telegram } from "../../../../src/channels/telegram/index.ts";
import { verifyTelegram } from "../../../../src/channels/telegram/verify.ts";
import type { RawDelivery } from "../../../../src/channels/types.ts";
import { TELEGRAM_TEST_BOT, telegramFixtures } from "../../../fixtures/telegram/index.ts";
import { rawDelivery } from "../../../helpers/delivery.ts";

function delivery(body: string, headers: Record<string, string>): RawDelivery {
  return rawDelivery("telegram", body, headers);
}

const secret = TELEGRAM_TEST_BOT.secretToken;
const body = telegramFixtures["text-message"];

describe("Telegram secret-token header", () => {
  it.each(Object.keys(telegramFixtures))("accepts %s carrying the channel's secret token", async (name) => {
    const fixture = telegramFixtures[name as keyof typeof telegramFixtures];
    const verdict = await telegram.verify(delivery(fixture, { "X-Telegram-Bot-Api-Secret-Token": secret }), TELEGRAM_TEST_BOT);
    expect(verdict).toEqual({ kind: "accept" });
  });

  it("reads the header whatever its case", async () => {
    const verdict = await telegram.verify(delivery(body, { "x-telegram-bot-api-secret-token": secret }), TELEGRAM_TEST_BOT);
    expect(verdict.kind).toBe("accept");
  });

  it("rejects a missing header", async () => {
    expect(await telegram.verify(delivery(body, {}), TELEGRAM_TEST_BOT)).toEqual({
      kind: "reject",
      status: 401,
      reason: "missing X-Telegram-Bot-Api-Secret-Token",
    });
  });

  it.each([
    ["empty", ""],
    ["another bot's", "another-bots_secret-token_9876543210"],
    ["one character short", secret.slice(0, -1)],
    ["one character long", `${secret}x`],
    ["in another case", secret.toUpperCase()],
  ])("rejects a secret token that is %s", async (_label, value) => {
    const verdict = await telegram.verify(delivery(body, { "X-Telegram-Bot-Api-Secret-Token": value }), TELEGRAM_TEST_BOT);
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("rejects the bot token sent in place of the secret token", async () => {
    const verdict = await telegram.verify(
      delivery(body, { "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_TEST_BOT.botToken }),
      TELEGRAM_TEST_BOT,
    );
    expect(verdict).toMatchObject({ kind: "reject", status: 401 });
  });

  it("fails closed when the channel has no secret token", async () => {
    const verdict = await verifyTelegram(delivery(body, { "X-Telegram-Bot-Api-Secret-Token": "" }), undefined);
    expect(verdict).toEqual({ kind: "reject", status: 401, reason: "channel has no secret token" });
  });

  it("accepts a changed body: Telegram signs nothing, so only the header is checked", async () => {
    const changed = body.replace("A1001", "A9999");
    const verdict = await telegram.verify(delivery(changed, { "X-Telegram-Bot-Api-Secret-Token": secret }), TELEGRAM_TEST_BOT);
    expect(verdict.kind).toBe("accept");
  });

  it("has no GET handshake: setWebhook registers the url, intake answers 405", () => {
    expect(telegram.handshake).toBeUndefined();
  });
});

describe("Telegram credentials", () => {
  it("takes a bot token and a secret token, both secret", () => {
    expect(telegram.credentials.safeParse(TELEGRAM_TEST_BOT).success).toBe(true);
    expect(telegram.publicCredentialFields).toEqual([]);
  });

  it.each([
    ["a bot token without its bot id", { ...TELEGRAM_TEST_BOT, botToken: "AAFakeToken" }],
    ["a bot token that would change the api path", { ...TELEGRAM_TEST_BOT, botToken: "7000000001:abc/../getMe?x=" }],
    ["a secret token with characters setWebhook refuses", { ...TELEGRAM_TEST_BOT, secretToken: "not allowed!" }],
    ["a secret token over 256 characters", { ...TELEGRAM_TEST_BOT, secretToken: "a".repeat(257) }],
    ["an unknown field", { ...TELEGRAM_TEST_BOT, webhookSecret: "x" }],
  ])("refuses %s", (_label, credentials) => {
    expect(telegram.credentials.safeParse(credentials).success).toBe(false);
  });
});
