/**
 * The agent console in a real browser, against a real `wrangler dev`: sign in, an escalation
 * arriving without a reload, the thread and its context, replies (sent, pending, refused),
 * assign and resolve, live-sale mode, channels and endpoints (a channel needing attention),
 * a WhatsApp thread's reply-window countdown, the phone layout, sign-out and a rejected key.
 * Run by scripts/browser-test.ts, which starts the worker, the fake TikTok Shop API and
 * Chromium and hands them over in `ConsoleTestContext`.
 *
 * Steps run in order and build on each other; after the first failure the rest are skipped.
 * Code that runs in the page is passed as strings: this file is type-checked without the DOM.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { api, assert, runSteps, screenshot, signAndPostTikTok, WAIT_MS, waitUntil } from "./kit.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

export interface ConsoleTestContext {
  /** The worker, e.g. http://127.0.0.1:8799 */
  baseUrl: string;
  adminToken: string;
  browser: BrowserContext;
  /** The fake TikTok Shop API (TIKTOK_API_BASE), which also receives the endpoint's deliveries at /hooks. */
  fake: { origin: string; requests: RecordedRequest[] };
  screenshotDir: string;
  repoRoot: string;
}

import type { StepResult } from "./kit.ts";

export type { StepResult };

const APP_KEY = "6fakeappkey01";
const APP_SECRET = "e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0";
const COMPLAINT = "This is a scam, my order never arrived!!! 😡";
const MARKUP = `<img src=x onerror="window.__injected=1"><b>still here?</b>`;
const REPLY = "So sorry about this! I am checking with the carrier right now.";
const BUSY_REPLY = "[busy] Give me a moment please.";
const AGENT = "Ana";
/** A WhatsApp channel for the reply window; its number id is the fixture's. */
const WHATSAPP = {
  appSecret: "5c8e1a7f2b9d4e6a0c3f8b1d7e2a9c4f",
  verifyToken: "browser-test-verify-token",
  accessToken: "EAAbrowserTestToken",
  phoneNumberId: "106540352242922",
};
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 375, height: 812 };

/** What the steps share. */
interface World {
  ctx: ConsoleTestContext;
  page: Page;
  apiKey: string;
  /** The workspace's first agent, whose key `apiKey` is. */
  ownerId: string;
  channelId: string;
  endpointId: string;
  conversationThreadId: string;
  ticketId: string;
  /** A second buyer's ticket, opened after the first: it must list below it. */
  laterTicketId: string;
  /** Main-frame navigations since the console was opened: polling must never add one. */
  navigations: number;
  /** Requests the page made to /v1. */
  apiCalls: number;
  pageErrors: string[];
  offHost: string[];
}

/* ---------------------------------------------------------------- helpers */

async function settings(world: World): Promise<{ liveSale: { enabled: boolean } }> {
  return (await api<{ liveSale: { enabled: boolean } }>(world, "GET", "/v1/settings", world.apiKey)).json;
}

/**
 * A TikTok Shop "new message" notification shaped like the fixture, signed as TikTok signs it.
 * Without `thread` it continues the first buyer's conversation.
 */
async function sendTikTokMessage(
  world: World,
  text: string,
  messageId: string,
  thread?: { conversationId: string; buyerId: string },
): Promise<void> {
  const fixture = JSON.parse(readFileSync(join(world.ctx.repoRoot, "test/fixtures/tiktok/new-message-text.json"), "utf8"));
  const now = Math.floor(Date.now() / 1000);
  fixture.timestamp = now;
  fixture.tts_notification_id = `9${messageId}`;
  fixture.data.conversation_id = thread?.conversationId ?? world.conversationThreadId;
  if (thread) fixture.data.sender.im_user_id = thread.buyerId;
  fixture.data.message_id = messageId;
  fixture.data.create_time = now;
  fixture.data.content = JSON.stringify({ content: text });
  const body = JSON.stringify(fixture);
  await signAndPostTikTok(world, world.channelId, { key: APP_KEY, secret: APP_SECRET }, body);
}

/** Signs and posts `body` as TikTok Shop would, to `channelId`'s webhook. */
async function postSignedTikTok(world: World, channelId: string, body: string): Promise<void> {
  await signAndPostTikTok(world, channelId, { key: APP_KEY, secret: APP_SECRET }, body);
}

/** A WhatsApp Cloud API text message shaped like the fixture, sent at `sentAtSeconds` and signed as Meta signs it. */
async function sendWhatsAppMessage(world: World, channelId: string, text: string, sentAtSeconds: number): Promise<void> {
  const fixture = JSON.parse(readFileSync(join(world.ctx.repoRoot, "test/fixtures/whatsapp/text-message.json"), "utf8"));
  const message = fixture.entry[0].changes[0].value.messages[0];
  message.id = `wamid.browser${sentAtSeconds}`;
  message.timestamp = String(sentAtSeconds);
  message.text.body = text;
  const body = JSON.stringify(fixture);
  const signature = `sha256=${createHmac("sha256", WHATSAPP.appSecret).update(body).digest("hex")}`;
  const response = await fetch(`${world.ctx.baseUrl}/webhooks/whatsapp/${channelId}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": signature },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  assert(response.status === 200, `the WhatsApp webhook answered ${response.status}: ${await response.text()}`);
}

/** The texts the fake TikTok API was asked to send, in order. */
function sentTexts(world: World): string[] {
  return world.ctx.fake.requests
    .filter((r) => r.method === "POST" && /^\/customer_service\/202309\/conversations\/[^/]+\/messages$/.test(r.path))
    .map((r) => JSON.parse(JSON.parse(r.body).content).content as string);
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent({ timeout: WAIT_MS })) ?? "";
}

async function visible(page: Page, selector: string): Promise<boolean> {
  return page.locator(selector).isVisible();
}

/** Headless Chromium is always visible: pretend otherwise, the way a background tab would be. */
async function setVisibility(page: Page, value: "hidden" | "visible"): Promise<void> {
  await page.evaluate(
    `Object.defineProperty(document, "visibilityState", { value: "${value}", configurable: true }); document.dispatchEvent(new Event("visibilitychange"))`,
  );
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.locator("#api-key").fill(key);
  await page.locator("#signin-submit").click();
}

/* ---------------------------------------------------------------- steps */

type Step = [name: string, run: (world: World) => Promise<void>];

const steps: Step[] = [
  [
    "a workspace, a TikTok Shop channel and an endpoint exist (through the API)",
    async (world) => {
      const workspace = await api<{ apiKey: string }>(world, "POST", "/v1/workspaces", world.ctx.adminToken, { name: "Browser test shop" });
      assert(workspace.status === 201, `POST /v1/workspaces answered ${workspace.status}`);
      world.apiKey = workspace.json.apiKey;
      // The workspace's key is its Owner's, an admin: named as the agent using the console.
      const me = await api<{ id: string }>(world, "GET", "/v1/me", world.apiKey);
      world.ownerId = me.json.id;
      const renamed = await api(world, "PATCH", `/v1/agents/${world.ownerId}`, world.apiKey, { name: AGENT });
      assert(renamed.status === 200, `PATCH /v1/agents/:id answered ${renamed.status}`);
      const channel = await api<{ id: string }>(world, "POST", "/v1/channels", world.apiKey, {
        platform: "tiktok",
        name: "Acme on TikTok",
        credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: "tok", shopCipher: "cipher" },
      });
      assert(channel.status === 201, `POST /v1/channels answered ${channel.status}`);
      world.channelId = channel.json.id;
      const endpoint = await api<{ id: string }>(world, "POST", "/v1/endpoints", world.apiKey, {
        url: `${world.ctx.fake.origin}/hooks`,
        description: "Test receiver",
      });
      assert(endpoint.status === 201, `POST /v1/endpoints answered ${endpoint.status}: ${JSON.stringify(endpoint.json)}`);
      world.endpointId = endpoint.json.id;
    },
  ],
  [
    "the console opens on the sign-in form",
    async (world) => {
      const { page } = world;
      const response = await page.goto(`${world.ctx.baseUrl}/console/`, { timeout: WAIT_MS });
      assert(response?.status() === 200, `GET /console/ answered ${response?.status()}`);
      await page.locator("#signin-form").waitFor({ state: "visible", timeout: WAIT_MS });
      assert(!(await visible(page, "#topbar")), "the top bar shows before signing in");
      await screenshot(world, "01-sign-in");
    },
  ],
  [
    "a wrong key stays on the sign-in form with the API's 401 message",
    async (world) => {
      const { page } = world;
      await signIn(page, "sbk_not_a_real_key");
      await page.locator("#signin-error").waitFor({ state: "visible", timeout: WAIT_MS });
      const message = await text(page, "#signin-error");
      assert(/not valid/.test(message) && /401/.test(message), `unexpected sign-in error: ${message}`);
      assert((await page.evaluate("sessionStorage.length")) === 0, "a rejected key was kept in sessionStorage");
    },
  ],
  [
    "signing in keeps the key in sessionStorage only (no localStorage, no cookie)",
    async (world) => {
      const { page } = world;
      await signIn(page, world.apiKey);
      await page.locator("#tickets-view").waitFor({ state: "visible", timeout: WAIT_MS });
      await waitUntil("who is signed in", async () => (await text(page, "#who")) === `${AGENT} · admin`);
      assert(await visible(page, "#live-sale-switch"), "an admin is not offered the live-sale switch");
      assert(!(await visible(page, "#signin-view")), "the sign-in form is still shown");
      const stored = (await page.evaluate("JSON.stringify(Object.values(sessionStorage))")) as string;
      assert(stored.includes(world.apiKey), "the key is not in sessionStorage");
      assert((await page.evaluate("localStorage.length")) === 0, "something was written to localStorage");
      assert((await page.evaluate("document.cookie")) === "", "a cookie was set");
      assert((await world.ctx.browser.cookies()).length === 0, "the browser holds cookies");
      await waitUntil("the tickets list to load", async () => (await text(page, "#updated")).startsWith("updated"));
      assert(await visible(page, "#tickets-empty"), "the empty state is not shown with no tickets");
    },
  ],
  [
    "a buyer's complaint appears as an escalated ticket without a reload, with a live countdown",
    async (world) => {
      const { page } = world;
      const before = world.navigations;
      await sendTikTokMessage(world, COMPLAINT, `7373${Date.now()}01`);
      await page.locator("#ticket-list .ticket").first().waitFor({ state: "visible", timeout: 20_000 });
      assert(world.navigations === before, "the page navigated (reloaded) while waiting");
      const item = page.locator("#ticket-list .ticket").first();
      const itemText = (await item.textContent()) ?? "";
      assert(itemText.includes("negative sentiment"), `the ticket does not show its reason: ${itemText}`);
      const countdown = item.locator(".sla");
      const first = (await countdown.textContent()) ?? "";
      assert(/^\d+:\d\d h$|^\d\d:\d\d$/.test(first), `the countdown is not h:mm / mm:ss: "${first}"`);
      assert(/sla-(ok|warn)/.test((await countdown.getAttribute("class")) ?? ""), "a fresh ticket's countdown is not in time");
      const listed = await api<{ data: { id: string }[] }>(world, "GET", "/v1/tickets?status=open", world.apiKey);
      world.ticketId = listed.json.data[0]?.id ?? "";
    },
  ],
  [
    "a second buyer's later complaint lists below the first (closest to breaching first)",
    async (world) => {
      const { page } = world;
      await sendTikTokMessage(world, "Worst shop ever, I want my money back!!", `7374${Date.now()}01`, {
        conversationId: `7374${Date.now()}`,
        buyerId: "7190009876543210987",
      });
      await waitUntil("two tickets in the list", async () => (await page.locator("#ticket-list .ticket").count()) === 2, 20_000);
      const items = page.locator("#ticket-list .ticket");
      const keys = [await items.nth(0).getAttribute("data-key"), await items.nth(1).getAttribute("data-key")];
      assert(keys[0] === world.ticketId, `the older ticket is not first: ${JSON.stringify(keys)}`);
      world.laterTicketId = String(keys[1]);
      await screenshot(world, "02-tickets");
    },
  ],
  [
    "opening the ticket shows the thread with its context: negative sentiment, reason, routing",
    async (world) => {
      const { page } = world;
      await page.locator(`#ticket-list .ticket[data-key="${world.ticketId}"] .ticket-link`).click();
      await page.locator("#thread").waitFor({ state: "visible", timeout: WAIT_MS });
      await waitUntil("the complaint in the thread", async () => (await text(page, "#messages")).includes(COMPLAINT));
      const context = await text(page, "#context-list");
      assert(/Sentiment\s*negative/.test(context), `the context does not show sentiment negative: ${context}`);
      assert(context.includes("negative sentiment"), `the context does not show the reason: ${context}`);
      const routing = await text(page, "#messages .message-inbound .routing");
      assert(routing.includes("sentiment negative") && routing.includes("escalate"), `the routing is not shown: ${routing}`);
      assert(page.url().endsWith(`#/tickets/${world.ticketId}`), `the URL does not name the ticket: ${page.url()}`);
      await screenshot(world, "03-thread");
    },
  ],
  [
    "a new message with markup arrives in the open thread as plain text",
    async (world) => {
      const { page } = world;
      await sendTikTokMessage(world, MARKUP, `7373${Date.now()}02`);
      await waitUntil("the second message in the thread", async () => (await text(page, "#messages")).includes(MARKUP));
      assert((await page.locator("#messages img, #messages b").count()) === 0, "message markup was rendered as HTML");
      assert((await page.evaluate("typeof window.__injected")) === "undefined", "an injected handler ran");
      const order = await page.locator("#messages .message-inbound .bubble").allTextContents();
      assert(order[0] === COMPLAINT && order[1] === MARKUP, `messages are not oldest first: ${JSON.stringify(order)}`);
    },
  ],
  [
    "polling keeps the thread's elements, the draft and the focus (no redraw, no flicker)",
    async (world) => {
      const { page } = world;
      const draft = "Half-written answer…";
      await page.locator("#reply-text").fill(draft);
      await page.evaluate(`document.querySelector("#messages .message").dataset.probe = "kept"`);
      const polled = page.waitForResponse((r) => r.url().includes("/messages?") && r.request().method() === "GET", { timeout: WAIT_MS });
      await polled;
      await page.waitForTimeout(300); // the poll's other answers and the redraw
      assert((await page.locator(`#messages .message[data-probe="kept"]`).count()) === 1, "a message element was redrawn by polling");
      assert((await page.locator("#reply-text").inputValue()) === draft, "polling changed the reply box");
      assert((await page.evaluate("document.activeElement && document.activeElement.id")) === "reply-text", "polling took the focus away");
      await page.locator("#reply-text").fill("");
    },
  ],
  [
    "polling pauses while the page is hidden and resumes when it is visible again",
    async (world) => {
      const { page } = world;
      await setVisibility(page, "hidden");
      await page.waitForTimeout(300); // a poll already on its way may still land
      const before = world.apiCalls;
      await page.waitForTimeout(3500); // longer than one polling interval
      assert(world.apiCalls === before, `${world.apiCalls - before} API calls while hidden`);
      assert((await text(page, "#updated")).includes("paused"), "the indicator does not say polling is paused");
      await setVisibility(page, "visible");
      await waitUntil("a poll after becoming visible", () => world.apiCalls > before, 2000);
      await waitUntil("the indicator to resume", async () => !(await text(page, "#updated")).includes("paused"), 2000);
    },
  ],
  [
    "a reply is sent through TikTok Shop (201) and shows as sent",
    async (world) => {
      const { page } = world;
      await page.locator("#reply-text").fill(REPLY);
      await page.locator("#reply-send").click();
      await page.locator("#reply-state.reply-sent").waitFor({ state: "visible", timeout: WAIT_MS });
      assert(sentTexts(world).includes(REPLY), `the fake TikTok API did not receive the reply: ${JSON.stringify(sentTexts(world))}`);
      assert((await page.locator("#reply-text").inputValue()) === "", "the reply box was not cleared");
      await waitUntil("the reply in the thread", async () => (await text(page, "#messages .message-outbound")).includes(REPLY));
      assert((await text(page, "#messages .message-outbound .delivery")).includes("sent"), "the outbound message is not marked sent");
    },
  ],
  [
    "a reply the platform cannot take now is shown as pending (202)",
    async (world) => {
      const { page } = world;
      await page.locator("#reply-text").fill(BUSY_REPLY);
      await page.locator("#reply-send").click();
      await page.locator("#reply-state.reply-pending").waitFor({ state: "visible", timeout: WAIT_MS });
      assert((await text(page, "#reply-state")).includes("Pending"), "the pending state does not say so");
    },
  ],
  [
    "a reply the platform refuses shows its reason (422) and keeps the text",
    async (world) => {
      const { page } = world;
      const tooLong = "x".repeat(2001); // TikTok Shop takes at most 2000 characters: refused, nothing sent
      const sentBefore = sentTexts(world).length;
      await page.locator("#reply-text").fill(tooLong);
      await page.locator("#reply-send").click();
      await page.locator("#reply-state.reply-refused").waitFor({ state: "visible", timeout: WAIT_MS });
      const message = await text(page, "#reply-state");
      assert(message.includes("2000 characters"), `the refusal does not give the platform's reason: ${message}`);
      assert((await page.locator("#reply-text").inputValue()) === tooLong, "the refused text was not kept");
      assert(sentTexts(world).length === sentBefore, "a refused reply reached the platform");
      await page.locator("#reply-text").fill("");
    },
  ],
  [
    "on a 375 px phone the ticket list and the thread stack, without sideways scrolling",
    async (world) => {
      const { page } = world;
      await page.setViewportSize(PHONE);
      await page.locator("#ticket-list .ticket").first().waitFor({ state: "visible", timeout: WAIT_MS });
      const list = await page.locator(".ticket-pane").boundingBox();
      const thread = await page.locator("#thread-pane").boundingBox();
      assert(list && thread, "the panes have no layout");
      assert(
        thread.y >= list.y + list.height - 1,
        `the thread is not below the list (list ends ${list.y + list.height}, thread starts ${thread.y})`,
      );
      assert(list.width <= PHONE.width && thread.width <= PHONE.width, "a pane is wider than the phone");
      const overflow = (await page.evaluate("document.documentElement.scrollWidth")) as number;
      assert(overflow <= PHONE.width, `the page scrolls sideways: ${overflow} px wide`);
      await page.evaluate("window.scrollTo(0, 0)");
      await screenshot(world, "05-phone-tickets");
      await page.setViewportSize(DESKTOP);
    },
  ],
  [
    "a ticket opened under a 1-second window turns red and counts up with a minus sign; the others keep theirs",
    async (world) => {
      const { page } = world;
      const patched = await api(world, "PATCH", "/v1/settings", world.apiKey, { responseWindowSeconds: 1 });
      assert(patched.status === 200, `PATCH /v1/settings answered ${patched.status}`);
      let lateTicketId = "";
      try {
        await sendTikTokMessage(world, "Still nothing?! This is a scam, answer me now!!", `7375${Date.now()}01`, {
          conversationId: `7375${Date.now()}`,
          buyerId: "7190001111222233334",
        });
        await waitUntil("the new ticket to go red", async () => (await page.locator("#ticket-list .sla-late").count()) === 1, 20_000);
        // Each ticket keeps the window its clock started with: the second buyer's is still in time;
        // the first buyer's clock stopped when the agent answered above.
        assert((await page.locator("#ticket-list .ticket").count()) === 3, "the new ticket is not listed");
        const laterClass = (await page.locator(`#ticket-list .ticket[data-key="${world.laterTicketId}"] .sla`).getAttribute("class")) ?? "";
        assert(/sla-(ok|warn)/.test(laterClass), `the second ticket took the new window: ${laterClass}`);
        const firstSla = page.locator(`#ticket-list .ticket[data-key="${world.ticketId}"] .sla`);
        assert((await firstSla.textContent()) === "answered", `the answered ticket shows "${await firstSla.textContent()}"`);
        const late = page.locator("#ticket-list .ticket").first();
        lateTicketId = String(await late.getAttribute("data-key"));
        assert(![world.ticketId, world.laterTicketId].includes(lateTicketId), "the overdue ticket is not listed first");
        await late.locator(".ticket-link").click();
        await waitUntil("the thread's countdown to go red", async () =>
          ((await page.locator("#thread-sla").getAttribute("class")) ?? "").includes("sla-late"),
        );
        assert((await text(page, "#thread-sla")).startsWith("−"), "the overdue countdown has no minus sign");
        await screenshot(world, "07-overdue");
      } finally {
        await api(world, "PATCH", "/v1/settings", world.apiKey, { responseWindowSeconds: 43200 });
        if (lateTicketId) await api(world, "PATCH", `/v1/tickets/${lateTicketId}`, world.apiKey, { status: "resolved" });
      }
      await page.locator(`#ticket-list .ticket[data-key="${world.ticketId}"] .ticket-link`).click();
      await waitUntil("the first ticket's thread again", async () => page.url().endsWith(`#/tickets/${world.ticketId}`));
      await waitUntil("the resolved ticket to leave the list", async () => (await page.locator("#ticket-list .ticket").count()) === 2);
    },
  ],
  [
    "assigning and resolving update the ticket; it leaves the open list",
    async (world) => {
      const { page } = world;
      await page.locator("#assign-me").click();
      await waitUntil("the assignee in the context", async () => (await text(page, "#context-list")).includes(AGENT));
      await waitUntil("the assignee in the list", async () => (await text(page, "#ticket-list")).includes(`→ ${AGENT}`));
      await page.locator("#resolve-button").click();
      await waitUntil("the resolved badge", async () => (await text(page, "#thread-status")) === "resolved");
      await waitUntil(
        "the ticket to leave the list",
        async () => (await page.locator(`#ticket-list .ticket[data-key="${world.ticketId}"]`).count()) === 0,
      );
      assert((await page.locator("#ticket-list .ticket").count()) === 1, "the other ticket left the list too");
      const ticket = await api<{ status: string; assignee: string | null }>(world, "GET", `/v1/tickets/${world.ticketId}`, world.apiKey);
      assert(ticket.json.status === "resolved" && ticket.json.assignee === world.ownerId, `the API has ${JSON.stringify(ticket.json)}`);
      assert(await visible(page, "#reopen-button"), "a resolved ticket offers no reopen");
    },
  ],
  [
    "live-sale mode switches on and off; a ticket opened during the sale gets its 1 h window",
    async (world) => {
      const { page } = world;
      await page.locator("#reopen-button").click();
      await waitUntil(
        "the reopened ticket back in the list",
        async () => (await page.locator(`#ticket-list .ticket[data-key="${world.ticketId}"]`).count()) === 1,
      );
      await page.locator("#live-sale").check();
      await waitUntil("live sale on in the API", async () => (await settings(world)).liveSale.enabled === true);
      let saleTicketId = "";
      try {
        await sendTikTokMessage(world, "Terrible!! my live-sale order never came, I want a refund", `7376${Date.now()}01`, {
          conversationId: `7376${Date.now()}`,
          buyerId: "7190002222333344445",
        });
        const known = [world.ticketId, world.laterTicketId];
        await waitUntil(
          "the live-sale ticket",
          async () => {
            const listed = await api<{ data: { id: string }[] }>(world, "GET", "/v1/tickets?status=open", world.apiKey);
            saleTicketId = listed.json.data.find((t) => !known.includes(t.id))?.id ?? "";
            return saleTicketId !== "" && (await page.locator(`#ticket-list .ticket[data-key="${saleTicketId}"]`).count()) === 1;
          },
          20_000,
        );
        const title = (await page.locator(`#ticket-list .ticket[data-key="${saleTicketId}"] .sla`).getAttribute("title")) ?? "";
        assert(title.includes("1 h window"), `the live-sale ticket's countdown: "${title}"`);
        const laterTitle = (await page.locator(`#ticket-list .ticket[data-key="${world.laterTicketId}"] .sla`).getAttribute("title")) ?? "";
        assert(laterTitle.includes("12 h window"), `a ticket from before the sale changed its window: "${laterTitle}"`);
      } finally {
        await page.locator("#live-sale").uncheck();
        if (saleTicketId) await api(world, "PATCH", `/v1/tickets/${saleTicketId}`, world.apiKey, { status: "resolved" });
      }
      await waitUntil("live sale off in the API", async () => (await settings(world)).liveSale.enabled === false);
      await page.locator("#resolve-button").click();
      await waitUntil("the ticket resolved again", async () => (await text(page, "#thread-status")) === "resolved");
    },
  ],
  [
    "channels and endpoints show the channel and the endpoint's delivery attempts",
    async (world) => {
      const { page } = world;
      await page.locator("#nav-channels").click();
      await page.locator("#channels-view").waitFor({ state: "visible", timeout: WAIT_MS });
      await waitUntil("the channel", async () => (await text(page, "#channel-list")).includes(`/webhooks/tiktok/${world.channelId}`));
      await waitUntil(
        "succeeded delivery attempts",
        async () => (await page.locator("#endpoint-list .attempts .badge-succeeded").count()) > 0,
      );
      assert((await text(page, "#endpoint-list")).includes(`${world.ctx.fake.origin}/hooks`), "the endpoint URL is not shown");
      await screenshot(world, "04-channels");
      await page.setViewportSize(PHONE);
      await screenshot(world, "06-phone-channels");
      await page.setViewportSize(DESKTOP);
    },
  ],
  [
    "a channel whose authorization is about to end shows needs attention with the reason",
    async (world) => {
      const { page } = world;
      const created = await api<{ id: string }>(world, "POST", "/v1/channels", world.apiKey, {
        platform: "tiktok",
        name: "Acme outlet",
        credentials: { appKey: APP_KEY, appSecret: APP_SECRET, accessToken: "tok2", shopCipher: "cipher2" },
      });
      assert(created.status === 201, `POST /v1/channels answered ${created.status}`);
      const channelId = created.json.id;
      // TikTok Shop's UPCOMING_AUTHORIZATION_EXPIRATION (type 7), sent now.
      const push = JSON.parse(
        readFileSync(join(world.ctx.repoRoot, "test/fixtures/tiktok/upcoming-authorization-expiration.json"), "utf8"),
      );
      push.timestamp = Math.floor(Date.now() / 1000);
      await postSignedTikTok(world, channelId, JSON.stringify(push));
      let reason = "";
      await waitUntil("the API to say needs_attention", async () => {
        const read = await api<{ status: string; statusReason: string | null }>(world, "GET", `/v1/channels/${channelId}`, world.apiKey);
        reason = read.json.statusReason ?? "";
        return read.json.status === "needs_attention";
      });
      assert(reason.includes("2024-07-04T00:00:00.000Z"), `the reason does not give the expiry: ${reason}`);
      // The channels view polls: the new channel and its state arrive without a click.
      const item = page.locator(`#channel-list .item[data-key="${channelId}"]`);
      await waitUntil(
        "the channel's state in the list",
        async () => (await item.count()) === 1 && (await item.textContent())?.includes(reason) === true,
        20_000,
      );
      const badge = item.locator(".item-head .badge");
      assert((await badge.textContent()) === "needs attention", `the badge says "${await badge.textContent()}"`);
      assert(((await badge.getAttribute("class")) ?? "").includes("badge-pending"), "the badge is not coloured as needing attention");
      const first = page.locator(`#channel-list .item[data-key="${world.channelId}"] .item-head .badge`);
      assert((await first.textContent()) === "active", `the first channel's badge says "${await first.textContent()}"`);
      await screenshot(world, "08-channel-needs-attention");
    },
  ],
  [
    "a WhatsApp conversation's thread counts down its 24-hour reply window; a TikTok Shop thread shows none",
    async (world) => {
      const { page } = world;
      const created = await api<{ id: string }>(world, "POST", "/v1/channels", world.apiKey, {
        platform: "whatsapp",
        name: "Acme on WhatsApp",
        credentials: WHATSAPP,
      });
      assert(created.status === 201, `POST /v1/channels answered ${created.status}`);
      const channelId = created.json.id;
      const sentAt = Math.floor(Date.now() / 1000);
      // A complaint: escalated to a ticket, so nothing is sent to WhatsApp (no fake of it runs here).
      await sendWhatsAppMessage(world, channelId, COMPLAINT, sentAt);
      let ticketId = "";
      try {
        await waitUntil(
          "the WhatsApp ticket",
          async () => {
            const listed = await api<{ data: { id: string; channelId: string }[] }>(world, "GET", "/v1/tickets?status=open", world.apiKey);
            ticketId = listed.json.data.find((t) => t.channelId === channelId)?.id ?? "";
            return ticketId !== "";
          },
          20_000,
        );
        await page.locator("#nav-tickets").click();
        const link = page.locator(`#ticket-list .ticket[data-key="${ticketId}"] .ticket-link`);
        await link.waitFor({ state: "visible", timeout: 20_000 });
        await link.click();
        const countdown = page.locator("#thread-window");
        await countdown.waitFor({ state: "visible", timeout: WAIT_MS });
        // WhatsApp's customer service window: 24 h after the buyer's message, shown as h:mm.
        const closesAt = (sentAt + 24 * 3600) * 1000;
        assert(Number(await countdown.getAttribute("data-closes-at")) === closesAt, "the countdown does not close 24 h after the message");
        const shown = (await countdown.textContent()) ?? "";
        const match = /^reply window (\d+):(\d\d) h$/.exec(shown);
        assert(match && Number(match[1]) === 23, `the countdown does not show 23:mm h: "${shown}"`);
        const expected = Math.floor((closesAt - Date.now()) / 60_000) % 60;
        assert(Math.abs(Number(match[2]) - expected) <= 1, `the countdown shows ${match[2]} minutes, not about ${expected}`);
        assert(
          ((await countdown.getAttribute("title")) ?? "").includes("whatsapp_customer_service_24h"),
          "the countdown does not name its rule",
        );
        await screenshot(world, "11-reply-window");
        await page.locator(`#ticket-list .ticket[data-key="${world.laterTicketId}"] .ticket-link`).click();
        await waitUntil("the TikTok Shop thread", async () => page.url().endsWith(`#/tickets/${world.laterTicketId}`));
        await waitUntil("its reply window to be hidden", async () => !(await countdown.isVisible()));
      } finally {
        if (ticketId) await api(world, "PATCH", `/v1/tickets/${ticketId}`, world.apiKey, { status: "resolved" });
      }
    },
  ],
  [
    "an agent signs in with its own key: its name and role show, admin controls are hidden, the API refuses it an admin action",
    async (world) => {
      const { page } = world;
      const lan = await api<{ apiKey: string }>(world, "POST", "/v1/agents", world.apiKey, { name: "Lan", role: "agent" });
      assert(lan.status === 201, `POST /v1/agents answered ${lan.status}`);
      await page.locator("#sign-out").click();
      await page.locator("#signin-form").waitFor({ state: "visible", timeout: WAIT_MS });
      await signIn(page, lan.json.apiKey);
      await page.locator("#topbar").waitFor({ state: "visible", timeout: WAIT_MS });
      await page.locator("#nav-tickets").click();
      await page.locator("#tickets-view").waitFor({ state: "visible", timeout: WAIT_MS });
      await waitUntil("the agent's name and role", async () => (await text(page, "#who")) === "Lan · agent");
      assert(!(await visible(page, "#live-sale-switch")), "an agent is offered the live-sale switch (PATCH /v1/settings is an admin's)");
      const refused = await api(world, "PATCH", "/v1/settings", lan.json.apiKey, { liveSale: { enabled: true } });
      assert(refused.status === 403, `an agent's PATCH /v1/settings answered ${refused.status}`);
      await screenshot(world, "09-agent-signed-in");
    },
  ],
  [
    "the search box finds a conversation by order number and by Vietnamese typed without diacritics",
    async (world) => {
      const { page } = world;
      const thread = { conversationId: `7377${Date.now()}`, buyerId: `7199${Date.now()}` };
      await sendTikTokMessage(world, "Đơn hàng 576700998877 của tôi ở đâu vậy?", `7377${Date.now()}01`, thread);
      const search = async (q: string) => {
        await page.locator("#search-q").fill(q);
        await page.locator("#search-submit").click();
        await waitUntil(`results for "${q}"`, async () => /for “|Nothing found/.test(await text(page, "#search-state")));
        return page.locator("#search-list .search-item").count();
      };
      await waitUntil("the order number to be found", async () => (await search("576700998877")) === 1);
      assert((await search("cua toi o dau")) === 1, "the Vietnamese phrase without diacritics found nothing");
      assert((await search("khong co dau")) === 0, "a phrase no one wrote found something");
      await screenshot(world, "10-search");
    },
  ],
  [
    "signing out forgets the key",
    async (world) => {
      const { page } = world;
      await page.locator("#sign-out").click();
      await page.locator("#signin-form").waitFor({ state: "visible", timeout: WAIT_MS });
      assert((await page.evaluate("sessionStorage.length")) === 0, "sessionStorage still holds something");
      assert(!(await visible(page, "#topbar")), "the top bar is still shown");
    },
  ],
  [
    "a key the API stops accepting (401) sends the agent back to sign-in",
    async (world) => {
      const { page } = world;
      await page.evaluate(`sessionStorage.setItem("switchboard.console.apiKey", "sbk_revoked")`);
      await page.reload({ timeout: WAIT_MS });
      await page.locator("#signin-error").waitFor({ state: "visible", timeout: WAIT_MS });
      assert((await text(page, "#signin-error")).includes("401"), "the sign-in form does not say why");
      assert((await page.evaluate("sessionStorage.length")) === 0, "the rejected key was kept");
    },
  ],
  [
    "no script error, no CSP violation, no request beyond 127.0.0.1",
    async (world) => {
      assert(world.pageErrors.length === 0, `page errors: ${world.pageErrors.join(" | ")}`);
      assert(world.offHost.length === 0, `requests left 127.0.0.1: ${world.offHost.join(", ")}`);
    },
  ],
];

/** Runs every step in order; once one fails, the rest are reported as skipped. */
export async function runConsoleSpec(ctx: ConsoleTestContext): Promise<StepResult[]> {
  const page = await ctx.browser.newPage();
  await page.setViewportSize(DESKTOP);
  const world: World = {
    ctx,
    page,
    apiKey: "",
    ownerId: "",
    channelId: "",
    endpointId: "",
    conversationThreadId: `7373${Date.now()}`,
    ticketId: "",
    laterTicketId: "",
    navigations: 0,
    apiCalls: 0,
    pageErrors: [],
    offHost: [],
  };
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) world.navigations += 1;
  });
  page.on("pageerror", (error) => world.pageErrors.push(error.message));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) world.pageErrors.push(message.text());
  });
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol !== "data:" && url.hostname !== "127.0.0.1") world.offHost.push(request.url());
    if (url.pathname.startsWith("/v1/")) world.apiCalls += 1;
  });

  const results = await runSteps(world, steps, "failure");
  await page.close().catch(() => undefined);
  return results;
}
