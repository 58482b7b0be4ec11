// `npm run sign`: a body the script signs passes the adapter's own verify, for every platform.
import { validateSignature } from "@line/bot-sdk";
import { describe, expect, it } from "vitest";
import { type CliIo, runSign } from "../../../scripts/sign/cli.ts";
import { type SecretOption, SIGNERS } from "../../../scripts/sign/signers.ts";
import { getAdapter } from "../../../src/channels/registry.ts";
import type { Platform } from "../../../src/events/schema.ts";
import { channelKits } from "../../fixtures/kits.ts";
import { rawDelivery, TEST_NOW } from "../../helpers/delivery.ts";

/** Each option stands for the channel credential of the same name (camelCase). */
const CREDENTIAL: Record<SecretOption, string> = {
  "app-key": "appKey",
  "app-secret": "appSecret",
  "secret-token": "secretToken",
  "channel-secret": "channelSecret",
  "oa-secret-key": "oaSecretKey",
  "consumer-secret": "consumerSecret",
};

function kitOf(platform: Platform) {
  const kit = channelKits.find((k) => k.adapter.platform === platform);
  if (!kit?.messageFixture) throw new Error(`no kit for ${platform}`);
  return { kit, fixture: kit.fixtures[kit.messageFixture] ?? "" };
}

function secretsOf(platform: Platform, credentials: Record<string, string | undefined>) {
  return Object.fromEntries(SIGNERS[platform].options.map((option) => [option, credentials[CREDENTIAL[option]] ?? ""])) as Record<
    SecretOption,
    string
  >;
}

const PLATFORMS = Object.keys(SIGNERS) as Platform[];

describe("npm run sign", () => {
  it("covers all eight platforms", () => {
    expect(PLATFORMS.sort()).toEqual(["instagram", "line", "messenger", "telegram", "tiktok", "whatsapp", "x", "zalo"]);
  });

  it.each(PLATFORMS)("signs a %s body that the adapter's verify accepts, and a changed one it refuses", async (platform) => {
    const { kit, fixture } = kitOf(platform);
    const adapter = getAdapter(platform);
    if (!adapter) throw new Error(`no adapter for ${platform}`);
    const signed = SIGNERS[platform].sign(fixture, secretsOf(platform, kit.credentials), TEST_NOW);
    const verdict = await adapter.verify(rawDelivery(platform, signed.body, signed.headers, { receivedAt: TEST_NOW }), kit.credentials);
    expect(verdict).toEqual({ kind: "accept" });

    // Made-up secrets must not pass: the signature depends on them.
    const wrong = SIGNERS[platform].sign(fixture, secretsOf(platform, kit.wrongCredentials), TEST_NOW);
    expect(await adapter.verify(rawDelivery(platform, wrong.body, wrong.headers, { receivedAt: TEST_NOW }), kit.credentials)).toMatchObject(
      {
        kind: "reject",
      },
    );
  });

  it.each(["tiktok", "zalo"] as const)(
    "moves the signed timestamp of a %s body to now, so the gateway takes it as fresh",
    async (platform) => {
      const { kit, fixture } = kitOf(platform);
      const adapter = getAdapter(platform);
      const now = TEST_NOW + 86_400_000 * 365;
      const signed = SIGNERS[platform].sign(fixture, secretsOf(platform, kit.credentials), now);
      expect(signed.body).not.toBe(fixture);
      expect(await adapter?.verify(rawDelivery(platform, signed.body, signed.headers, { receivedAt: now }), kit.credentials)).toEqual({
        kind: "accept",
      });
    },
  );

  it("signs LINE bodies as the official SDK's validateSignature expects", () => {
    const { kit, fixture } = kitOf("line");
    const signed = SIGNERS.line.sign(fixture, secretsOf("line", kit.credentials), TEST_NOW);
    const signature = signed.headers["x-line-signature"] ?? "";
    expect(validateSignature(signed.body, kit.credentials.channelSecret ?? "", signature)).toBe(true);
    expect(validateSignature(`${signed.body} `, kit.credentials.channelSecret ?? "", signature)).toBe(false);
  });

  it("refuses a Zalo body without the app_id the signature covers, with a reason", () => {
    expect(() => SIGNERS.zalo.sign('{"timestamp":"1"}', { "oa-secret-key": "k" } as Record<SecretOption, string>, TEST_NOW)).toThrow(
      /app_id and timestamp/,
    );
  });
});

function fakeIo(files: Record<string, string>, answer = () => new Response("ok")) {
  const out: string[] = [];
  const err: string[] = [];
  const requests: Request[] = [];
  const io: CliIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readFile: (path) => {
      const body = files[path];
      if (body === undefined) throw new Error("ENOENT");
      return body;
    },
    fetch: async (input, init) => {
      requests.push(new Request(input, init));
      return answer();
    },
    now: () => TEST_NOW,
  };
  return { io, out, err, requests };
}

describe("npm run sign, the command", () => {
  it("prints usage naming every platform and exits 0 on --help", async () => {
    const { io, out } = fakeIo({});
    expect(await runSign(["--help"], io)).toBe(0);
    for (const platform of PLATFORMS) expect(out.join("\n")).toContain(`  ${platform} `);
  });

  it.each([
    [[], /missing <platform>/],
    [["viber", "a.json"], /unsupported platform 'viber'/],
    [["telegram"], /missing <file>/],
    [["telegram", "a.json"], /telegram needs --secret-token/],
    [["telegram", "a.json", "--secret-token", "t", "--app-secret", "s"], /telegram does not use --app-secret/],
    [["telegram", "a.json", "--bogus"], /bogus/],
    [["telegram", "missing.json", "--secret-token", "t"], /cannot read missing.json/],
  ])("exits 2 with a reason and the usage for %j", async (argv, reason) => {
    const { io, err } = fakeIo({ "a.json": "{}" });
    expect(await runSign(argv, io)).toBe(2);
    expect(err.join("\n")).toMatch(reason);
    expect(err.join("\n")).toMatch(/usage:/);
  });

  it("prints a curl command with the signed headers", async () => {
    const { kit, fixture } = kitOf("whatsapp");
    const { io, out } = fakeIo({ "wa.json": fixture });
    expect(await runSign(["whatsapp", "wa.json", "--app-secret", kit.credentials.appSecret ?? ""], io)).toBe(0);
    const expected = SIGNERS.whatsapp.sign(fixture, secretsOf("whatsapp", kit.credentials), TEST_NOW).headers["x-hub-signature-256"];
    expect(out[0]).toContain(`-H 'x-hub-signature-256: ${expected}'`);
    expect(out[0]).toMatch(/^curl -sS -X POST "\$URL" /);
  });

  it("POSTs the signed body to --url, exiting 1 when the gateway refuses it", async () => {
    const { kit, fixture } = kitOf("telegram");
    const argv = [
      "telegram",
      "tg.json",
      "--secret-token",
      kit.credentials.secretToken ?? "",
      "--url",
      "http://127.0.0.1:8787/webhooks/telegram/ch_1",
    ];
    const ok = fakeIo({ "tg.json": fixture });
    expect(await runSign(argv, ok.io)).toBe(0);
    const request = ok.requests[0];
    expect(request?.url).toBe("http://127.0.0.1:8787/webhooks/telegram/ch_1");
    expect(request?.headers.get("x-telegram-bot-api-secret-token")).toBe(kit.credentials.secretToken);
    expect(await request?.text()).toBe(fixture);
    const refused = fakeIo({ "tg.json": fixture }, () => new Response("no", { status: 401 }));
    expect(await runSign(argv, refused.io)).toBe(1);
    expect(refused.out[0]).toBe("401 no");
  });
});
