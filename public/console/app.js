// @ts-check
/**
 * Switchboard agent console: the open escalations with their SLA countdowns, each ticket's
 * conversation and context, replies through the channel, and the channels and endpoints.
 *
 * No framework and no build step. Two rules hold throughout:
 * - Data reaches the DOM only as text (`textContent`, `append(string)`) or through
 *   `setAttribute` on attributes that cannot run code: never `innerHTML`.
 * - Polling replaces only what changed: every list is keyed, and an element is rebuilt only
 *   when the JSON it was drawn from changed, so nothing flickers and the reply box, focus and
 *   scroll positions survive each refresh.
 */

import { mountAdmin } from "./admin.js";
import { createReplyWindowWatch, setupAttention } from "./attention.js";
import { setupCannedReplies, ticketVariables } from "./canned.js";
import { mountDashboard } from "./dashboard.js";
import { mountBuyerPage, setupTicketFilters } from "./find.js";
import { setupShortcuts } from "./shortcuts.js";

const KEY_STORAGE = "switchboard.console.apiKey";
const POLL_MS = 3000;
const LIST_LIMIT = 200;
/**
 * Tickets and search results per request; "Load more" fetches the next page. `?pageSize=N`
 * in the console's URL (1 to 200) makes pages small enough to see paging with a few tickets.
 */
const PAGE_SIZE = pageSizeFrom(location.search);
/** A search loads each contact it finds: its pages stay smaller. */
const SEARCH_PAGE_SIZE = Math.min(PAGE_SIZE, 50);
const ATTEMPT_LIMIT = 10;
const MAX_ENDPOINTS_WITH_ATTEMPTS = 20;
const DEFAULT_WINDOW_SECONDS = 43200;

/**
 * @param {string} search the URL's query
 * @returns {number}
 */
function pageSizeFrom(search) {
  const asked = Number(new URLSearchParams(search).get("pageSize"));
  return Number.isInteger(asked) && asked >= 1 && asked <= LIST_LIMIT ? asked : LIST_LIMIT;
}

/** @type {Record<string, string>} */
const PLATFORM_NAMES = {
  tiktok: "TikTok Shop",
  whatsapp: "WhatsApp",
  telegram: "Telegram",
  line: "LINE",
  zalo: "Zalo",
  x: "X",
  messenger: "Messenger",
  instagram: "Instagram",
};

/**
 * @typedef {{ intent: string|null, sentiment: string|null, orderId: string|null, orderStatus: string|null,
 *   lastMessages?: { direction: string, text: string|null, sentAt: string }[] }} TicketContext
 * @typedef {{ id: string, conversationId: string, contactId: string, channelId: string,
 *   status: "open"|"pending"|"resolved", assignee: string|null, reason: string, context: TicketContext,
 *   createdAt: string, updatedAt: string, sla?: TicketSla|null }} Ticket
 * @typedef {{ startedAt: string, deadline: string, windowSeconds: number, warnedAt: string|null,
 *   breachedAt: string|null, stoppedAt: string|null }} TicketSla
 * @typedef {{ id: string, platform: string, name: string, webhookUrl: string, credentials?: Record<string, string>,
 *   status?: "active"|"needs_attention"|"disconnected", statusReason?: string|null, tokenExpiresAt?: string|null,
 *   createdAt: string }} Channel
 * @typedef {{ id: string, platformUserId: string, displayName: string|null, status?: string, tags?: string[],
 *   queue?: string|null }} Contact
 * @typedef {{ closesAt: string|null, rule: string }} ReplyWindow
 * @typedef {{ id: string, platformThreadId: string, contactId: string, channelId: string, lastMessageAt: string, state?: string,
 *   queue?: string|null, tags?: string[], replyWindow?: ReplyWindow }} Conversation
 * @typedef {{ intent?: string, sentiment?: string, language?: string, orderIds?: string[], signals?: string[] }} Classification
 * @typedef {{ action: { type: string, [key: string]: unknown }, ruleId: string, reason: string }} PlannedAction
 * @typedef {{ classification?: Classification, actions?: PlannedAction[], skipped?: { ruleId: string, reason: string }[],
 *   rulesVersion?: number, ai?: AiTrace }} Routing
 * @typedef {{ model?: string, provider?: string, steps?: number, durationMs?: number, tokens?: { total?: number },
 *   toolCalls?: { name: string, arguments: unknown, result: unknown }[] }} AiTrace
 * @typedef {{ id: string, direction: "inbound"|"outbound", author: { type: string, agentId?: string, name?: string, model?: string }|null,
 *   status: string, error: string|null, sentAt: string|null, text: string|null, attachments: unknown[],
 *   routing?: Routing|string|null, template?: { name: string, language: string }|null }} Message
 * @typedef {{ responseWindowSeconds: number, warningRatio: number, replyWindowWarningSeconds?: number,
 *   liveSale: { enabled: boolean, responseWindowSeconds: number }, cannedReplies?: { title: string, text: string }[] }} Settings
 * @typedef {{ id: string, url: string, eventTypes: string[], description: string|null, enabled: boolean,
 *   disabledReason?: string|null, failingSince?: string|null, createdAt: string }} Endpoint
 * @typedef {{ id: string, eventId: string, attempt: number, status: string, responseStatus: number|null,
 *   durationMs: number|null, error: string|null, createdAt: string }} Attempt
 * @typedef {{ data: any[], nextCursor: string|null }} ListPage
 */

/** An API answer that was not 2xx, with the contract's `{"error": {"code", "message", "details"?}}`. */
class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {unknown} [details]
   */
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/* ---------------------------------------------------------------- state */

const state = {
  /** @type {string|null} */
  apiKey: null,
  /** True while a key typed into the sign-in form is being tried. */
  signingIn: false,
  /** The signed-in agent (`GET /v1/me`): whose key this is, and what its role may do. */
  /** @type {{ id: string, name: string, role: "admin"|"agent", workspaceId: string }|null} */
  me: null,
  /** Agents' names by id, so an assignee shows as a name. */
  /** @type {Map<string, string>} */
  agents: new Map(),
  /** Bumped at sign-in and sign-out so late answers from an earlier session are dropped. */
  session: 0,
  /** Bumped by every change the agent makes, so a poll that started before it cannot undo it on screen. */
  changes: 0,
  /** @type {Settings|null} */
  settings: null,
  settingsSaving: false,
  /** @type {Ticket[]} */
  tickets: [],
  /** The open and pending tickets the alerts watch: the list's tickets unless a filter narrows what is read. */
  /** @type {Ticket[]} */
  watched: [],
  ticketsTruncated: false,
  /** Open tickets exist beyond the pages loaded: the title's count says "+". */
  moreOpenTickets: false,
  /** Pages of open and of pending tickets each poll reads: "Load more" adds one. */
  ticketPages: 1,
  /** The search shown, and where its next page starts. */
  /** @type {{ q: string, nextCursor: string|null }|null} */
  search: null,
  /** @type {Map<string, Channel>} */
  channels: new Map(),
  /** @type {Map<string, Contact>} */
  contacts: new Map(),
  /** @type {"tickets"|"channels"|"dashboard"|"admin"|"buyers"} */
  view: "tickets",
  /** @type {string|null} */
  selectedId: null,
  thread: {
    /** @type {Ticket|null} */
    ticket: null,
    /** @type {Conversation|null} */
    conversation: null,
    /** The conversation whose messages are drawn; a new one starts at the bottom. */
    /** @type {string|null} */
    drawnConversationId: null,
  },
  /**
   * Whether the thread follows its newest message: true until the agent scrolls up to read,
   * true again once they scroll back down. Kept across polls, resizes and layout changes.
   */
  stickToBottom: true,
  /** Unsent reply text per conversation, so switching tickets keeps a draft. */
  /** @type {Map<string, string>} */
  drafts: new Map(),
  /** @type {Endpoint[]} */
  endpoints: [],
  /** @type {Map<string, Attempt[]>} */
  attempts: new Map(),
  lastUpdated: 0,
  pollFailed: false,
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  pollTimer: undefined,
  /** @type {Promise<void>|null} */
  polling: null,
  /** A refresh was asked for during one: run another as soon as it ends. */
  refreshAgain: false,
  /** Where the banner's error came from: a poll's error clears on the next good poll. */
  /** @type {"poll"|"action"|null} */
  bannerSource: null,
};

/** Set up in wire(): the title count and alerts, the reply windows they watch, the canned-reply picker. */
/** @type {ReturnType<typeof setupAttention>|null} */
let attention = null;
const replyWindows = createReplyWindowWatch((id) =>
  api("GET", `/v1/conversations/${enc(id)}`).then(
    (answer) => answer.data,
    (error) => {
      // A conversation gone since its ticket was listed has no window to watch.
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    },
  ),
);
/** @type {ReturnType<typeof setupCannedReplies>|null} */
let canned = null;
/** Set up in wire(): the ticket list's filters (find.js). */
/** @type {ReturnType<typeof setupTicketFilters>|null} */
let filters = null;
const buyerPage = mountBuyerPage({
  api: (path) => api("GET", path),
  channelLabel: (id) => channelLabel(id),
  formatTime: (iso) => formatTime(iso),
  ticketFor: (conversationId) => state.tickets.find((t) => t.conversationId === conversationId)?.id ?? null,
  loadTicketsOf: async (contactId) => {
    const { data } = await api("GET", `/v1/tickets?limit=${LIST_LIMIT}`);
    return data.data.filter((/** @type {Ticket} */ t) => t.contactId === contactId);
  },
  onError: (error) => showError(error, "action"),
});

/* ---------------------------------------------------------------- DOM helpers */

/**
 * The element with this id; throws early when the page and the script disagree.
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return /** @type {T} */ (node);
}

/** @typedef {Node|string|number|null|undefined|false} Child */

/**
 * Creates an element. Strings become text nodes, never markup. Attribute names are always
 * literals in this file; values are data and go through setAttribute.
 * @param {string} tag
 * @param {Record<string, string|number|boolean|null|undefined>|null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElement}
 */
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  appendChildren(node, children);
  return node;
}

/**
 * @param {HTMLElement} node
 * @param {Child[]} children
 */
function appendChildren(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === "number" ? String(child) : child);
  }
}

/**
 * Sets a node's text only when it differs, so screen readers and selections are not disturbed.
 * @param {HTMLElement} node
 * @param {string} text
 */
function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Makes `container`'s children one element per item, in order. An item's element is kept as
 * long as its signature (the JSON it was drawn from) is unchanged; otherwise it is redrawn in
 * place. Elements of items that are gone are removed.
 * @template T
 * @param {HTMLElement} container
 * @param {T[]} items
 * @param {(item: T) => string} keyOf
 * @param {(item: T) => string} signatureOf
 * @param {(item: T) => HTMLElement} render
 */
function reconcile(container, items, keyOf, signatureOf, render) {
  /** @type {Map<string, HTMLElement>} */
  const existing = new Map();
  for (const child of Array.from(container.children)) {
    if (child instanceof HTMLElement && child.dataset.key) existing.set(child.dataset.key, child);
    else child.remove(); // a placeholder such as "No messages yet."
  }
  const kept = new Set();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const signature = signatureOf(item);
    let node = existing.get(key);
    if (!node || node.dataset.sig !== signature) {
      const fresh = render(item);
      fresh.dataset.key = key;
      fresh.dataset.sig = signature;
      if (node) node.replaceWith(fresh);
      node = fresh;
    }
    kept.add(key);
    const current = container.children[index];
    if (current !== node) container.insertBefore(node, current ?? null);
  });
  for (const [key, node] of existing) if (!kept.has(key)) node.remove();
}

/**
 * Replaces a container's content only when the signature changed.
 * @param {HTMLElement} container
 * @param {string} signature
 * @param {() => Child[]} draw
 */
function redrawIfChanged(container, signature, draw) {
  if (container.dataset.sig === signature) return;
  container.replaceChildren();
  appendChildren(container, draw());
  container.dataset.sig = signature;
}

/**
 * @param {HTMLElement} node
 * @param {boolean} shown
 */
function show(node, shown) {
  if (node.hidden === shown) node.hidden = !shown;
}

/* ---------------------------------------------------------------- formatting */

/** @param {number} n */
function pad(n) {
  return String(n).padStart(2, "0");
}

/**
 * A countdown: mm:ss under an hour, h:mm (with an "h") above; a minus sign once past.
 * @param {number} ms
 */
function formatCountdown(ms) {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const text =
    seconds < 3600
      ? `${pad(Math.floor(seconds / 60))}:${pad(seconds % 60)}`
      : `${Math.floor(seconds / 3600)}:${pad(Math.floor((seconds % 3600) / 60))} h`;
  return ms < 0 ? `−${text}` : text;
}

/** @param {number} seconds */
function formatDuration(seconds) {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * Today's times as hh:mm, older ones with their date.
 * @param {string|null|undefined} iso
 */
function formatTime(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return date.toDateString() === new Date().toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

/** @param {string} platform */
function platformName(platform) {
  return PLATFORM_NAMES[platform] ?? platform;
}

/** @param {string} channelId */
function channelLabel(channelId) {
  const channel = state.channels.get(channelId);
  return channel ? `${channel.name} · ${platformName(channel.platform)}` : channelId;
}

/** @param {string} contactId */
function contactLabel(contactId) {
  const contact = state.contacts.get(contactId);
  if (!contact) return contactId;
  return contact.displayName || contact.platformUserId || contactId;
}

/* ---------------------------------------------------------------- SLA */

/** The response window in force: live-sale mode shortens it. */
function windowSeconds() {
  const settings = state.settings;
  if (!settings) return DEFAULT_WINDOW_SECONDS;
  return settings.liveSale?.enabled ? settings.liveSale.responseWindowSeconds : settings.responseWindowSeconds;
}

/**
 * The ticket's deadline as its clock has it (the window in force when it opened); a ticket
 * without a clock falls back to the window in force now.
 * @param {Ticket} ticket
 */
function deadlineOf(ticket) {
  return ticket.sla ? Date.parse(ticket.sla.deadline) : Date.parse(ticket.createdAt) + windowSeconds() * 1000;
}

/** @param {Ticket} ticket */
function windowOf(ticket) {
  return (ticket.sla?.windowSeconds ?? windowSeconds()) * 1000;
}

/**
 * Draws a countdown into `node` from its data-deadline; called every second.
 * @param {HTMLElement} node
 * @param {number} now
 */
function paintCountdown(node, now) {
  if (node.dataset.deadline === undefined) return;
  const deadline = Number(node.dataset.deadline);
  const windowMs = Number(node.dataset.window);
  const left = deadline - now;
  const warnAt = (state.settings?.warningRatio ?? 0.75) * windowMs;
  const level = left < 0 ? "late" : windowMs - left >= warnAt ? "warn" : "ok";
  setText(node, formatCountdown(left));
  if (node.dataset.level !== level) {
    node.dataset.level = level;
    node.className = `sla sla-${level}`;
  }
  const title = `${left < 0 ? "Overdue since" : "Due at"} ${dateTimeFormat.format(new Date(deadline))} (${formatDuration(windowMs / 1000)} window)`;
  if (node.title !== title) node.title = title;
}

/**
 * A countdown element for this ticket, or a plain status for a resolved one.
 * @param {Ticket} ticket
 */
function countdownElement(ticket) {
  const node = h("span", { class: "sla" });
  setCountdown(node, ticket);
  return node;
}

/**
 * @param {HTMLElement} node
 * @param {Ticket} ticket
 */
function setCountdown(node, ticket) {
  // Resolved, or an agent has answered (the clock stopped): nothing is due any more.
  const done = ticket.status === "resolved" ? "resolved" : ticket.sla?.stoppedAt ? "answered" : null;
  if (done) {
    delete node.dataset.deadline;
    delete node.dataset.level;
    node.className = "sla sla-done";
    node.title = ticket.sla?.stoppedAt ? `Answered ${dateTimeFormat.format(new Date(ticket.sla.stoppedAt))}` : "";
    setText(node, done);
    return;
  }
  node.dataset.deadline = String(deadlineOf(ticket));
  node.dataset.window = String(windowOf(ticket));
  paintCountdown(node, Date.now());
}

/**
 * The platform's reply window (WhatsApp, Messenger, Instagram, Zalo): how long a normal reply
 * is still accepted. Hidden where the platform has none.
 * @param {HTMLElement} node
 * @param {Conversation|null} conversation
 */
function setReplyWindow(node, conversation) {
  const closesAt = conversation?.replyWindow?.closesAt;
  show(node, Boolean(closesAt));
  if (!closesAt) {
    delete node.dataset.closesAt;
    return;
  }
  node.dataset.closesAt = String(Date.parse(closesAt));
  node.dataset.rule = conversation?.replyWindow?.rule ?? "";
  paintReplyWindow(node, Date.now());
}

/**
 * @param {HTMLElement} node
 * @param {number} now
 */
function paintReplyWindow(node, now) {
  const closesAt = Number(node.dataset.closesAt);
  const left = closesAt - now;
  setText(node, left > 0 ? `reply window ${formatCountdown(left)}` : "reply window closed");
  node.classList.toggle("reply-window-closed", left <= 0);
  const title = `${left > 0 ? "Closes" : "Closed"} ${dateTimeFormat.format(new Date(closesAt))} (${node.dataset.rule})`;
  if (node.title !== title) node.title = title;
}

/** Every second: the countdowns and the "updated Xs ago" line. */
function tick() {
  const now = Date.now();
  for (const node of document.querySelectorAll("[data-deadline]")) {
    if (node instanceof HTMLElement) paintCountdown(node, now);
  }
  for (const node of document.querySelectorAll("[data-closes-at]")) {
    if (node instanceof HTMLElement) paintReplyWindow(node, now);
  }
  paintUpdated(now);
  if (state.apiKey) attention?.tick();
}

/** @param {number} now */
function paintUpdated(now) {
  const node = byId("updated");
  if (!state.apiKey) return;
  const hidden = document.visibilityState !== "visible";
  let text = "not updated yet";
  if (state.lastUpdated) {
    const seconds = Math.max(0, Math.round((now - state.lastUpdated) / 1000));
    text = seconds < 1 ? "updated just now" : `updated ${seconds}s ago`;
  }
  if (state.pollFailed) text = `${text} · update failed, retrying`;
  if (hidden) text = `${text} · paused`;
  setText(node, text);
  node.classList.toggle("stale", state.pollFailed || now - state.lastUpdated > POLL_MS * 4);
}

/* ---------------------------------------------------------------- API */

/**
 * Calls the gateway's API with the session's key. Answers `{status, data}` for 2xx and throws
 * ApiError otherwise; a 401 also signs out.
 * @param {"GET"|"POST"|"PATCH"|"PUT"} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {Record<string, string>} [extraHeaders] such as `if-match`
 * @returns {Promise<{status: number, data: any}>}
 */
async function api(method, path, body, extraHeaders) {
  const session = state.session;
  /** @type {Record<string, string>} */
  const headers = { ...extraHeaders, accept: "application/json", authorization: `Bearer ${state.apiKey ?? ""}` };
  if (body !== undefined) headers["content-type"] = "application/json";
  /** @type {Response} */
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
    });
  } catch (error) {
    throw new ApiError(0, "network_error", `cannot reach the gateway (${errorText(error)})`);
  }
  const data = await readJson(response);
  if (response.ok) return { status: response.status, data };
  const problem = toApiError(response.status, data);
  if (response.status === 401 && session === state.session && state.apiKey) {
    signOut(
      state.signingIn
        ? `This API key was not accepted: ${problem.message} (401).`
        : `Signed out: ${problem.message} (401). Sign in again with a valid API key.`,
    );
  }
  throw problem;
}

/**
 * The body as JSON (null when empty); anything else is an error whatever the status, since
 * then the answer did not come from the API (a proxy's page, a wrong path).
 * @param {Response} response
 */
async function readJson(response) {
  const text = response.status === 204 ? "" : await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(response.status, "bad_response", `the gateway answered ${response.status} with something that is not JSON`);
  }
}

/**
 * @param {number} status
 * @param {any} data
 */
function toApiError(status, data) {
  const error = data && typeof data === "object" ? data.error : null;
  const code = typeof error?.code === "string" ? error.code : `http_${status}`;
  const message = typeof error?.message === "string" ? error.message : `the gateway answered ${status}`;
  return new ApiError(status, code, message, error?.details);
}

/** @param {unknown} error */
function errorText(error) {
  return error instanceof Error ? error.message : String(error);
}

/** @param {string} value */
function enc(value) {
  return encodeURIComponent(value);
}

/* ---------------------------------------------------------------- banner */

/**
 * Shows an API error (`code: message`, and the paths of validation details) in the banner.
 * @param {unknown} error
 * @param {"poll"|"action"} source
 */
function showError(error, source) {
  if (error instanceof ApiError && error.status === 401) return; // sign-in shows it
  setText(byId("banner-text"), describeError(error));
  show(byId("banner"), true);
  state.bannerSource = source;
}

/**
 * An error as the agent reads it: `403 forbidden: …`, with the paths of validation details.
 * @param {unknown} error
 */
function describeError(error) {
  if (!(error instanceof ApiError)) return errorText(error);
  const text = `${error.status ? `${error.status} ` : ""}${error.code}: ${error.message}`;
  const paths = detailPaths(error.details);
  return paths ? `${text} (${paths})` : text;
}

/** @param {unknown} details */
function detailPaths(details) {
  if (!Array.isArray(details)) return "";
  return details
    .map((d) => (d && typeof d === "object" && "path" in d ? `${d.path}: ${"message" in d ? d.message : "invalid"}` : ""))
    .filter(Boolean)
    .join("; ");
}

function hideBanner() {
  show(byId("banner"), false);
  state.bannerSource = null;
}

/* ---------------------------------------------------------------- sign-in */

/** @param {SubmitEvent} event */
async function onSignIn(event) {
  event.preventDefault();
  const keyInput = /** @type {HTMLInputElement} */ (byId("api-key"));
  const key = keyInput.value.trim();
  if (!key) return;
  const button = /** @type {HTMLButtonElement} */ (byId("signin-submit"));
  button.disabled = true;
  showSignInError("");
  state.apiKey = key;
  state.session += 1;
  state.signingIn = true;
  try {
    const [{ data }, me] = await Promise.all([api("GET", "/v1/settings"), api("GET", "/v1/me")]);
    sessionStorage.setItem(KEY_STORAGE, key);
    state.me = me.data;
    state.settings = data;
    renderWho();
    keyInput.value = "";
    enterConsole();
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      state.apiKey = null;
      showSignInError(error instanceof ApiError ? `${error.message} (${error.status || "network"})` : errorText(error));
    }
  } finally {
    state.signingIn = false;
    button.disabled = false;
  }
}

/** @param {string} message */
function showSignInError(message) {
  const node = byId("signin-error");
  setText(node, message);
  show(node, Boolean(message));
}

/**
 * Forgets the key and everything fetched with it, and goes back to the sign-in form.
 * @param {string} [message]
 */
function signOut(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  state.apiKey = null;
  state.session += 1;
  stopPolling();
  resetData();
  hideBanner();
  show(byId("topbar"), false);
  show(byId("tickets-view"), false);
  show(byId("channels-view"), false);
  show(byId("dashboard-view"), false);
  show(byId("admin-view"), false);
  show(byId("signin-view"), true);
  showSignInError(message ?? "");
  byId("api-key").focus();
}

/** Clears what a session fetched, in memory and on screen. */
function resetData() {
  state.settings = null;
  state.me = null;
  state.agents.clear();
  clearSearch();
  state.tickets = [];
  state.watched = [];
  state.ticketPages = 1;
  state.moreOpenTickets = false;
  attention?.reset();
  replyWindows.clear();
  canned?.setReplies([]);
  state.channels.clear();
  state.contacts.clear();
  state.endpoints = [];
  state.attempts.clear();
  state.drafts.clear();
  state.selectedId = null;
  state.thread = { ticket: null, conversation: null, drawnConversationId: null };
  state.lastUpdated = 0;
  state.pollFailed = false;
  for (const id of ["ticket-list", "messages", "context-list", "channel-list", "endpoint-list", "settings-list"]) {
    const node = byId(id);
    node.replaceChildren();
    delete node.dataset.sig;
  }
  /** @type {HTMLTextAreaElement} */ (byId("reply-text")).value = "";
  setText(byId("updated"), "not updated yet");
  extraViews.dashboard.reset();
  extraViews.admin.reset();
}

function enterConsole() {
  show(byId("signin-view"), false);
  show(byId("topbar"), true);
  applyRoute();
  startPolling();
}

/* ---------------------------------------------------------------- routing (hash) */

/** Reads `#/tickets`, `#/tickets/<id>`, `#/channels`, `#/dashboard`, `#/admin` or `#/buyers/<contactId>`. */
function parseRoute() {
  const match = /^#\/(tickets|channels|dashboard|admin|buyers)(?:\/([A-Za-z0-9_-]{1,100}))?$/.exec(location.hash);
  if (!match || (match[1] === "buyers" && !match[2])) return { view: /** @type {"tickets"} */ ("tickets"), ticketId: null };
  return { view: /** @type {"tickets"|"channels"|"dashboard"|"admin"|"buyers"} */ (match[1]), ticketId: match[2] ?? null };
}

function applyRoute() {
  if (!state.apiKey) return;
  const route = parseRoute();
  state.view = route.view;
  show(byId("tickets-view"), route.view === "tickets");
  show(byId("channels-view"), route.view === "channels");
  show(byId("dashboard-view"), route.view === "dashboard");
  show(byId("admin-view"), route.view === "admin");
  show(byId("buyers-view"), route.view === "buyers");
  if (route.view === "buyers" && route.ticketId) void buyerPage.load(route.ticketId);
  for (const view of ["tickets", "channels", "dashboard", "admin"]) {
    const link = byId(`nav-${view}`);
    if (route.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (route.view === "tickets" && route.ticketId !== state.selectedId) selectTicket(route.ticketId);
  if (route.view !== "tickets") void refresh();
}

/** @param {string|null} ticketId */
function selectTicket(ticketId) {
  saveDraft();
  state.selectedId = ticketId;
  state.thread = { ticket: null, conversation: null, drawnConversationId: null };
  byId("messages").replaceChildren();
  const contextList = byId("context-list");
  contextList.replaceChildren();
  delete contextList.dataset.sig;
  setReplyState("", "");
  setText(byId("action-state"), "");
  show(byId("thread"), false);
  show(byId("thread-placeholder"), true);
  setText(byId("thread-placeholder"), ticketId ? "Loading the conversation…" : "Select a ticket to see its conversation.");
  markSelected();
  if (ticketId) {
    void refresh();
    if (window.matchMedia("(max-width: 760px)").matches) byId("thread-pane").scrollIntoView({ block: "start" });
  }
}

/* ---------------------------------------------------------------- polling */

function startPolling() {
  stopPolling();
  void refresh();
}

function stopPolling() {
  clearTimeout(state.pollTimer);
  state.pollTimer = undefined;
}

/** Polls again in POLL_MS while the page is visible and signed in. */
function scheduleNext() {
  clearTimeout(state.pollTimer);
  if (!state.apiKey || document.visibilityState !== "visible") return;
  state.pollTimer = setTimeout(() => void refresh(), POLL_MS);
}

function onVisibilityChange() {
  if (document.visibilityState === "visible") void refresh();
  else stopPolling();
  paintUpdated(Date.now());
}

/**
 * Fetches what the current view shows and redraws what changed. One refresh at a time: a
 * call during one makes another run as soon as it ends (the view may have changed since).
 */
function refresh() {
  if (!state.apiKey) return Promise.resolve();
  if (state.polling) {
    state.refreshAgain = true;
    return state.polling;
  }
  state.polling = runRefresh().finally(() => {
    state.polling = null;
    if (state.refreshAgain && state.apiKey) {
      state.refreshAgain = false;
      void refresh();
    } else scheduleNext();
  });
  return state.polling;
}

async function runRefresh() {
  const session = state.session;
  /** @type {Promise<unknown>[]} */
  const jobs = [loadSettings(), loadTickets()];
  if (!state.me) jobs.push(loadMe());
  if (!state.agents.size) jobs.push(loadAgents());
  if (state.view === "tickets" && state.selectedId) jobs.push(loadThread(state.selectedId));
  if (state.view === "channels") jobs.push(loadChannelsView());
  if (state.view === "dashboard") jobs.push(extraViews.dashboard.load());
  if (state.view === "admin") jobs.push(extraViews.admin.load());
  jobs.push(watchReplyWindows());
  const results = await Promise.allSettled(jobs);
  if (session !== state.session) return;
  const failure = results.find((r) => r.status === "rejected");
  state.pollFailed = Boolean(failure);
  if (failure && failure.status === "rejected") showError(failure.reason, "poll");
  else {
    state.lastUpdated = Date.now();
    if (state.bannerSource === "poll") hideBanner();
  }
  paintUpdated(Date.now());
}

/* ---------------------------------------------------------------- who is signed in */

async function loadMe() {
  const session = state.session;
  const { data } = await api("GET", "/v1/me");
  if (session !== state.session) return;
  state.me = data;
  renderWho();
}

/** The signed-in agent's name and role; what the role may not do is not offered. */
function renderWho() {
  const me = state.me;
  setText(byId("who"), me ? `${me.name} · ${me.role}` : "");
  // Settings are an admin's: an agent key is refused PATCH /v1/settings.
  show(byId("live-sale-switch"), me?.role === "admin");
  // The fixing is an admin's; an agent who opens #/admin anyway sees it read-only.
  show(byId("nav-admin"), me?.role === "admin");
  renderActions();
}

/** Agents' names, for assignees; fetched again when a ticket names an agent not known yet. */
async function loadAgents() {
  const { data } = await api("GET", `/v1/agents?limit=${LIST_LIMIT}`);
  state.agents = new Map(data.data.map((/** @type {{ id: string, name: string }} */ a) => [a.id, a.name]));
}

/**
 * An assignee as people read it: the agent's name, or what was typed for tickets assigned by hand.
 * @param {string} assignee
 */
function assigneeLabel(assignee) {
  return state.agents.get(assignee) ?? assignee;
}

/* ---------------------------------------------------------------- search */

/** @param {SubmitEvent} event */
async function onSearch(event) {
  event.preventDefault();
  const q = /** @type {HTMLInputElement} */ (byId("search-q")).value.trim();
  if (!q) {
    clearSearch();
    return;
  }
  show(byId("search-results"), true);
  setText(byId("search-state"), "Searching…");
  byId("search-list").replaceChildren();
  state.search = { q, nextCursor: null };
  await searchPage(q, null);
}

/**
 * Reads one page of a search and appends it; the "Load more results" button reads the next.
 * @param {string} q
 * @param {string|null} cursor
 */
async function searchPage(q, cursor) {
  const session = state.session;
  const moreButton = /** @type {HTMLButtonElement} */ (byId("search-more"));
  moreButton.disabled = true;
  try {
    const { data } = await api("GET", `/v1/conversations?q=${enc(q)}&limit=${SEARCH_PAGE_SIZE}${cursor ? `&cursor=${enc(cursor)}` : ""}`);
    if (session !== state.session || state.search?.q !== q) return;
    /** @type {Conversation[]} */
    const found = data.data;
    await loadNames(found);
    if (session !== state.session || state.search?.q !== q) return;
    state.search.nextCursor = data.nextCursor;
    byId("search-list").append(...found.map(searchItem));
    const shown = byId("search-list").children.length;
    setText(
      byId("search-state"),
      shown ? `${shown}${data.nextCursor ? "+" : ""} conversation${shown === 1 ? "" : "s"} for “${q}”` : `Nothing found for “${q}”.`,
    );
    show(moreButton, Boolean(data.nextCursor));
  } catch (error) {
    if (session !== state.session) return;
    setText(byId("search-state"), `Search failed: ${errorText(error)}`);
  } finally {
    moreButton.disabled = false;
  }
}

function clearSearch() {
  state.search = null;
  show(byId("search-more"), false);
  show(byId("search-results"), false);
  byId("search-list").replaceChildren();
  setText(byId("search-state"), "");
}

/**
 * A found conversation: a link to its open ticket when it has one.
 * @param {Conversation} conversation
 */
function searchItem(conversation) {
  const ticket = state.tickets.find((t) => t.conversationId === conversation.id);
  const label = `${contactLabel(conversation.contactId)} · ${channelLabel(conversation.channelId)} · ${formatTime(conversation.lastMessageAt)}`;
  return h(
    "li",
    { class: "search-item" },
    ticket ? h("a", { href: `#/tickets/${ticket.id}` }, label) : h("span", null, label),
    ticket ? null : h("span", { class: "muted small" }, " · no open ticket"),
    h("span", { class: "muted small" }, " · "),
    h("a", { href: `#/buyers/${conversation.contactId}`, class: "small" }, "buyer"),
  );
}

/* ---------------------------------------------------------------- settings and live sale */

async function loadSettings() {
  const session = state.session;
  const changes = state.changes;
  const { data } = await api("GET", "/v1/settings");
  if (session !== state.session || state.settingsSaving || changes !== state.changes) return;
  state.settings = data;
  renderSettings();
}

function renderSettings() {
  const settings = state.settings;
  if (!settings) return;
  const toggle = /** @type {HTMLInputElement} */ (byId("live-sale"));
  if (!state.settingsSaving) toggle.checked = Boolean(settings.liveSale?.enabled);
  toggle.parentElement?.classList.toggle("on", toggle.checked);
  canned?.setReplies(settings.cannedReplies ?? []);
  const list = byId("settings-list");
  redrawIfChanged(list, JSON.stringify(settings), () => [
    h("dt", null, "In force"),
    h("dd", null, `${formatDuration(windowSeconds())}${settings.liveSale?.enabled ? " (live sale)" : ""}`),
    h("dt", null, "Normal window"),
    h("dd", null, formatDuration(settings.responseWindowSeconds)),
    h("dt", null, "Live-sale window"),
    h("dd", null, `${formatDuration(settings.liveSale?.responseWindowSeconds ?? 0)} · ${settings.liveSale?.enabled ? "on" : "off"}`),
    h("dt", null, "Warning at"),
    h("dd", null, `${Math.round((settings.warningRatio ?? 0.75) * 100)} % of the window`),
  ]);
}

async function onLiveSaleChange() {
  const toggle = /** @type {HTMLInputElement} */ (byId("live-sale"));
  const enabled = toggle.checked;
  state.settingsSaving = true;
  toggle.disabled = true;
  try {
    const { data } = await api("PATCH", "/v1/settings", { liveSale: { enabled } });
    state.changes += 1;
    state.settings = data;
  } catch (error) {
    toggle.checked = !enabled;
    showError(error, "action");
  } finally {
    state.settingsSaving = false;
    toggle.disabled = false;
    renderSettings();
    renderTickets();
    renderThreadHead();
  }
}

/* ---------------------------------------------------------------- tickets */

async function loadTickets() {
  const session = state.session;
  const changes = state.changes;
  const pages = state.ticketPages;
  const asked = filters?.key() ?? "";
  const query = filters?.query() ?? "";
  const resolved = filters?.status() === "resolved";
  // The open and pending tickets are always read: the title's count and the alerts watch them all,
  // whatever the list shows. A filter the API applies reads its own list beside them.
  const [open, pending, list] = await Promise.all([
    ticketPages("open", pages, ""),
    ticketPages("pending", pages, ""),
    resolved
      ? ticketPages("resolved", pages, query)
      : query
        ? Promise.all([ticketPages("open", pages, query), ticketPages("pending", pages, query)]).then(([o, p]) => ({
            tickets: [...o.tickets, ...p.tickets],
            more: o.more || p.more,
          }))
        : null,
  ]);
  if (session !== state.session) return;
  /** @type {Ticket[]} */
  const watched = [...open.tickets, ...pending.tickets];
  const tickets = list ? list.tickets : watched;
  await loadNames(list ? [...watched, ...tickets] : watched);
  if (session !== state.session || changes !== state.changes || pages !== state.ticketPages || asked !== (filters?.key() ?? "")) return;
  state.watched = watched;
  state.tickets = tickets;
  state.ticketsTruncated = list ? list.more : open.more || pending.more;
  state.moreOpenTickets = open.more;
  filters?.setChannels([...state.channels.values()]);
  renderTickets();
}

/**
 * The first `pages` pages of one status's tickets, following the API's cursor.
 * @param {"open"|"pending"|"resolved"} status
 * @param {number} pages
 * @param {string} query the filters' `&channelId=&assignee=`
 * @returns {Promise<{ tickets: Ticket[], more: boolean }>}
 */
async function ticketPages(status, pages, query) {
  /** @type {Ticket[]} */
  const tickets = [];
  /** @type {string|null} */
  let cursor = null;
  for (let page = 0; page < pages; page += 1) {
    const { data } = await api("GET", `/v1/tickets?status=${status}${query}&limit=${PAGE_SIZE}${cursor ? `&cursor=${enc(cursor)}` : ""}`);
    tickets.push(...data.data);
    cursor = data.nextCursor;
    if (!cursor) break;
  }
  return { tickets, more: Boolean(cursor) };
}

/** "Load more tickets": one more page of each status, from the next poll on. */
function loadMoreTickets() {
  state.ticketPages += 1;
  const button = /** @type {HTMLButtonElement} */ (byId("tickets-more-button"));
  button.disabled = true;
  void refresh().finally(() => {
    button.disabled = false;
  });
}

/**
 * Fetches the channels, contacts and agents these tickets (or conversations) name that are not known yet.
 * @param {{ channelId: string, contactId: string, assignee?: string|null }[]} tickets
 */
async function loadNames(tickets) {
  const needChannels = tickets.some((t) => !state.channels.has(t.channelId));
  const contactIds = [...new Set(tickets.map((t) => t.contactId))].filter((id) => !state.contacts.has(id));
  const needAgents = tickets.some((t) => t.assignee?.startsWith("agt_") && !state.agents.has(t.assignee));
  await Promise.all([needChannels ? loadChannels() : null, needAgents ? loadAgents() : null, ...contactIds.map((id) => loadContact(id))]);
}

async function loadChannels() {
  const { data } = await api("GET", `/v1/channels?limit=${LIST_LIMIT}`);
  state.channels = new Map(data.data.map((/** @type {Channel} */ c) => [c.id, c]));
}

/** @param {string} id */
async function loadContact(id) {
  try {
    const { data } = await api("GET", `/v1/contacts/${enc(id)}`);
    state.contacts.set(id, data);
  } catch (error) {
    // A deleted contact must not hide the ticket: it is shown by its id.
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

/** Closest to breach first (overdue ones on top), answered ones after the waiting, then newest. */
function sortedTickets() {
  const answered = (/** @type {Ticket} */ t) => (t.sla?.stoppedAt ? 1 : 0);
  if (filters?.status() === "resolved")
    return [...state.tickets].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || b.id.localeCompare(a.id));
  return [...state.tickets].sort((a, b) => answered(a) - answered(b) || deadlineOf(a) - deadlineOf(b) || b.id.localeCompare(a.id));
}

function renderTickets() {
  const loaded = sortedTickets();
  const tickets =
    filters?.apply(loaded, {
      now: Date.now(),
      deadlineOf,
      windowMsOf: windowOf,
      warningRatio: state.settings?.warningRatio ?? 0.75,
      contactOf: (id) => state.contacts.get(id),
    }) ?? loaded;
  filters?.describe(loaded.length, tickets.length);
  const seconds = windowSeconds();
  // A ticket redrawn while its link has the focus (j / k, Esc from the reply box) keeps it.
  const focused = document.activeElement?.closest("#ticket-list > li");
  const focusedKey = focused instanceof HTMLElement ? focused.dataset.key : undefined;
  reconcile(
    byId("ticket-list"),
    tickets,
    (t) => t.id,
    (t) =>
      JSON.stringify([t, contactLabel(t.contactId), channelLabel(t.channelId), seconds, t.assignee ? assigneeLabel(t.assignee) : null]),
    ticketItem,
  );
  if (focusedKey && !focused?.isConnected) ticketLink(focusedKey)?.focus({ preventScroll: true });
  markSelected();
  setText(byId("ticket-count"), tickets.length ? String(tickets.length) : "");
  setText(
    byId("tickets-empty"),
    filters?.active() ? "No tickets match these filters." : "No open tickets. New escalations appear here by themselves.",
  );
  show(byId("tickets-empty"), tickets.length === 0);
  setText(byId("tickets-more-text"), state.ticketsTruncated ? `Showing ${tickets.length}; older tickets are not loaded yet.` : "");
  show(byId("tickets-more"), state.ticketsTruncated);
  // The alerts watch every open ticket loaded, whatever the filters show.
  attention?.observe(alertSnapshot(watchedTickets()), state.moreOpenTickets);
}

/** The open and pending tickets, whatever the filters: the list's own when no filter narrows what is read. */
function watchedTickets() {
  return (filters?.key() ?? "active") === "active" ? state.tickets : state.watched;
}

/**
 * What the alerts need to know about the tickets on screen.
 * @param {Ticket[]} tickets
 */
function alertSnapshot(tickets) {
  return {
    tickets,
    // The alerts see tickets as their own narrower type; these are the console's tickets.
    deadlineOf: (/** @type {any} */ t) => deadlineOf(t),
    windowMsOf: (/** @type {any} */ t) => windowOf(t),
    warningRatio: state.settings?.warningRatio ?? 0.75,
    replyWindowWarningMs: (state.settings?.replyWindowWarningSeconds ?? 7200) * 1000,
    closesAt: (/** @type {string} */ id) => replyWindows.closesAt(id),
    label: (/** @type {any} */ t) => contactLabel(t.contactId),
  };
}

/** Keeps the open tickets' reply windows known (WhatsApp, Messenger, Instagram, Zalo), a few each poll. */
async function watchReplyWindows() {
  const tickets = watchedTickets().map((t) => ({ ...t, platform: state.channels.get(t.channelId)?.platform ?? null }));
  await replyWindows.refresh(tickets, Date.now());
}

/**
 * One row of the ticket list: a link to the ticket, so it works with the keyboard and the back button.
 * @param {Ticket} ticket
 */
function ticketItem(ticket) {
  const context = ticket.context ?? {};
  return h(
    "li",
    { class: `ticket ticket-${ticket.status}` },
    h(
      "a",
      { href: `#/tickets/${ticket.id}`, class: "ticket-link" },
      h("span", { class: "ticket-top" }, h("span", { class: "ticket-contact" }, contactLabel(ticket.contactId)), countdownElement(ticket)),
      h("span", { class: "ticket-reason" }, ticket.reason),
      h(
        "span",
        { class: "ticket-meta" },
        h("span", { class: `badge badge-${ticket.status}` }, ticket.status),
        context.sentiment ? h("span", { class: `chip chip-${context.sentiment}` }, context.sentiment) : null,
        context.intent ? h("span", { class: "chip" }, context.intent) : null,
        h("span", { class: "muted" }, channelLabel(ticket.channelId)),
        ticket.assignee
          ? h("span", { class: "muted" }, `→ ${assigneeLabel(ticket.assignee)}`)
          : h("span", { class: "muted" }, "unassigned"),
      ),
    ),
  );
}

/** Highlights the selected ticket without redrawing the list. */
function markSelected() {
  for (const item of Array.from(byId("ticket-list").children)) {
    if (!(item instanceof HTMLElement)) continue;
    const selected = item.dataset.key === state.selectedId;
    item.classList.toggle("selected", selected);
    const link = item.querySelector("a");
    if (link) link.toggleAttribute("aria-current", selected);
  }
}

/* ---------------------------------------------------------------- thread */

/**
 * The selected ticket, its conversation, contact and messages.
 * @param {string} ticketId
 */
async function loadThread(ticketId) {
  const session = state.session;
  const changes = state.changes;
  const still = () => session === state.session && state.selectedId === ticketId && changes === state.changes;
  let ticket;
  try {
    ({ data: ticket } = await api("GET", `/v1/tickets/${enc(ticketId)}`));
  } catch (error) {
    if (still() && error instanceof ApiError && error.status === 404) {
      setText(byId("thread-placeholder"), "This ticket does not exist in this workspace.");
    }
    throw error;
  }
  if (!still()) return;
  const changedConversation = state.thread.conversation?.id !== ticket.conversationId;
  const [conversation, messages] = await Promise.all([
    changedConversation || ticket.updatedAt !== state.thread.ticket?.updatedAt
      ? api("GET", `/v1/conversations/${enc(ticket.conversationId)}`).then((r) => r.data)
      : state.thread.conversation,
    api("GET", `/v1/conversations/${enc(ticket.conversationId)}/messages?limit=${LIST_LIMIT}`).then((r) => r.data),
    state.contacts.has(ticket.contactId) && !changedConversation ? null : loadContact(ticket.contactId),
    state.channels.has(ticket.channelId) ? null : loadChannels(),
  ]);
  if (!still()) return;
  state.thread.ticket = ticket;
  state.thread.conversation = conversation;
  replyWindows.note(conversation.id, conversation, Date.now());
  renderThread(messages);
}

/** @param {ListPage} messages */
function renderThread(messages) {
  const ticket = state.thread.ticket;
  if (!ticket) return;
  show(byId("thread-placeholder"), false);
  show(byId("thread"), true);
  renderThreadHead();
  renderActions();
  renderContext();
  renderMessages(messages);
  restoreDraft();
}

function renderThreadHead() {
  const ticket = state.thread.ticket;
  if (!ticket) return;
  const contact = state.contacts.get(ticket.contactId);
  setText(byId("thread-title"), contactLabel(ticket.contactId));
  const who = contact?.displayName ? `${contact.platformUserId} · ` : "";
  setText(byId("thread-subtitle"), `${who}${channelLabel(ticket.channelId)} · opened ${formatTime(ticket.createdAt)}`);
  byId("thread-buyer").setAttribute("href", `#/buyers/${ticket.contactId}`);
  const status = byId("thread-status");
  setText(status, ticket.status);
  status.className = `badge badge-${ticket.status}`;
  setCountdown(byId("thread-sla"), ticket);
  setReplyWindow(byId("thread-window"), state.thread.conversation);
}

function renderActions() {
  const ticket = state.thread.ticket;
  if (!ticket) return;
  const assignee = /** @type {HTMLInputElement} */ (byId("assignee"));
  // Never overwrite what the agent is typing.
  const label = ticket.assignee ? assigneeLabel(ticket.assignee) : "";
  if (document.activeElement !== assignee && assignee.dataset.ticket !== `${ticket.id}:${label}`) {
    assignee.value = label;
    assignee.dataset.ticket = `${ticket.id}:${label}`;
  }
  show(byId("assign-me"), Boolean(state.me) && ticket.assignee !== state.me?.id);
  show(byId("unassign"), Boolean(ticket.assignee));
  show(byId("resolve-button"), ticket.status !== "resolved");
  show(byId("pending-button"), ticket.status === "open");
  show(byId("reopen-button"), ticket.status !== "open");
}

function renderContext() {
  const ticket = state.thread.ticket;
  if (!ticket) return;
  const contact = state.contacts.get(ticket.contactId) ?? null;
  const conversation = state.thread.conversation;
  const context = ticket.context ?? {};
  const rows = contextRows(ticket, contact, conversation, context);
  redrawIfChanged(byId("context-list"), JSON.stringify(rows), () =>
    rows.flatMap(([term, value, chip]) => [
      h("dt", null, term),
      h("dd", null, chip ? h("span", { class: `chip chip-${value}` }, value) : value),
    ]),
  );
}

/**
 * What the gateway gathered for the agent, as [term, value, drawnAsChip] rows.
 * @param {Ticket} ticket
 * @param {Contact|null} contact
 * @param {Conversation|null} conversation
 * @param {TicketContext} context
 * @returns {[string, string, boolean][]}
 */
function contextRows(ticket, contact, conversation, context) {
  /** @type {[string, string, boolean][]} */
  const rows = [
    ["Reason", ticket.reason, false],
    ["Contact", contact ? `${contact.displayName ?? "(no name)"} · ${contact.platformUserId}` : ticket.contactId, false],
    ["Channel", channelLabel(ticket.channelId), false],
    ["Intent", context.intent ?? "—", false],
    ["Sentiment", context.sentiment ?? "—", Boolean(context.sentiment)],
    ["Order", context.orderId ?? "—", false],
    ["Order status", context.orderStatus ?? "—", false],
    ["Assignee", ticket.assignee ? assigneeLabel(ticket.assignee) : "unassigned", false],
  ];
  const tags = contact?.tags?.length ? contact.tags : conversation?.tags;
  if (tags?.length) rows.push(["Tags", tags.join(", "), false]);
  const queue = conversation?.queue ?? contact?.queue;
  if (queue) rows.push(["Queue", queue, false]);
  if (conversation?.state) rows.push(["Conversation", conversation.state.replaceAll("_", " "), false]);
  return rows;
}

/** @param {ListPage} page */
function renderMessages(page) {
  const list = byId("messages");
  const conversationId = state.thread.ticket?.conversationId ?? null;
  if (state.thread.drawnConversationId !== conversationId) state.stickToBottom = true;
  /** @type {Message[]} */
  const messages = [...page.data].reverse(); // the API answers newest first
  reconcile(
    list,
    messages,
    (m) => m.id,
    (m) => JSON.stringify(m),
    messageItem,
  );
  followNewest();
  state.thread.drawnConversationId = conversationId;
  const more = byId("messages-more");
  setText(more, page.nextCursor ? `Showing the latest ${LIST_LIMIT} messages.` : "");
  show(more, Boolean(page.nextCursor));
  if (!messages.length) list.replaceChildren(h("li", { class: "empty" }, "No messages yet."));
}

/** Keeps the newest message in view unless the agent scrolled up to read. */
function followNewest() {
  const list = byId("messages");
  if (state.stickToBottom && list.scrollTop !== list.scrollHeight) list.scrollTop = list.scrollHeight;
}

function onMessagesScroll() {
  const list = byId("messages");
  state.stickToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 32;
}

/**
 * One message: inbound on the left with the routing's reading, outbound on the right with its delivery status.
 * @param {Message} message
 */
function messageItem(message) {
  const inbound = message.direction === "inbound";
  const ai = inbound ? null : parseRouting(message.routing)?.ai;
  const model = message.author?.model ?? ai?.model;
  const who = inbound
    ? "customer"
    : message.author?.type === "ai"
      ? `AI${model ? ` (${model})` : ""}`
      : message.author?.type === "bot"
        ? "bot"
        : message.author?.type === "agent"
          ? "agent"
          : "business";
  return h(
    "li",
    { class: `message message-${message.direction} message-${message.status}` },
    h(
      "div",
      { class: "bubble" },
      message.text ??
        (message.template
          ? h("em", { class: "muted" }, `template ${message.template.name} (${message.template.language})`)
          : message.attachments?.length
            ? null
            : h("em", { class: "muted" }, "(no text)")),
      attachmentsOf(message),
    ),
    h(
      "div",
      { class: "message-meta" },
      h("span", null, who),
      h("time", { datetime: message.sentAt ?? "" }, formatTime(message.sentAt)),
      inbound ? null : h("span", { class: `delivery delivery-${message.status}` }, message.status),
      message.error ? h("span", { class: "delivery-error" }, message.error) : null,
    ),
    inbound ? routingOf(message) : ai ? aiTraceOf(ai) : null,
  );
}

/**
 * Why the AI answered as it did: every tool call with its arguments and result, the tokens and the time.
 * @param {AiTrace} ai
 */
function aiTraceOf(ai) {
  const calls = Array.isArray(ai.toolCalls) ? ai.toolCalls : [];
  const brief = (/** @type {unknown} */ value) => {
    const text = JSON.stringify(value) ?? "";
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  };
  return h(
    "div",
    { class: "routing" },
    h(
      "details",
      { class: "why" },
      h("summary", null, `Why: AI answer after ${calls.length} tool call${calls.length === 1 ? "" : "s"}`),
      h(
        "ul",
        null,
        ...calls.map((call) => h("li", null, `${call.name}(${brief(call.arguments)}) → ${brief(call.result)}`)),
        h(
          "li",
          { class: "muted" },
          `${ai.model ?? "model"} · ${ai.steps ?? 0} model calls · ${ai.tokens?.total ?? 0} tokens · ${ai.durationMs ?? 0} ms`,
        ),
      ),
    ),
  );
}

/** @param {Message} message */
function attachmentsOf(message) {
  const attachments = Array.isArray(message.attachments) ? message.attachments : [];
  if (!attachments.length) return null;
  return h(
    "ul",
    { class: "attachments" },
    ...attachments.map((a) => {
      const item = /** @type {{kind?: string, url?: string|null, mimeType?: string|null}} */ (a ?? {});
      const label = `${item.kind ?? "attachment"}${item.mimeType ? ` (${item.mimeType})` : ""}`;
      const url = safeHttpUrl(item.url);
      return h("li", null, url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, label) : label);
    }),
  );
}

/**
 * The URL when it is plain http(s), so no `javascript:` link can be drawn from data.
 * @param {unknown} value
 */
function safeHttpUrl(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The classifier's reading of an inbound message and why the rules acted as they did.
 * @param {Message} message
 */
function routingOf(message) {
  const routing = parseRouting(message.routing);
  if (!routing) return null;
  const c = routing.classification ?? {};
  const actions = routing.actions ?? [];
  const skipped = routing.skipped ?? [];
  return h(
    "div",
    { class: "routing" },
    h(
      "div",
      { class: "routing-chips" },
      c.intent ? h("span", { class: "chip" }, `intent ${c.intent}`) : null,
      c.sentiment ? h("span", { class: `chip chip-${c.sentiment}` }, `sentiment ${c.sentiment}`) : null,
      c.language && c.language !== "unknown" ? h("span", { class: "chip" }, c.language) : null,
      ...(c.orderIds ?? []).map((id) => h("span", { class: "chip" }, `order ${id}`)),
    ),
    actions.length || skipped.length
      ? h(
          "details",
          { class: "why" },
          h("summary", null, `Why: ${actions.map((a) => describeAction(a.action)).join(", ") || "no action"}`),
          h(
            "ul",
            null,
            ...actions.map((a) => h("li", null, `${describeAction(a.action)} — rule ${a.ruleId}: ${a.reason}`)),
            ...skipped.map((s) => h("li", { class: "muted" }, `held back by rule ${s.ruleId}: ${s.reason}`)),
          ),
          c.signals?.length ? h("p", { class: "muted small signals" }, `signals: ${c.signals.join(" · ")}`) : null,
        )
      : null,
  );
}

/**
 * Messages carry their routing as JSON; older gateways stored it as a string.
 * @param {Routing|string|null|undefined} routing
 * @returns {Routing|null}
 */
function parseRouting(routing) {
  if (!routing) return null;
  if (typeof routing === "object") return routing;
  try {
    return JSON.parse(routing);
  } catch {
    return null;
  }
}

/** @param {{type: string, [key: string]: unknown}} action */
function describeAction(action) {
  switch (action.type) {
    case "escalate":
      return `escalate (${String(action.reason ?? "")})`;
    case "tag":
      return `tag ${Array.isArray(action.tags) ? action.tags.join(", ") : ""}`;
    case "assign":
      return `assign to ${String(action.queue ?? "")}`;
    case "reply_template":
      return `auto-reply “${String(action.template ?? "")}”`;
    case "reply_order_status":
      return "auto-reply with the order status";
    case "note":
      return "note";
    case "ai_reply":
      return "hand to the AI";
    default:
      return action.type;
  }
}

/* ---------------------------------------------------------------- reply */

function saveDraft() {
  const id = state.thread.ticket?.conversationId;
  if (!id) return;
  const text = /** @type {HTMLTextAreaElement} */ (byId("reply-text")).value;
  if (text) state.drafts.set(id, text);
  else state.drafts.delete(id);
}

/** Puts back this conversation's draft once, when its thread is first drawn. */
function restoreDraft() {
  const textarea = /** @type {HTMLTextAreaElement} */ (byId("reply-text"));
  const id = state.thread.ticket?.conversationId ?? "";
  if (textarea.dataset.conversation === id) return;
  textarea.dataset.conversation = id;
  textarea.value = state.drafts.get(id) ?? "";
  canned?.checkUnfilled();
}

/**
 * @param {"sending"|"sent"|"pending"|"refused"|"error"|""} kind
 * @param {string} text
 */
function setReplyState(kind, text) {
  const node = byId("reply-state");
  node.className = `reply-state${kind ? ` reply-${kind}` : ""}`;
  setText(node, text);
}

/** @param {Event} event */
async function onReply(event) {
  event.preventDefault();
  const ticket = state.thread.ticket;
  const textarea = /** @type {HTMLTextAreaElement} */ (byId("reply-text"));
  const button = /** @type {HTMLButtonElement} */ (byId("reply-send"));
  const text = textarea.value.trim();
  if (!ticket || !text || button.disabled) return;
  button.disabled = true;
  setReplyState("sending", "Sending…");
  const platform = platformName(state.channels.get(ticket.channelId)?.platform ?? "the channel");
  try {
    const { status } = await api("POST", `/v1/conversations/${enc(ticket.conversationId)}/messages`, { text });
    // A poll that read the thread while the reply was being sent drew it as pending: the
    // thread is read again before the outcome is shown, so the two never disagree.
    state.changes += 1;
    if (textarea.value.trim() === text) textarea.value = "";
    canned?.checkUnfilled();
    state.drafts.delete(ticket.conversationId);
    if (state.selectedId === ticket.id) await loadThread(ticket.id).catch(() => undefined);
    if (status === 202) {
      setReplyState("pending", `Pending: ${platform} is busy or unreachable; the gateway keeps retrying this reply.`);
    } else {
      setReplyState("sent", `Sent through ${platform}.`);
    }
    void refresh();
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      setReplyState("refused", `Not sent: ${error.message}`);
    } else {
      setReplyState("error", `Not sent: ${errorText(error)}`);
      showError(error, "action");
    }
  } finally {
    button.disabled = false;
  }
}

/** Keeps the draft, and clears the last send's outcome once the agent edits again. */
function onReplyInput() {
  saveDraft();
  if (!byId("reply-state").classList.contains("reply-sending")) setReplyState("", "");
}

/** @param {KeyboardEvent} event */
function onReplyKey(event) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    /** @type {HTMLFormElement} */ (byId("reply-form")).requestSubmit();
  }
}

/* ---------------------------------------------------------------- ticket actions */

/**
 * PATCHes the selected ticket and redraws it and the list.
 * @param {{status?: string, assignee?: string|null}} patch
 * @param {string} done what to say once it worked
 */
async function changeTicket(patch, done) {
  const ticket = state.thread.ticket;
  if (!ticket) return;
  const buttons = Array.from(byId("ticket-actions").querySelectorAll("button"));
  for (const b of buttons) b.disabled = true;
  setText(byId("action-state"), "Saving…");
  try {
    const { data } = await api("PATCH", `/v1/tickets/${enc(ticket.id)}`, patch);
    state.changes += 1;
    if (state.selectedId !== data.id) return;
    state.thread.ticket = data;
    // The list keeps what its status filter shows: the resolved history, or the open and pending.
    const listed = filters?.status() === "resolved" ? data.status === "resolved" : data.status !== "resolved";
    state.tickets = listed ? upsert(state.tickets, data) : state.tickets.filter((t) => t.id !== data.id);
    renderThreadHead();
    renderActions();
    renderContext();
    renderTickets();
    setText(byId("action-state"), done);
    void refresh();
  } catch (error) {
    setText(byId("action-state"), `Not saved: ${errorText(error)}`);
    showError(error, "action");
  } finally {
    for (const b of buttons) b.disabled = false;
  }
}

/**
 * @param {Ticket[]} tickets
 * @param {Ticket} ticket
 */
function upsert(tickets, ticket) {
  return tickets.some((t) => t.id === ticket.id) ? tickets.map((t) => (t.id === ticket.id ? ticket : t)) : [...tickets, ticket];
}

/** @param {Event} event */
function onAssign(event) {
  event.preventDefault();
  const value = /** @type {HTMLInputElement} */ (byId("assignee")).value.trim();
  // A teammate's name assigns that agent (by id); anything else is kept as typed.
  const named = [...state.agents].filter(([, name]) => name.toLowerCase() === value.toLowerCase());
  const assignee = named.length === 1 ? (named[0]?.[0] ?? value) : value;
  void changeTicket({ assignee: assignee || null }, value ? `Assigned to ${value}.` : "Unassigned.");
}

/* ---------------------------------------------------------------- channels and endpoints */

async function loadChannelsView() {
  const session = state.session;
  const [, endpoints] = await Promise.all([loadChannels(), api("GET", `/v1/endpoints?limit=${LIST_LIMIT}`)]);
  if (session !== state.session) return;
  state.endpoints = endpoints.data.data;
  const shown = state.endpoints.slice(0, MAX_ENDPOINTS_WITH_ATTEMPTS);
  const attempts = await Promise.all(shown.map((e) => api("GET", `/v1/endpoints/${enc(e.id)}/attempts?limit=${ATTEMPT_LIMIT}`)));
  if (session !== state.session) return;
  state.attempts = new Map(shown.map((e, i) => [e.id, attempts[i]?.data.data ?? []]));
  renderChannelsView();
}

function renderChannelsView() {
  const channels = [...state.channels.values()];
  reconcile(
    byId("channel-list"),
    channels,
    (c) => c.id,
    (c) => JSON.stringify(c),
    channelItem,
  );
  setText(byId("channel-count"), channels.length ? String(channels.length) : "");
  show(byId("channels-empty"), channels.length === 0);
  const endpoints = state.endpoints;
  reconcile(
    byId("endpoint-list"),
    endpoints,
    (e) => e.id,
    (e) => JSON.stringify([e, state.attempts.get(e.id) ?? null]),
    endpointItem,
  );
  setText(byId("endpoint-count"), endpoints.length ? String(endpoints.length) : "");
  show(byId("endpoints-empty"), endpoints.length === 0);
}

/** A channel's health as the endpoints' badges colour it. */
const CHANNEL_STATUS_BADGE = /** @type {Record<string, string>} */ ({ active: "on", needs_attention: "pending", disconnected: "off" });

/** @param {Channel} channel */
function channelItem(channel) {
  const identifiers = Object.entries(channel.credentials ?? {}).map(([k, v]) => `${k} ${v}`);
  return h(
    "li",
    { class: "item" },
    h(
      "div",
      { class: "item-head" },
      h("strong", null, channel.name),
      h("span", { class: "chip" }, platformName(channel.platform)),
      h(
        "span",
        { class: `badge badge-${CHANNEL_STATUS_BADGE[channel.status ?? "active"] ?? "on"}` },
        (channel.status ?? "active").replace("_", " "),
      ),
    ),
    channel.statusReason ? h("div", { class: "small" }, channel.statusReason) : null,
    channel.tokenExpiresAt ? h("div", { class: "muted small" }, `token expires ${formatTime(channel.tokenExpiresAt)}`) : null,
    h("div", { class: "muted small" }, "Webhook URL"),
    h("code", { class: "url" }, channel.webhookUrl),
    identifiers.length ? h("div", { class: "muted small" }, identifiers.join(" · ")) : null,
    h("div", { class: "muted small" }, `${channel.id} · created ${formatTime(channel.createdAt)}`),
  );
}

/** @param {Endpoint} endpoint */
function endpointItem(endpoint) {
  const attempts = state.attempts.get(endpoint.id);
  const health = endpoint.enabled
    ? endpoint.failingSince
      ? "failing"
      : "enabled"
    : `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ""}`;
  return h(
    "li",
    { class: "item" },
    h(
      "div",
      { class: "item-head" },
      h("code", { class: "url" }, endpoint.url),
      h("span", { class: `badge badge-${endpoint.enabled ? "on" : "off"}` }, health),
    ),
    endpoint.description ? h("div", null, endpoint.description) : null,
    h("div", { class: "muted small" }, `${endpoint.eventTypes.length ? endpoint.eventTypes.join(", ") : "all events"} · ${endpoint.id}`),
    attempts ? attemptsTable(attempts) : h("p", { class: "muted small" }, "Attempts not loaded for this endpoint."),
  );
}

/** @param {Attempt[]} attempts */
function attemptsTable(attempts) {
  if (!attempts.length) return h("p", { class: "muted small" }, "No delivery attempts yet.");
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "attempts" },
      h("caption", { class: "visually-hidden" }, "Recent delivery attempts"),
      h("thead", null, h("tr", null, ...["When", "Result", "HTTP", "ms", "#", "Event", "Error"].map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        null,
        ...attempts.map((a) =>
          h(
            "tr",
            null,
            h("td", null, formatTime(a.createdAt)),
            h("td", null, h("span", { class: `badge badge-${a.status}` }, a.status)),
            h("td", null, a.responseStatus ?? "—"),
            h("td", null, a.durationMs ?? "—"),
            h("td", null, a.attempt),
            h("td", null, h("code", null, a.eventId)),
            h("td", { class: "error-cell" }, a.error ?? ""),
          ),
        ),
      ),
    ),
  );
}

/* ---------------------------------------------------------------- dashboard and admin (dashboard.js, admin.js) */

/** What the dashboard and the admin view borrow from this module: the API, DOM helpers, names. */
const extraViews = (() => {
  const kit = {
    api,
    h,
    byId,
    setText,
    show,
    reconcile,
    formatTime,
    describeError,
    channelLabel,
    hasChannel: (/** @type {string} */ id) => state.channels.has(id),
    loadChannels,
    liveSaleOn: () => Boolean(state.settings?.liveSale?.enabled),
    isAdmin: () => state.me?.role === "admin",
    session: () => state.session,
  };
  return { dashboard: mountDashboard(kit), admin: mountAdmin(kit) };
})();

/* ---------------------------------------------------------------- alerts, canned replies, shortcuts */

function wireTeamTools() {
  const replyBox = /** @type {HTMLTextAreaElement} */ (byId("reply-text"));
  attention = setupAttention({
    enableButton: /** @type {HTMLButtonElement} */ (byId("alerts-enable")),
    stateText: byId("alerts-state"),
    soundToggle: /** @type {HTMLInputElement} */ (byId("sound-toggle")),
    replyBox,
    baseTitle: document.title,
    open: (ticketId) => {
      location.hash = `#/tickets/${ticketId}`;
    },
  });
  canned = setupCannedReplies({
    select: /** @type {HTMLSelectElement} */ (byId("canned-select")),
    textarea: replyBox,
    warning: byId("reply-unfilled"),
    values: cannedValues,
  });
  setupShortcuts({
    dialog: /** @type {HTMLDialogElement} */ (byId("shortcuts-help")),
    list: byId("shortcuts-list"),
    closeButton: /** @type {HTMLButtonElement} */ (byId("shortcuts-close")),
    openButton: /** @type {HTMLButtonElement} */ (byId("shortcuts-open")),
    replyBox,
    leaveReply: focusSelectedTicket,
    actions: {
      active: () => Boolean(state.apiKey) && state.view === "tickets",
      next: () => stepTicket(1),
      previous: () => stepTicket(-1),
      reply: () => {
        if (!byId("thread").hidden) replyBox.focus();
      },
      resolve: () => clickIfShown("resolve-button"),
      assignToMe: () => clickIfShown("assign-me"),
      search: () => {
        const input = /** @type {HTMLInputElement} */ (byId("search-q"));
        input.focus();
        input.select();
      },
    },
  });
}

/** The open ticket's facts for a canned reply's variables. */
function cannedValues() {
  const ticket = state.thread.ticket;
  if (!ticket) return ticketVariables({ agentName: state.me?.name });
  return ticketVariables({
    contactName: state.contacts.get(ticket.contactId)?.displayName,
    orderId: ticket.context?.orderId,
    orderStatus: ticket.context?.orderStatus,
    agentName: state.me?.name,
    channelName: state.channels.get(ticket.channelId)?.name,
  });
}

/**
 * j / k: opens the next or previous ticket in the list's order and puts the focus on it.
 * @param {1|-1} step
 */
function stepTicket(step) {
  const keys = Array.from(byId("ticket-list").children, (item) => (item instanceof HTMLElement ? (item.dataset.key ?? "") : "")).filter(
    Boolean,
  );
  if (!keys.length) return;
  const at = state.selectedId ? keys.indexOf(state.selectedId) : -1;
  const next = at === -1 ? keys[0] : keys[Math.min(keys.length - 1, Math.max(0, at + step))];
  if (!next) return;
  if (next !== state.selectedId) {
    location.hash = `#/tickets/${next}`;
    // hashchange comes later; selecting now lets the next key press start from this ticket.
    applyRoute();
  }
  ticketLink(next)?.focus();
}

/** Esc in the reply box: back to the ticket in the list, where the single keys work. */
function focusSelectedTicket() {
  const link = state.selectedId ? ticketLink(state.selectedId) : null;
  if (link) link.focus();
  else byId("reply-text").blur();
}

/** @param {string} ticketId */
function ticketLink(ticketId) {
  for (const item of Array.from(byId("ticket-list").children)) {
    if (item instanceof HTMLElement && item.dataset.key === ticketId) return item.querySelector("a");
  }
  return null;
}

/** @param {string} id */
function clickIfShown(id) {
  const button = /** @type {HTMLButtonElement} */ (byId(id));
  if (!button.hidden && !button.disabled && !byId("thread").hidden) button.click();
}

/* ---------------------------------------------------------------- start */

function wire() {
  byId("signin-form").addEventListener("submit", (e) => void onSignIn(/** @type {SubmitEvent} */ (e)));
  byId("sign-out").addEventListener("click", () => signOut());
  byId("banner-close").addEventListener("click", hideBanner);
  byId("live-sale").addEventListener("change", () => void onLiveSaleChange());
  byId("reply-form").addEventListener("submit", (e) => void onReply(e));
  byId("reply-text").addEventListener("keydown", (e) => onReplyKey(/** @type {KeyboardEvent} */ (e)));
  byId("reply-text").addEventListener("input", onReplyInput);
  byId("messages").addEventListener("scroll", onMessagesScroll, { passive: true });
  // A resize, the context folding or the viewport turning must not lose the newest message.
  new ResizeObserver(followNewest).observe(byId("messages"));
  byId("assign-form").addEventListener("submit", onAssign);
  byId("assign-me").addEventListener("click", () => void changeTicket({ assignee: "me" }, "Assigned to you."));
  byId("search-form").addEventListener("submit", (e) => void onSearch(/** @type {SubmitEvent} */ (e)));
  byId("search-q").addEventListener("search", () => {
    if (!(/** @type {HTMLInputElement} */ (byId("search-q")).value)) clearSearch();
  });
  byId("unassign").addEventListener("click", () => void changeTicket({ assignee: null }, "Unassigned."));
  byId("resolve-button").addEventListener("click", () => void changeTicket({ status: "resolved" }, "Resolved."));
  byId("reopen-button").addEventListener("click", () => void changeTicket({ status: "open" }, "Reopened."));
  byId("pending-button").addEventListener("click", () => void changeTicket({ status: "pending" }, "Set to pending."));
  byId("tickets-more-button").addEventListener("click", loadMoreTickets);
  byId("search-more").addEventListener("click", () => {
    if (state.search?.nextCursor) void searchPage(state.search.q, state.search.nextCursor);
  });
  filters = setupTicketFilters({
    // A filter the API applies: the list is read again (as many pages as "Load more" asked for).
    onServerChange: () => {
      // Back to no filter: the open and pending tickets are already read; else wait for the filtered list.
      state.tickets = filters?.key() === "active" ? state.watched : [];
      state.ticketsTruncated = false;
      renderTickets();
      void refresh();
    },
    onLocalChange: renderTickets,
  });
  wireTeamTools();
  window.addEventListener("hashchange", applyRoute);
  document.addEventListener("visibilitychange", onVisibilityChange);
  setInterval(tick, 1000);
}

function start() {
  wire();
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) {
    signOut();
    return;
  }
  state.apiKey = key;
  state.session += 1;
  enterConsole();
}

start();
