import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { ConsoleTestContext, StepResult } from "./console.spec.ts";
import { api, assert, runSteps, screenshot, signAndPostTikTok, WAIT_MS, waitUntil } from "./kit.ts";

const APP_KEY = "6fakeappkey02";
const APP_SECRET = "f1e2d3c4b5a6978800112233445566778899aabb";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };
/** Where the page fetches axe-core from: same origin, so the console's CSP (`script-src 'self'`) lets it run unchanged. */
const AXE_PATH = "/__test__/axe.min.js";

interface Traffic {
  totals: { inbound: number; answeredAutomatically: number; escalated: number; agentReplies: number };
  buckets: { start: string; inbound: number; answeredAutomatically: number; escalated: number }[];
}
interface SlaFigures {
  insideWindowRate: number | null;
  p50FirstResponseSeconds: number | null;
  p90FirstResponseSeconds: number | null;
  openBreaches: number;
}
interface SlaMetrics {
  overall: SlaFigures;
  channels: (SlaFigures & { channelId: string })[];
}

interface World {
  ctx: ConsoleTestContext;
  page: Page;
  ownerKey: string;
  adminKey: string;
  agentKey: string;
  channelId: string;
  heldEndpointId: string;
  failingEndpointId: string;
  deadLetterId: string;
  ticketId: string;
  /** The If-Match header of every PUT /v1/rules the page sent. */
  ruleSaves: string[];
  pageErrors: string[];
}

/* ---------------------------------------------------------------- helpers */

/** POSTs a body to the channel's webhook, signed as TikTok Shop signs it. */
async function postSigned(world: World, body: string): Promise<void> {
  await signAndPostTikTok(world, world.channelId, { key: APP_KEY, secret: APP_SECRET }, body);
}

/** A buyer's DM in its own conversation (each from a new buyer), shaped like the fixture. */
async function sendDm(world: World, text: string, n: number): Promise<void> {
  const fixture = JSON.parse(readFileSync(join(world.ctx.repoRoot, "test/fixtures/tiktok/new-message-text.json"), "utf8"));
  const now = Math.floor(Date.now() / 1000);
  const unique = `${Date.now()}${n}`;
  fixture.timestamp = now;
  fixture.tts_notification_id = `8${unique}`;
  fixture.data.conversation_id = `7380${unique}`;
  fixture.data.sender.im_user_id = `7191${unique}`;
  fixture.data.message_id = `7381${unique}`;
  fixture.data.create_time = now;
  fixture.data.content = JSON.stringify({ content: text });
  await postSigned(world, JSON.stringify(fixture));
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent({ timeout: WAIT_MS })) ?? "";
}

async function signIn(world: World, key: string, who: string): Promise<void> {
  const { page } = world;
  await page.locator("#signin-form").waitFor({ state: "visible", timeout: WAIT_MS });
  await page.locator("#api-key").fill(key);
  await page.locator("#signin-submit").click();
  await page.locator("#topbar").waitFor({ state: "visible", timeout: WAIT_MS });
  await waitUntil(`"${who}" signed in`, async () => (await text(page, "#who")) === who);
}

async function signOut(world: World): Promise<void> {
  await world.page.locator("#sign-out").click();
  await world.page.locator("#signin-form").waitFor({ state: "visible", timeout: WAIT_MS });
}

async function go(world: World, hash: string, view: string): Promise<void> {
  await world.page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await world.page.locator(view).waitFor({ state: "visible", timeout: WAIT_MS });
}

/** The SVG marks of a chart as [series, label, value, geometry] the page drew. */
async function marks(page: Page, selector: string): Promise<{ series: string; label: string; value: string; size: number }[]> {
  return (await page.evaluate(`Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map((m) => ({
    series: m.getAttribute("data-series"), label: m.getAttribute("data-label"), value: m.getAttribute("data-value"),
    size: Number(m.getAttribute(m.tagName === "circle" ? "r" : m.closest(".chart-time") ? "height" : "width")),
  }))`)) as { series: string; label: string; value: string; size: number }[];
}

async function pageWidth(page: Page): Promise<number> {
  return (await page.evaluate("document.documentElement.scrollWidth")) as number;
}

/** Runs axe-core on the page as it is; answers the serious and critical violations, described. */
async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.addScriptTag({ url: AXE_PATH });
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((r) => ({
    checked: r.passes.length + r.violations.length,
    serious: r.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => v.impact + " " + v.id + ": " + v.help + " @ " + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")),
  }))`)) as { checked: number; serious: string[] };
  // A run that checked nothing (axe not loaded, an empty page) must not pass as clean.
  assert(result.checked > 10, `axe checked only ${result.checked} rules`);
  return result.serious;
}

/* ---------------------------------------------------------------- steps */

type Step = [name: string, run: (world: World) => Promise<void>];

const steps: Step[] = [
  [
    "a workspace with an admin and an agent (their own keys), a channel, a held and a failing endpoint",
    async (world) => {
      const workspace = await api<{ apiKey: string }>(world, "POST", "/v1/workspaces", world.ctx.adminToken, { name: "Admin test shop" });
      assert(workspace.status === 201, `POST /v1/workspaces answered ${workspace.status}`);
      world.ownerKey = workspace.json.apiKey;
      const mai = await api<{ apiKey: string; role: string }>(world, "POST", "/v1/agents", world.ownerKey, { name: "Mai", role: "admin" });
      const lan = await api<{ apiKey: string; role: string }>(world, "POST", "/v1/agents", world.ownerKey, { name: "Lan", role: "agent" });
      assert(mai.status === 201 && lan.status === 201, `POST /v1/agents answered ${mai.status} and ${lan.status}`);
      world.adminKey = mai.json.apiKey;
      world.agentKey = lan.json.apiKey;
      const channel = await api<{ id: string }>(world, "POST", "/v1/channels", world.adminKey, {
        platform: "tiktok",
        name: "Night market",
        credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: "tok", shopCipher: "cipher" },
      });
      assert(channel.status === 201, `POST /v1/channels answered ${channel.status}`);
      world.channelId = channel.json.id;
      const held = await api<{ id: string }>(world, "POST", "/v1/endpoints", world.adminKey, { url: `${world.ctx.fake.origin}/hooks` });
      const failing = await api<{ id: string }>(world, "POST", "/v1/endpoints", world.adminKey, { url: `${world.ctx.fake.origin}/down` });
      assert(held.status === 201 && failing.status === 201, `POST /v1/endpoints answered ${held.status} and ${failing.status}`);
      world.heldEndpointId = held.json.id;
      world.failingEndpointId = failing.json.id;
      // Disabled before the traffic: its events are held until an admin re-enables it and replays them.
      const disabled = await api(world, "PATCH", `/v1/endpoints/${world.heldEndpointId}`, world.adminKey, { enabled: false });
      assert(disabled.status === 200, `PATCH /v1/endpoints/:id answered ${disabled.status}`);
    },
  ],
  [
    "real traffic: two DMs answered by the rules, a complaint escalated, and a signed unreadable delivery kept as a dead letter",
    async (world) => {
      await sendDm(world, "How long does shipping take?", 1);
      await sendDm(world, "Hello!", 2);
      await sendDm(world, "This is a SCAM!!! still not arrived after 2 weeks 😡", 3);
      await postSigned(world, JSON.stringify({ type: 14, timestamp: Math.floor(Date.now() / 1000), data: "garbled" }));
      await waitUntil(
        "the traffic counted",
        async () => {
          const traffic = await api<Traffic>(world, "GET", "/v1/metrics/traffic", world.adminKey);
          const t = traffic.json.totals;
          return t.inbound === 3 && t.answeredAutomatically === 2 && t.escalated === 1;
        },
        30_000,
      );
      await waitUntil("the dead letter", async () => {
        const letters = await api<{ data: { id: string }[] }>(world, "GET", "/v1/dead-letters", world.adminKey);
        world.deadLetterId = letters.json.data[0]?.id ?? "";
        return letters.json.data.length === 1;
      });
      const tickets = await api<{ data: { id: string }[] }>(world, "GET", "/v1/tickets?status=open", world.adminKey);
      world.ticketId = tickets.json.data[0]?.id ?? "";
      assert(world.ticketId, "the complaint opened no ticket");
    },
  ],
  [
    "an agent sees no admin controls; a forced retry shows the API's 403 and changes nothing",
    async (world) => {
      const { page } = world;
      await page.goto(`${world.ctx.baseUrl}/console/`, { timeout: WAIT_MS });
      await signIn(world, world.agentKey, "Lan · agent");
      assert(await page.locator("#nav-dashboard").isVisible(), "an agent is not offered the dashboard");
      assert(!(await page.locator("#nav-admin").isVisible()), "an agent is offered the admin view");
      await go(world, "#/admin", "#admin-view");
      await page.locator("#dead-letter-list .dead-letter").first().waitFor({ state: "visible", timeout: WAIT_MS });
      assert(await page.locator("#admin-readonly").isVisible(), "the agent is not told the view is read-only");
      assert((await page.locator("#admin-view button.admin-action:visible").count()) === 0, "an agent sees an admin action");
      assert(!(await page.locator("#rules-save").isVisible()), "an agent is offered to save the rules");
      assert(!(await page.locator("#audit-card").isVisible()), "an agent is shown the audit list");
      assert(await page.evaluate(`document.getElementById("rules-text").readOnly`), "an agent can edit the rules text");
      // Forced: the hidden button shown and clicked, as a curious agent could in the devtools.
      await page.evaluate(`document.querySelector('#dead-letter-list button[data-action="retry-dead-letter"]').hidden = false`);
      await page.locator('#dead-letter-list button[data-action="retry-dead-letter"]').click();
      await waitUntil("the API's refusal", async () => (await text(page, "#dead-letter-list .admin-outcome-error")).includes("403"));
      const refusal = await text(page, "#dead-letter-list .admin-outcome-error");
      assert(/forbidden|admin/i.test(refusal), `the refusal does not say why: ${refusal}`);
      const letters = await api<{ data: { retriedAt: string | null }[] }>(world, "GET", "/v1/dead-letters", world.adminKey);
      assert(letters.json.data[0]?.retriedAt === null, "the agent's forced retry went through");
      await screenshot(world, "admin-01-agent-refused");
      await signOut(world);
    },
  ],
  [
    "the admin's dashboard draws the API's figures: inside-window rate per channel, p50/p90, breaches, DMs per minute",
    async (world) => {
      const { page } = world;
      await signIn(world, world.adminKey, "Mai · admin");
      assert(await page.locator("#nav-admin").isVisible(), "an admin is not offered the admin view");
      await page.locator("#nav-dashboard").click();
      await page.locator("#dashboard-view").waitFor({ state: "visible", timeout: WAIT_MS });
      await page.locator("#dash-traffic svg").waitFor({ state: "attached", timeout: WAIT_MS });
      await page.locator("#dash-rate svg").waitFor({ state: "attached", timeout: WAIT_MS });

      const traffic = (await api<Traffic>(world, "GET", "/v1/metrics/traffic", world.adminKey)).json;
      const sum = (list: { value: string }[]) => list.reduce((total, m) => total + Number(m.value), 0);
      const points = await marks(page, "#dash-traffic circle[data-series=inbound]");
      assert(points.length === traffic.buckets.length, `${points.length} points for ${traffic.buckets.length} minutes`);
      assert(sum(points) === traffic.totals.inbound, `the points add up to ${sum(points)} DMs, the API says ${traffic.totals.inbound}`);
      const auto = await marks(page, "#dash-traffic rect[data-series=auto]");
      const escalated = await marks(page, "#dash-traffic rect[data-series=escalated]");
      assert(sum(auto) === 2 && sum(auto) === traffic.totals.answeredAutomatically, `answered automatically: ${sum(auto)}`);
      assert(sum(escalated) === 1 && sum(escalated) === traffic.totals.escalated, `escalated: ${sum(escalated)}`);
      for (const column of [...auto, ...escalated]) {
        assert(Number(column.value) > 0 === column.size > 0, `a column's height (${column.size}) does not match its value ${column.value}`);
      }
      assert(
        (await text(page, "#dash-traffic-totals")).startsWith("3 DMs · 2 answered automatically · 1 escalated"),
        `totals: ${await text(page, "#dash-traffic-totals")}`,
      );

      const week = (await api<SlaMetrics>(world, "GET", "/v1/metrics/sla", world.adminKey)).json;
      const rate = week.overall.insideWindowRate;
      assert(rate !== null && rate > 0 && rate < 1, `the API's inside-window rate: ${rate}`);
      const rateBars = await marks(page, "#dash-rate rect[data-series=week]");
      const overall = rateBars.find((b) => b.label === "All channels");
      assert(overall && Number(overall.value) === rate, `the week's bar says ${overall?.value}, the API ${rate}`);
      const channelBar = rateBars.find((b) => b.label.startsWith("Night market"));
      const channelRate = week.channels.find((c) => c.channelId === world.channelId)?.insideWindowRate;
      assert(channelBar && Number(channelBar.value) === channelRate, `the channel's bar says ${channelBar?.value}, the API ${channelRate}`);
      // Bars are drawn to scale: the full width is 100 %.
      const full = overall.size / rate;
      assert(Math.abs(channelBar.size - full * (channelRate ?? 0)) < 1, "the channel's bar is not drawn to scale");
      const times = await marks(page, "#dash-times rect");
      const p50 = times.find((b) => b.series === "p50" && b.label === "Last week");
      const p90 = times.find((b) => b.series === "p90" && b.label === "Last week");
      assert(
        p50 && Number(p50.value) === week.overall.p50FirstResponseSeconds,
        `p50 bar ${p50?.value}, API ${week.overall.p50FirstResponseSeconds}`,
      );
      assert(
        p90 && Number(p90.value) === week.overall.p90FirstResponseSeconds,
        `p90 bar ${p90?.value}, API ${week.overall.p90FirstResponseSeconds}`,
      );
      const breaches = await marks(page, "#dash-breaches rect");
      assert(breaches.length === 3, `${breaches.length} breach bars for hour, day and week`);
      assert(
        Number(breaches.find((b) => b.label === "Last week")?.value) === week.overall.openBreaches,
        "the week's open breaches differ from the API's",
      );
      // During a live sale the chart says so; off again, it does not.
      assert(!(await page.locator("#dash-live-sale").isVisible()), "the live-sale badge shows with the sale off");
      await page.locator("#live-sale").check();
      await page.locator("#dash-live-sale").waitFor({ state: "visible", timeout: WAIT_MS });
      await screenshot(world, "admin-02-dashboard");
      await page.locator("#live-sale").uncheck();
      await page.locator("#dash-live-sale").waitFor({ state: "hidden", timeout: WAIT_MS });
      const sale = await api<{ liveSale: { enabled: boolean } }>(world, "GET", "/v1/settings", world.adminKey);
      assert(sale.json.liveSale.enabled === false, "live sale was left on");
    },
  ],
  [
    "the admin inspects the dead letter and retries it",
    async (world) => {
      const { page } = world;
      await page.locator("#nav-admin").click();
      await page.locator("#admin-view").waitFor({ state: "visible", timeout: WAIT_MS });
      const item = page.locator("#dead-letter-list .dead-letter").first();
      await item.waitFor({ state: "visible", timeout: WAIT_MS });
      assert(
        (await item.locator(".dead-letter-reason").textContent())?.includes("not a TikTok Shop notification"),
        "the reason is not shown",
      );
      await item.locator("summary").click();
      const inspected = (await item.locator("details").textContent()) ?? "";
      assert(inspected.includes("tiktok") && inspected.includes("garbled"), `the inspection does not show the body: ${inspected}`);
      await item.locator('button[data-action="retry-dead-letter"]').click();
      await waitUntil("the retry's outcome", async () =>
        (await text(page, "#dead-letter-list .admin-outcome-ok")).includes("Sent through again"),
      );
      const letters = await api<{ data: { id: string; retriedAt: string | null }[] }>(world, "GET", "/v1/dead-letters", world.adminKey);
      assert(letters.json.data.find((d) => d.id === world.deadLetterId)?.retriedAt, "the API does not have the retry");
      await waitUntil("the retried badge", async () => (await text(page, "#dead-letter-list")).includes("retried"));
      // Who did it: the admin's retry is in the audit list, by name, with the route and its answer.
      await waitUntil("the audit entry of the retry", async () => {
        const entry = page.locator("#audit-list .audit-entry", { hasText: "/v1/dead-letters/:id/retry" }).first();
        return (await entry.count()) > 0 && ((await entry.textContent()) ?? "").includes("Mai");
      });
    },
  ],
  [
    "endpoint health: the failing one says since when; the disabled one is re-enabled and its held events replayed",
    async (world) => {
      const { page } = world;
      const held = page.locator("#health-list .endpoint-health", { hasText: "/hooks" });
      await waitUntil("the held events", async () => (await held.textContent())?.includes("held") ?? false);
      assert((await held.textContent())?.includes("disabled (manual)"), "the disabled endpoint does not say so");
      const failing = page.locator("#health-list .endpoint-health", { hasText: "/down" });
      await waitUntil(
        "the failing endpoint's failing since",
        async () => (await failing.textContent())?.includes("Failing since") ?? false,
        20_000,
      );
      await held.locator('button[data-action="enable-endpoint"]').click();
      await waitUntil("the endpoint enabled", async () => (await held.textContent())?.includes("Enabled again") ?? false);
      const endpoint = await api<{ enabled: boolean }>(world, "GET", `/v1/endpoints/${world.heldEndpointId}`, world.adminKey);
      assert(endpoint.json.enabled, "the API still has the endpoint disabled");
      const before = world.ctx.fake.requests.filter((r) => r.path === "/hooks").length;
      await held.locator('button[data-action="replay-endpoint"]').click();
      await waitUntil("the replay's outcome", async () => /\d+ events? queued again/.test((await held.textContent()) ?? ""));
      await waitUntil(
        "the replayed deliveries at the endpoint",
        () => world.ctx.fake.requests.filter((r) => r.path === "/hooks").length > before,
        20_000,
      );
      await screenshot(world, "admin-03-fixed");
    },
  ],
  [
    "the rules editor shows the API's validation error at its path, saves with If-Match, and explains a conflict",
    async (world) => {
      const { page } = world;
      await waitUntil("the rules", async () => (await page.locator("#rules-text").inputValue()).includes('"rules"'));
      assert((await text(page, "#rules-version")).includes("Version 0"), "the default rules' version is not shown");
      const edit = async (change: string) => {
        const current = await page.locator("#rules-text").inputValue();
        const next = (await page.evaluate(`((set) => { ${change}; return JSON.stringify(set, null, 2); })(${current})`)) as string;
        await page.locator("#rules-text").fill(next);
      };
      const original = await page.locator("#rules-text").inputValue();
      await page.locator("#rules-text").fill(`${original.slice(0, -1)},`);
      await page.locator("#rules-save").click();
      await waitUntil("the JSON error", async () => (await text(page, "#rules-state")).includes("not valid JSON"));
      assert(world.ruleSaves.length === 0, "text that is not JSON was sent to the API");
      await page.locator("#rules-text").fill(original);
      await edit(`set.rules[3].when = { textMatches: "(\\\\w+) \\\\1" }`);
      await page.locator("#rules-save").click();
      await waitUntil("the validation error", async () => (await page.locator("#rules-problems li").count()) > 0);
      const problems = await text(page, "#rules-problems");
      assert(problems.includes("rules.3.when.textMatches"), `the error is not at its path: ${problems}`);
      await page.locator('#rules-problems button[data-path="rules.3.when.textMatches"]').click();
      const selected = (await page.evaluate(
        `(() => { const t = document.getElementById("rules-text"); return t.value.slice(t.selectionStart, t.selectionEnd); })()`,
      )) as string;
      assert(selected === JSON.stringify("(\\w+) \\1"), `the path selects ${JSON.stringify(selected)}, not the pattern`);
      assert(await page.evaluate(`document.activeElement === document.getElementById("rules-text")`), "the rules text is not focused");
      assert((await api<{ version: number }>(world, "GET", "/v1/rules", world.adminKey)).json.version === 0, "refused rules were saved");

      await edit(`set.rules[3].when = { textMatches: "where is my (parcel|package)" }`);
      await page.locator("#rules-save").click();
      await waitUntil("the save", async () => (await text(page, "#rules-state")).includes("Saved as version 1"));
      assert(world.ruleSaves.join(",") === '"0","0"', `the saves' If-Match headers: ${world.ruleSaves.join(",")}`);
      const saved = await api<{ version: number; rules: { when: { textMatches?: string } }[] }>(world, "GET", "/v1/rules", world.adminKey);
      assert(
        saved.json.version === 1 && saved.json.rules[3]?.when.textMatches === "where is my (parcel|package)",
        "the API has other rules",
      );
      assert((await page.locator("#rules-problems li").count()) === 0, "the old error is still listed");

      // Someone else saves meanwhile: this save is refused, said so, and a reload offered.
      const theirs = await api(world, "PUT", "/v1/rules", world.ownerKey, { rules: saved.json.rules.slice(0, 5) });
      assert(theirs.status === 200, `the other save answered ${theirs.status}`);
      await edit("set.rules.pop()");
      await page.locator("#rules-save").click();
      await waitUntil("the conflict", async () => (await text(page, "#rules-state")).includes("someone else saved"));
      assert((await text(page, "#rules-state")).includes("409"), "the conflict does not give the API's status");
      await page.locator("#rules-reload").click();
      await waitUntil("the reloaded version", async () => (await text(page, "#rules-version")).includes("Version 2"));
      const reloaded = JSON.parse(await page.locator("#rules-text").inputValue()) as { rules: unknown[] };
      assert(reloaded.rules.length === 5, `the reloaded rules are not theirs: ${reloaded.rules.length} rules`);
      await screenshot(world, "admin-04-rules");
    },
  ],
  [
    "axe-core finds no serious or critical violation on sign-in, tickets and thread, the buyer's page, dashboard and admin views",
    async (world) => {
      const { page } = world;
      const found: string[] = [];
      const check = async (view: string) => {
        for (const violation of await seriousViolations(page)) found.push(`${view}: ${violation}`);
      };
      await check("admin");
      await go(world, "#/dashboard", "#dashboard-view");
      await page.locator("#dash-traffic svg").waitFor({ state: "attached", timeout: WAIT_MS });
      await check("dashboard");
      await go(world, `#/tickets/${world.ticketId}`, "#tickets-view");
      await page.locator("#thread").waitFor({ state: "visible", timeout: WAIT_MS });
      await check("tickets and thread");
      await page.locator("#thread-buyer").click();
      await page.locator("#buyers-view").waitFor({ state: "visible", timeout: WAIT_MS });
      await waitUntil("the buyer's conversations", async () => (await page.locator("#buyer-conversations li").count()) > 0);
      await check("the buyer's page");
      await go(world, "#/channels", "#channels-view");
      await check("channels");
      await signOut(world);
      await check("sign-in");
      assert(found.length === 0, `axe: ${found.join("\n    ")}`);
    },
  ],
  [
    "at 375 px: sign in, open a ticket, reply, the dashboard and the admin view, never wider than the phone",
    async (world) => {
      const { page } = world;
      await page.setViewportSize(PHONE);
      const fits = async (where: string) => {
        const width = await pageWidth(page);
        assert(width <= PHONE.width, `${where} is ${width} px wide at 375 px`);
      };
      await fits("the sign-in form");
      await signIn(world, world.adminKey, "Mai · admin");
      await go(world, "#/tickets", "#tickets-view");
      await page.locator(`#ticket-list .ticket[data-key="${world.ticketId}"] .ticket-link`).click();
      await page.locator("#thread").waitFor({ state: "visible", timeout: WAIT_MS });
      await fits("the ticket and its thread");
      await page.locator("#reply-text").fill("Sorry! Checking with the carrier now.");
      await page.locator("#reply-send").click();
      await waitUntil("the reply sent", async () => (await text(page, "#reply-state")).includes("Sent"));
      await fits("the thread after a reply");
      await screenshot(world, "admin-05-phone-thread");
      await page.locator("#nav-dashboard").click();
      await page.locator("#dash-traffic svg").waitFor({ state: "attached", timeout: WAIT_MS });
      await fits("the dashboard");
      await screenshot(world, "admin-06-phone-dashboard");
      await page.locator("#nav-admin").click();
      await page.locator("#dead-letter-list .dead-letter").first().waitFor({ state: "visible", timeout: WAIT_MS });
      await page.locator("#dead-letter-list details summary").first().click();
      await fits("the admin view");
      await screenshot(world, "admin-07-phone-admin");
      await page.setViewportSize(DESKTOP);
    },
  ],
  [
    "no script error and no CSP violation in the admin run",
    async (world) => {
      assert(world.pageErrors.length === 0, `page errors: ${world.pageErrors.join(" | ")}`);
    },
  ],
];

/** Runs every step in order; once one fails, the rest are reported as skipped. */
export async function runConsoleAdminSpec(ctx: ConsoleTestContext): Promise<StepResult[]> {
  const page = await ctx.browser.newPage();
  await page.setViewportSize(DESKTOP);
  const axeSource = readFileSync(join(ctx.repoRoot, "node_modules/axe-core/axe.min.js"), "utf8");
  await page.route(`${ctx.baseUrl}${AXE_PATH}`, (route) => route.fulfill({ status: 200, contentType: "text/javascript", body: axeSource }));
  const world: World = {
    ctx,
    page,
    ownerKey: "",
    adminKey: "",
    agentKey: "",
    channelId: "",
    heldEndpointId: "",
    failingEndpointId: "",
    deadLetterId: "",
    ticketId: "",
    ruleSaves: [],
    pageErrors: [],
  };
  page.on("pageerror", (error) => world.pageErrors.push(error.message));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) world.pageErrors.push(message.text());
  });
  page.on("request", (request) => {
    if (request.method() === "PUT" && new URL(request.url()).pathname === "/v1/rules")
      world.ruleSaves.push(request.headers()["if-match"] ?? "");
  });

  const results = await runSteps(world, steps, "admin-failure");
  await page.close().catch(() => undefined);
  return results;
}
