import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import type { ConsoleTestContext, StepResult } from "./console.spec.ts";
import { api, assert, runSteps, screenshot, signAndPostTikTok, WAIT_MS, waitUntil } from "./kit.ts";

const APP_KEY = "6fakeappkey02";
const APP_SECRET = "f1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0";
const DESKTOP = { width: 1280, height: 800 };
const BASE_TITLE = "Switchboard · Agent console";
const ORDER_ID = "576700112233445566";
const CANNED = [
  { title: "Order on its way", text: "Hi {{contact.name}}, order {{order.id}} is on its way. — {{agent.name}}" },
  { title: "Coupon", text: "Sorry {{contact.name}}! Here is a coupon: {{coupon.code}}" },
];

interface World {
  ctx: ConsoleTestContext;
  page: Page;
  adminKey: string;
  agentKey: string;
  agentId: string;
  channelId: string;
  /** The first buyer's ticket (Linh, names an order). */
  firstTicketId: string;
  firstThreadId: string;
  pageErrors: string[];
}

/* ---------------------------------------------------------------- helpers */

/** A TikTok Shop buyer message, signed as TikTok signs it, from a buyer with a display name. */
async function buyerWrites(
  world: World,
  text: string,
  thread: { conversationId: string; buyerId: string; nickname: string },
): Promise<void> {
  const fixture = JSON.parse(readFileSync(join(world.ctx.repoRoot, "test/fixtures/tiktok/new-message-text.json"), "utf8"));
  const now = Math.floor(Date.now() / 1000);
  const messageId = `${thread.conversationId}${Math.floor(Math.random() * 1e6)}`;
  fixture.timestamp = now;
  fixture.tts_notification_id = `9${messageId}`;
  fixture.data.conversation_id = thread.conversationId;
  fixture.data.sender.im_user_id = thread.buyerId;
  fixture.data.sender.nickname = thread.nickname;
  fixture.data.message_id = messageId;
  fixture.data.create_time = now;
  fixture.data.content = JSON.stringify({ content: text });
  const body = JSON.stringify(fixture);
  await signAndPostTikTok(world, world.channelId, { key: APP_KEY, secret: APP_SECRET }, body);
}

let buyers = 0;
function newBuyer(nickname: string) {
  buyers += 1;
  const stamp = `${Date.now()}${buyers}`;
  return { conversationId: `7380${stamp}`, buyerId: `7191${stamp}`, nickname };
}

/** Texts the fake TikTok API was asked to send to this conversation. */
function sentTo(world: World, threadId: string): string[] {
  return world.ctx.fake.requests
    .filter((r) => r.method === "POST" && r.path === `/customer_service/202309/conversations/${threadId}/messages`)
    .map((r) => JSON.parse(JSON.parse(r.body).content).content as string);
}

async function notifications(page: Page): Promise<{ title: string; body: string }[]> {
  return (await page.evaluate("window.__notifications")) as { title: string; body: string }[];
}

async function openTickets(world: World): Promise<{ id: string; conversationId: string; updatedAt: string }[]> {
  return (
    await api<{ data: { id: string; conversationId: string; updatedAt: string }[] }>(
      world,
      "GET",
      "/v1/tickets?status=open",
      world.agentKey,
    )
  ).json.data;
}

/** The ticket list's ids, top to bottom. */
async function listedTickets(page: Page): Promise<string[]> {
  return (await page.evaluate(`Array.from(document.querySelectorAll("#ticket-list .ticket"), (item) => item.dataset.key)`)) as string[];
}

async function activeId(page: Page): Promise<string> {
  return (await page.evaluate("document.activeElement ? document.activeElement.id : ''")) as string;
}

/** Stands in for window.Notification: records each one; the permission is the browser's. */
const CAPTURE_NOTIFICATIONS = `
  window.__notifications = [];
  const RealNotification = window.Notification;
  class RecordedNotification {
    constructor(title, options) {
      window.__notifications.push({ title, body: (options && options.body) || "" });
      this.title = title;
    }
    static get permission() { return RealNotification.permission; }
    static requestPermission() { return RealNotification.requestPermission(); }
    close() {}
  }
  window.Notification = RecordedNotification;
`;

/* ---------------------------------------------------------------- steps */

type Step = [name: string, run: (world: World) => Promise<void>];

const steps: Step[] = [
  [
    "a workspace with canned replies and an agent (through the API); notifications allowed for the console",
    async (world) => {
      const workspace = await api<{ apiKey: string }>(world, "POST", "/v1/workspaces", world.ctx.adminToken, { name: "Team night shop" });
      assert(workspace.status === 201, `POST /v1/workspaces answered ${workspace.status}`);
      world.adminKey = workspace.json.apiKey;
      const agent = await api<{ id: string; apiKey: string }>(world, "POST", "/v1/agents", world.adminKey, { name: "Lan", role: "agent" });
      assert(agent.status === 201, `POST /v1/agents answered ${agent.status}`);
      world.agentKey = agent.json.apiKey;
      world.agentId = agent.json.id;
      const channel = await api<{ id: string }>(world, "POST", "/v1/channels", world.adminKey, {
        platform: "tiktok",
        name: "Night shop on TikTok",
        credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: "tok", shopCipher: "cipher" },
      });
      assert(channel.status === 201, `POST /v1/channels answered ${channel.status}`);
      world.channelId = channel.json.id;
      const saved = await api(world, "PATCH", "/v1/settings", world.adminKey, { cannedReplies: CANNED });
      assert(saved.status === 200, `PATCH /v1/settings answered ${saved.status}: ${JSON.stringify(saved.json)}`);
      await world.ctx.browser.grantPermissions(["notifications"], { origin: world.ctx.baseUrl });
    },
  ],
  [
    "the agent signs in: no count in the title yet, desktop alerts on, sound off by default",
    async (world) => {
      const { page } = world;
      await page.goto(`${world.ctx.baseUrl}/console/?pageSize=2`, { timeout: WAIT_MS });
      await page.locator("#api-key").fill(world.agentKey);
      await page.locator("#signin-submit").click();
      await page.locator("#tickets-view").waitFor({ state: "visible", timeout: WAIT_MS });
      await waitUntil("the agent's name", async () => (await page.locator("#who").textContent()) === "Lan · agent");
      await waitUntil("the first poll", async () => ((await page.locator("#updated").textContent()) ?? "").startsWith("updated"));
      assert((await page.title()) === BASE_TITLE, `the title with no tickets: "${await page.title()}"`);
      assert((await page.locator("#alerts-state").textContent()) === "Desktop alerts on", "the granted permission is not shown");
      assert(!(await page.locator("#alerts-enable").isVisible()), "the permission button shows although alerts are allowed");
      assert(!(await page.locator("#sound-toggle").isChecked()), "the sound is on by default");
      // Turning the tone on makes it in WebAudio at once (a confirmation), without an error.
      await page.locator("#sound-toggle").check();
      await waitUntil("the sound switch on", async () =>
        ((await page.locator("#sound-switch").getAttribute("class")) ?? "").includes("on"),
      );
      await page.locator("#sound-toggle").uncheck();
      assert(!((await page.locator("#sound-switch").getAttribute("class")) ?? "").includes(" on"), "the sound switch stays on");
      assert((await notifications(page)).length === 0, "a notification came with nothing new");
    },
  ],
  [
    "a new escalation puts (1) in the title and raises a desktop notification naming the buyer",
    async (world) => {
      const { page } = world;
      const linh = newBuyer("Linh");
      world.firstThreadId = linh.conversationId;
      await buyerWrites(world, `This is a scam, order ${ORDER_ID} never arrived!!! 😡`, linh);
      await waitUntil("the title count", async () => (await page.title()) === `(1) ${BASE_TITLE}`, 20_000);
      await waitUntil("a notification", async () => (await notifications(page)).length === 1);
      const [shown] = await notifications(page);
      assert(shown?.title === "New escalation: Linh", `the notification: ${JSON.stringify(shown)}`);
      const [ticket] = await openTickets(world);
      world.firstTicketId = ticket?.id ?? "";
      assert(world.firstTicketId, "the API lists no open ticket");
    },
  ],
  [
    "no notification while the agent is typing a reply; the title still counts",
    async (world) => {
      const { page } = world;
      await page.locator(`#ticket-list .ticket[data-key="${world.firstTicketId}"] .ticket-link`).click();
      await page.locator("#thread").waitFor({ state: "visible", timeout: WAIT_MS });
      await page.locator("#reply-text").click();
      await page.keyboard.type("Let me check that for y");
      await buyerWrites(world, "Worst shop ever, I want my money back!!", newBuyer("Minh"));
      await waitUntil("the second ticket in the title", async () => (await page.title()) === `(2) ${BASE_TITLE}`, 20_000);
      await page.waitForTimeout(1500); // the next ticks, which would announce anything held back
      const shown = await notifications(page);
      assert(shown.length === 1, `a notification came while typing: ${JSON.stringify(shown)}`);
      assert((await activeId(page)) === "reply-text", "the focus left the reply box");
      await page.locator("#reply-text").fill("");
    },
  ],
  [
    "the list pages: with two a page, a third ticket brings 'Load more' and (2+) in the title",
    async (world) => {
      const { page } = world;
      await page.locator("#reply-text").blur();
      await buyerWrites(world, "This is terrible, nobody answers me!!", newBuyer("Hoa"));
      await waitUntil("the load-more button", async () => page.locator("#tickets-more-button").isVisible(), 20_000);
      assert((await page.locator("#ticket-list .ticket").count()) === 2, "more than a page is listed");
      await waitUntil("(2+) in the title", async () => (await page.title()) === `(2+) ${BASE_TITLE}`);
      await waitUntil("the third ticket's notification", async () => (await notifications(page)).length === 2);
      await page.locator("#tickets-more-button").click();
      await waitUntil("three tickets listed", async () => (await page.locator("#ticket-list .ticket").count()) === 3);
      await waitUntil("the button gone", async () => !(await page.locator("#tickets-more-button").isVisible()));
      await waitUntil("(3) in the title", async () => (await page.title()) === `(3) ${BASE_TITLE}`);
      const listed = await listedTickets(page);
      const api3 = (await openTickets(world)).map((t) => t.id);
      assert(JSON.stringify([...listed].sort()) === JSON.stringify([...api3].sort()), `listed ${listed}, the API has ${api3}`);
      await page.waitForTimeout(1000);
      assert((await notifications(page)).length === 2, "a ticket loaded by 'Load more' was announced as new");
      await screenshot(world, "team-01-paged");
    },
  ],
  [
    "a canned reply is filled with the buyer's name, the order and the agent; an unknown variable stays visible",
    async (world) => {
      const { page } = world;
      await page.locator(`#ticket-list .ticket[data-key="${world.firstTicketId}"] .ticket-link`).click();
      await waitUntil("the first buyer's thread", async () => ((await page.locator("#thread-title").textContent()) ?? "") === "Linh");
      const context = await api<{ conversationId: string; context: { orderId: string | null } }>(
        world,
        "GET",
        `/v1/tickets/${world.firstTicketId}`,
        world.agentKey,
      );
      assert(context.json.context.orderId === ORDER_ID, `the ticket's order: ${JSON.stringify(context.json.context)}`);
      await page.locator("#canned-select").selectOption({ label: "Coupon" });
      assert((await page.locator("#reply-text").inputValue()) === "Sorry Linh! Here is a coupon: {{coupon.code}}", "the coupon reply");
      await page.locator("#reply-unfilled").waitFor({ state: "visible", timeout: WAIT_MS });
      assert(
        ((await page.locator("#reply-unfilled").textContent()) ?? "").includes("{{coupon.code}}"),
        "the unfilled variable is not named",
      );
      await page.locator("#reply-text").fill("");
      await waitUntil("the warning gone", async () => !(await page.locator("#reply-unfilled").isVisible()));
      await page.locator("#canned-select").selectOption({ label: "Order on its way" });
      const filled = `Hi Linh, order ${ORDER_ID} is on its way. — Lan`;
      assert((await page.locator("#reply-text").inputValue()) === filled, `filled: ${await page.locator("#reply-text").inputValue()}`);
      assert((await activeId(page)) === "reply-text", "the reply box does not have the focus after inserting");
      await page.keyboard.press("Control+Enter");
      await page.locator("#reply-state.reply-sent").waitFor({ state: "visible", timeout: WAIT_MS });
      assert(sentTo(world, world.firstThreadId).includes(filled), `TikTok received ${JSON.stringify(sentTo(world, world.firstThreadId))}`);
      const path = `/v1/conversations/${context.json.conversationId}/messages`;
      const messages = await api<{ data: { direction: string; text: string }[] }>(world, "GET", path, world.agentKey);
      assert(
        messages.json.data.some((m) => m.direction === "outbound" && m.text === filled),
        "the conversation's messages lack the filled reply",
      );
    },
  ],
  [
    "keyboard only: j/k move through the tickets, r, typing (j stays text), Ctrl+Enter sends, Esc, a assigns to me, e resolves",
    async (world) => {
      const { page } = world;
      await page.locator("#reply-text").focus();
      await page.keyboard.press("Escape");
      await waitUntil(
        "the focus back on the ticket",
        async () => (await page.evaluate("document.activeElement?.className")) === "ticket-link",
      );
      // The answered ticket sorts below the waiting ones once a poll sees the reply: from then on the order holds.
      await waitUntil("the answered ticket at the bottom of the list", async () => {
        const sla = await page.locator(`#ticket-list .ticket[data-key="${world.firstTicketId}"] .sla`).textContent();
        return sla === "answered" && (await listedTickets(page)).at(-1) === world.firstTicketId;
      });
      const order = await listedTickets(page);
      const target = order.at(-2) ?? "";
      assert(target, `too few tickets listed: ${JSON.stringify(order)}`);
      await page.keyboard.press("j"); // already the last: stays
      await page.keyboard.press("k");
      await waitUntil("k: the ticket above", async () => page.url().endsWith(`#/tickets/${target}`));
      await page.keyboard.press("j");
      await waitUntil("j: back down", async () => page.url().endsWith(`#/tickets/${world.firstTicketId}`));
      await page.keyboard.press("k");
      await waitUntil("k: up again", async () => page.url().endsWith(`#/tickets/${target}`));
      await page.locator("#thread").waitFor({ state: "visible", timeout: WAIT_MS });
      await waitUntil("its thread drawn", async () => ((await page.locator("#thread-title").textContent()) ?? "") !== "Linh");

      await page.keyboard.press("r");
      assert((await activeId(page)) === "reply-text", "r did not focus the reply box");
      const reply = "Just checking: j and k stay letters here.";
      await page.keyboard.type(reply);
      assert(page.url().endsWith(`#/tickets/${target}`), "a j typed in the reply box moved to another ticket");
      const thread = (await api<{ conversationId: string }>(world, "GET", `/v1/tickets/${target}`, world.agentKey)).json.conversationId;
      const conversation = await api<{ platformThreadId: string }>(world, "GET", `/v1/conversations/${thread}`, world.agentKey);
      await page.keyboard.press("Control+Enter");
      await page.locator("#reply-state.reply-sent").waitFor({ state: "visible", timeout: WAIT_MS });
      assert(sentTo(world, conversation.json.platformThreadId).includes(reply), "the keyboard reply did not reach TikTok");

      await page.keyboard.press("Escape");
      await page.keyboard.press("a");
      await waitUntil(
        "assigned to the agent",
        async () =>
          (await api<{ assignee: string | null }>(world, "GET", `/v1/tickets/${target}`, world.agentKey)).json.assignee === world.agentId,
      );
      await waitUntil("the action's outcome", async () => (await page.locator("#action-state").textContent()) === "Assigned to you.");
      await page.keyboard.press("e");
      await waitUntil(
        "resolved",
        async () => (await api<{ status: string }>(world, "GET", `/v1/tickets/${target}`, world.agentKey)).json.status === "resolved",
      );
      await waitUntil(
        "the ticket leaves the list",
        async () => (await page.locator(`#ticket-list .ticket[data-key="${target}"]`).count()) === 0,
      );
      await waitUntil("(2) in the title", async () => (await page.title()) === `(2) ${BASE_TITLE}`);
    },
  ],
  [
    "? opens the shortcuts sheet as a modal dialog with the focus inside; Esc closes it and gives the focus back",
    async (world) => {
      const { page } = world;
      await page.locator("#search-q").focus();
      await page.keyboard.press("?");
      assert(!(await page.locator("#shortcuts-help").isVisible()), "? typed in the search box opened the sheet");
      await page.locator("#search-q").fill("");
      await page.keyboard.press("Escape");
      await page.locator("#shortcuts-open").focus();
      await page.keyboard.press("?");
      await page.locator("#shortcuts-help").waitFor({ state: "visible", timeout: WAIT_MS });
      assert((await page.evaluate("document.querySelector('#shortcuts-help').open")) === true, "the dialog is not open");
      assert((await page.evaluate("document.querySelector('#shortcuts-help').matches(':modal')")) === true, "the dialog is not modal");
      assert((await activeId(page)) === "shortcuts-close", "the focus is not in the sheet");
      const listed = (await page.locator("#shortcuts-list").textContent()) ?? "";
      for (const key of ["j", "k", "r", "e", "a", "/", "?", "Ctrl + Enter"]) assert(listed.includes(key), `the sheet lacks ${key}`);
      await screenshot(world, "team-02-shortcuts");
      await page.keyboard.press("Escape");
      await waitUntil("the sheet closed", async () => !(await page.locator("#shortcuts-help").isVisible()));
      assert((await activeId(page)) === "shortcuts-open", "the focus did not come back");
      await page.keyboard.press("/");
      await waitUntil("/ to focus the search", async () => (await activeId(page)) === "search-q", 2000);
      await page.waitForTimeout(300); // nothing queued (the dialog's close) may take the focus back
      assert((await activeId(page)) === "search-q", "the focus left the search box after /");
      assert((await page.locator("#search-q").inputValue()) === "", "/ was typed into the search box");
    },
  ],
  [
    "an SLA breach is announced when the countdown crosses it",
    async (world) => {
      const { page } = world;
      const patched = await api(world, "PATCH", "/v1/settings", world.adminKey, { responseWindowSeconds: 15 });
      assert(patched.status === 200, `PATCH /v1/settings answered ${patched.status}`);
      try {
        const before = (await notifications(page)).length;
        await buyerWrites(world, "Scam!! Where is my refund?! Answer me!!", newBuyer("Quang"));
        await waitUntil(
          "the new escalation",
          async () => (await notifications(page)).slice(before).some((n) => n.title === "New escalation: Quang"),
          20_000,
        );
        await waitUntil(
          "the breach",
          async () => (await notifications(page)).slice(before).some((n) => n.title === "SLA breached: Quang"),
          30_000,
        );
      } finally {
        await api(world, "PATCH", "/v1/settings", world.adminKey, { responseWindowSeconds: 43200 });
      }
    },
  ],
  [
    "filters: 'assigned to me' and 'unassigned' list what the API lists for them; a channel keeps them",
    async (world) => {
      const { page } = world;
      const assigned = await api(world, "PATCH", `/v1/tickets/${world.firstTicketId}`, world.agentKey, { assignee: "me" });
      assert(assigned.status === 200, `PATCH /v1/tickets answered ${assigned.status}`);
      const expect = async (query: string) => {
        const ids: string[] = [];
        for (const status of ["open", "pending"]) {
          const path = `/v1/tickets?status=${status}${query}&limit=200`;
          ids.push(...(await api<{ data: { id: string }[] }>(world, "GET", path, world.agentKey)).json.data.map((t) => t.id));
        }
        return JSON.stringify(ids.sort());
      };
      const listedSorted = async () => JSON.stringify([...(await listedTickets(page))].sort());
      const title = await page.title();
      await page.locator("#find-assignee").selectOption("me");
      const mine = await expect("&assignee=me");
      assert(mine === JSON.stringify([world.firstTicketId]), `the API's tickets assigned to me: ${mine}`);
      await waitUntil("only the agent's ticket listed", async () => (await listedSorted()) === mine);
      await page.waitForTimeout(500); // a poll: the title still counts every open ticket
      assert((await page.title()) === title, `the title under a filter: "${await page.title()}", before "${title}"`);
      await page.locator("#find-assignee").selectOption("none");
      const unassigned = await expect("&assignee=none");
      assert(unassigned !== "[]" && !unassigned.includes(world.firstTicketId), `the API's unassigned tickets: ${unassigned}`);
      await waitUntil("the unassigned tickets listed", async () => (await listedSorted()) === unassigned);
      await waitUntil(
        "the channel offered",
        async () => (await page.locator(`#find-channel option[value="${world.channelId}"]`).count()) === 1,
      );
      await page.locator("#find-channel").selectOption(world.channelId);
      const both = await expect(`&assignee=none&channelId=${world.channelId}`);
      assert(both === unassigned, `one channel only, yet the API differs: ${both} and ${unassigned}`);
      await page.waitForTimeout(500);
      await waitUntil("the same tickets on the one channel", async () => (await listedSorted()) === both);
      // Sentiment filters the loaded tickets, and says so.
      await page.locator("#find-sentiment").selectOption("positive");
      await waitUntil("the note on the loaded tickets", async () =>
        ((await page.locator("#find-note").textContent()) ?? "").includes("Filtering the"),
      );
      await page.locator("#find-clear").click();
      // Every page already asked for with "Load more" is read; "Load more" reads any beyond.
      await waitUntil("every open ticket again", async () => {
        const more = page.locator("#tickets-more-button");
        if ((await more.isVisible()) && (await more.isEnabled())) await more.click();
        return (await listedSorted()) === (await expect(""));
      });
      await screenshot(world, "team-03-filters");
    },
  ],
  [
    "the resolved filter shows the ticket resolved with e; a ticket resolved now appears there too",
    async (world) => {
      const { page } = world;
      const unassigned = (await api<{ data: { id: string }[] }>(world, "GET", "/v1/tickets?status=open&assignee=none", world.agentKey)).json
        .data;
      const next = unassigned[0]?.id ?? "";
      assert(next, "no open unassigned ticket left to resolve");
      await page.locator("#find-status").selectOption("resolved");
      const resolved = async () =>
        (await api<{ data: { id: string }[] }>(world, "GET", "/v1/tickets?status=resolved&limit=200", world.agentKey)).json.data.map(
          (t) => t.id,
        );
      const before = await resolved();
      assert(before.length === 1, `the API's resolved tickets: ${JSON.stringify(before)}`);
      await waitUntil("the resolved ticket listed", async () => JSON.stringify(await listedTickets(page)) === JSON.stringify(before));
      const done = await api(world, "PATCH", `/v1/tickets/${next}`, world.agentKey, { status: "resolved" });
      assert(done.status === 200, `PATCH /v1/tickets answered ${done.status}`);
      await waitUntil("the newly resolved ticket listed", async () => (await listedTickets(page)).includes(next), 20_000);
      await page.locator("#find-status").selectOption("active");
      await waitUntil("it is gone from the open list", async () => {
        const listed = await listedTickets(page);
        return listed.length > 0 && !listed.includes(next);
      });
    },
  ],
  [
    "the buyer's page, from the thread: the contact, its conversation linking to the ticket, and a name match",
    async (world) => {
      const { page } = world;
      const namesake = newBuyer("Linh");
      await buyerWrites(world, "Hello, do you have this in blue?", namesake);
      const ticket = (await api<{ contactId: string }>(world, "GET", `/v1/tickets/${world.firstTicketId}`, world.agentKey)).json;
      const contact = (await api<{ platformUserId: string }>(world, "GET", `/v1/contacts/${ticket.contactId}`, world.agentKey)).json;
      await waitUntil("the namesake's conversation stored", async () => {
        const found = await api<{ data: { contactId: string }[] }>(world, "GET", "/v1/conversations?q=Linh", world.agentKey);
        return found.json.data.some((c) => c.contactId !== ticket.contactId);
      });
      await page.goto(`${world.ctx.baseUrl}/console/?pageSize=2#/tickets/${world.firstTicketId}`, { timeout: WAIT_MS });
      await waitUntil("the thread", async () => ((await page.locator("#thread-title").textContent()) ?? "") === "Linh");
      await page.locator("#thread-buyer").click();
      await waitUntil("the buyer's page", async () => page.url().endsWith(`#/buyers/${ticket.contactId}`));
      await page.locator("#buyers-view").waitFor({ state: "visible", timeout: WAIT_MS });
      await waitUntil("the buyer's name", async () => (await page.locator("#buyer-title").textContent()) === "Linh");
      const facts = (await page.locator("#buyer-facts").textContent()) ?? "";
      assert(facts.includes(contact.platformUserId), `the facts lack the platform user id: ${facts}`);
      assert(facts.includes("Night shop on TikTok"), `the facts lack the channel: ${facts}`);
      await waitUntil(
        "the conversation linking to its ticket",
        async () => (await page.locator(`#buyer-conversations a[href="#/tickets/${world.firstTicketId}"]`).count()) === 1,
      );
      await waitUntil("the name match", async () => (await page.locator("#buyer-namesakes a[href^='#/buyers/']").count()) === 1);
      const match = (await page.locator("#buyer-namesakes").textContent()) ?? "";
      assert(match.includes(namesake.buyerId), `the name match does not show the other contact: ${match}`);
      await screenshot(world, "team-04-buyer");
      await page.locator(`#buyer-conversations a[href="#/tickets/${world.firstTicketId}"]`).click();
      await waitUntil("back on the ticket", async () => page.locator("#thread").isVisible());
    },
  ],
  [
    "at 375 px the filters fit the screen",
    async (world) => {
      const { page } = world;
      await page.setViewportSize({ width: 375, height: 740 });
      try {
        await page.locator("#find-status").waitFor({ state: "visible", timeout: WAIT_MS });
        const wide = (await page.evaluate("document.querySelector('#find-form').scrollWidth")) as number;
        assert(wide <= 375, `the filters are ${wide} px wide`);
        for (const id of ["find-status", "find-channel", "find-assignee", "find-sla", "find-sentiment", "find-tag"]) {
          const box = await page.locator(`#${id}`).boundingBox();
          assert(box && box.x >= 0 && box.x + box.width <= 375, `#${id} is off the screen: ${JSON.stringify(box)}`);
        }
        await screenshot(world, "team-05-filters-375");
      } finally {
        await page.setViewportSize(DESKTOP);
      }
    },
  ],
  [
    "no script error and no CSP violation",
    async (world) => {
      assert(world.pageErrors.length === 0, `page errors: ${world.pageErrors.join(" | ")}`);
    },
  ],
];

/** Runs every step in order; once one fails, the rest are reported as skipped. */
export async function runTeamSpec(ctx: ConsoleTestContext): Promise<StepResult[]> {
  const page = await ctx.browser.newPage();
  await page.setViewportSize(DESKTOP);
  await page.addInitScript(CAPTURE_NOTIFICATIONS);
  const world: World = {
    ctx,
    page,
    adminKey: "",
    agentKey: "",
    agentId: "",
    channelId: "",
    firstTicketId: "",
    firstThreadId: "",
    pageErrors: [],
  };
  page.on("pageerror", (error) => world.pageErrors.push(error.message));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) world.pageErrors.push(message.text());
  });

  const results = await runSteps(world, steps, "team-failure");
  await page.close().catch(() => undefined);
  return results;
}
