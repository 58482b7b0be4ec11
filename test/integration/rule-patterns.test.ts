// Workspaces' regular expressions in workerd: PUT /v1/rules refuses what the engine would not
// run, and patterns that stall a backtracking engine route a 2,000-character attack at once.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tiktokFixtures } from "../fixtures/tiktok/index.ts";
import { withMessageId } from "../helpers/tiktok.ts";
import { call, createTikTokChannel, createWorkspace, json, postTikTok } from "./helpers.ts";

afterEach(() => vi.restoreAllMocks());

const note = (id: string, textMatches: string) => ({ id, when: { textMatches }, actions: [{ type: "note", text: `matched ${id}` }] });
const fine = [note("vip", "\\bvip\\b"), note("wholesale", "wholesale|bulk"), note("thanks", "^thanks")];

interface ErrorBody {
  error: { code: string; details: { path: string; message: string }[] };
}

async function putRules(apiKey: string, rules: unknown) {
  return call("PUT", "/v1/rules", { token: apiKey, json: rules });
}

/** A buyer's text DM in its own conversation. */
function dm(text: string, messageId: string) {
  const body = withMessageId(tiktokFixtures["new-message-text"], messageId, `73730099887766${messageId.slice(-5)}`);
  return body.replace(/"content": ".*"/, `"content": ${JSON.stringify(JSON.stringify({ content: text }))}`);
}

interface Routing {
  rulesVersion: number;
  actions: { ruleId: string }[];
  classification: { orderIds: string[] };
}

/** Waits until the message with this text is recorded, and returns the routing stored with it. */
async function routed(apiKey: string, text: string): Promise<Routing> {
  return vi.waitFor(
    async () => {
      const conversations = await json<{ data: { id: string }[] }>(
        await call("GET", "/v1/conversations?limit=200", { token: apiKey }),
        200,
      );
      for (const { id } of conversations.data) {
        const page = await json<{ data: { text: string; routing: Routing | null }[] }>(
          await call("GET", `/v1/conversations/${id}/messages`, { token: apiKey }),
          200,
        );
        const message = page.data.find((m) => m.text === text);
        if (message?.routing) return message.routing;
      }
      throw new Error("not routed yet");
    },
    { timeout: 10_000, interval: 100 },
  );
}

describe("PUT /v1/rules refuses every pattern the engine would not run", () => {
  it.each([
    ["a backreference", { rules: [...fine, note("twice", "(\\w+) \\1")] }, "rules.3.when.textMatches"],
    ["a lookahead", { rules: [...fine, note("ahead", "vip(?=!)")] }, "rules.3.when.textMatches"],
    ["a lookbehind", { rules: [...fine, note("behind", "(?<!not )vip")] }, "rules.3.when.textMatches"],
    ["an order pattern with a backreference", { rules: fine, orderPatterns: ["(SO-\\d{6})\\1"] }, "orderPatterns.0"],
    ["an order pattern with a lookbehind", { rules: fine, orderPatterns: ["(?<=#)(\\d{6})"] }, "orderPatterns.0"],
    ["an order pattern without a capture group", { rules: fine, orderPatterns: ["SO-\\d{6}"] }, "orderPatterns.0"],
    ["an order pattern with two capture groups", { rules: fine, orderPatterns: ["SB-(\\d{6})", "(SO)-(\\d{6})"] }, "orderPatterns.1"],
    ["an order pattern matching empty text", { rules: fine, orderPatterns: ["(\\d*)"] }, "orderPatterns.0"],
    [
      "a pattern over the rule set's budget",
      { rules: [...fine, ...[1, 2, 3, 4].map((n) => note(`big${n}`, "[\\s\\S]{900}x"))] },
      "rules.6.when.textMatches",
    ],
  ])("refuses %s with 400 naming its path", async (_, rules, path) => {
    const workspace = await createWorkspace();
    const body = await json<ErrorBody>(await putRules(workspace.apiKey, rules), 400);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details.map((detail) => detail.path)).toEqual([path]);
    // Nothing was stored: the defaults are still in force.
    expect(await json<{ version: number }>(await call("GET", "/v1/rules", { token: workspace.apiKey }), 200)).toMatchObject({ version: 0 });
  });
});

describe("patterns that stall a backtracking engine", () => {
  it("are accepted, and a 2,000-character attack is routed and recorded at once", async () => {
    const workspace = await createWorkspace();
    const channel = await createTikTokChannel(workspace.apiKey);
    const rules = {
      rules: [note("runaway", "(a+)+$"), note("alternation", "(a|a)+$"), note("shout", "!$")],
      orderPatterns: ["((?:\\d)+)+x", "(\\d|\\d)+x", "(?:\\d|\\d)+(\\d)x"],
    };
    const saved = await json<{ version: number }>(await putRules(workspace.apiKey, rules), 200);
    // 32 a's took today's engine past the 30 s limit; 26 digits took 4–7 s for each order pattern.
    const attacks = [`${"a".repeat(1999)}!`, "1".repeat(2000), `${"a".repeat(1000)}${"1".repeat(999)}!`];
    await Promise.all(attacks.map((text, i) => postTikTok(channel.id, dm(text, `737300998877665570${i}`))));
    for (const text of attacks) {
      const routing = await routed(workspace.apiKey, text);
      expect(routing.rulesVersion).toBe(saved.version);
      expect(routing.classification.orderIds).toEqual([]);
      expect(routing.actions.map((action) => action.ruleId)).toEqual(text.endsWith("!") ? ["shout"] : []);
    }
    // And they still match what they describe.
    await postTikTok(channel.id, dm("aaaa", "7373009988776655710"));
    expect((await routed(workspace.apiKey, "aaaa")).actions.map((action) => action.ruleId)).toEqual(["runaway", "alternation"]);
  });
});

describe("a rule set stored before the checks", () => {
  it("routes with its good rules, skips its bad patterns and says so in the log", async () => {
    const workspace = await createWorkspace();
    const channel = await createTikTokChannel(workspace.apiKey);
    const stored = {
      rules: [note("twice", "(\\w+) \\1"), note("vip", "\\bvip\\b")],
      templates: {},
      orderPatterns: ["(?<=#)(\\d{6})", "SB-(\\d{6})"],
    };
    await env.DB.prepare("INSERT INTO rule_sets (workspace_id, version, rules, created_at) VALUES (?, 1, ?, ?)")
      .bind(workspace.id, JSON.stringify(stored), Date.now())
      .run();
    const warn = vi.spyOn(console, "warn");
    const text = "vip vip, order SB-204311";
    await postTikTok(channel.id, dm(text, "7373009988776655720"));
    const routing = await routed(workspace.apiKey, text);
    expect(routing.rulesVersion).toBe(1);
    expect(routing.actions.map((action) => action.ruleId)).toEqual(["vip"]);
    expect(routing.classification.orderIds).toEqual(["204311"]);
    const logged = warn.mock.calls.map(
      ([line]) => JSON.parse(String(line)) as { msg: string; workspaceId: string; problems: { path: string }[] },
    );
    const skipped = logged.find((line) => line.msg === "stored rules: patterns skipped" && line.workspaceId === workspace.id);
    expect(skipped?.problems.map((problem) => problem.path)).toEqual(["rules.0.when.textMatches", "orderPatterns.0"]);
    // GET still shows the rules as stored, bad patterns included, for the merchant to fix.
    const shown = await json<{ version: number; rules: { when: { textMatches: string } }[] }>(
      await call("GET", "/v1/rules", { token: workspace.apiKey }),
      200,
    );
    expect(shown.rules[0]?.when.textMatches).toBe("(\\w+) \\1");
  });
});
