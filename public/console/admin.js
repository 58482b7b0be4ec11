// @ts-check
/**
 * Fix it from the console (admins): dead letters (inspect, retry), endpoint health (failing
 * since, disabled, re-enable, replay what failed) and the routing rules (view, edit as JSON,
 * saved with `If-Match: <version>`; the API's validation errors listed at their paths).
 *
 * An `agent` key reads all of it but its controls are hidden; the API answers its writes 403
 * anyway, and that answer is shown where the action was tried.
 */

/**
 * What app.js lends this view.
 * @typedef {{
 *   api: (method: "GET"|"POST"|"PATCH"|"PUT", path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number, data: any }>,
 *   h: (tag: string, attrs?: Record<string, string|number|boolean|null|undefined>|null, ...children: any[]) => HTMLElement,
 *   byId: (id: string) => HTMLElement,
 *   setText: (node: HTMLElement, text: string) => void,
 *   show: (node: HTMLElement, shown: boolean) => void,
 *   reconcile: <T>(container: HTMLElement, items: T[], keyOf: (item: T) => string, signatureOf: (item: T) => string,
 *     render: (item: T) => HTMLElement) => void,
 *   channelLabel: (channelId: string) => string,
 *   formatTime: (iso: string|null|undefined) => string,
 *   describeError: (error: unknown) => string,
 *   isAdmin: () => boolean,
 *   session: () => number,
 * }} AdminKit
 *
 * @typedef {{ id: string, queue: "inbound"|"deliveries", channelId: string|null, reason: string, body: unknown,
 *   createdAt: string, retriedAt: string|null }} DeadLetter
 * @typedef {{ id: string, url: string, description: string|null, enabled: boolean, disabledReason?: string|null,
 *   failingSince?: string|null, eventTypes: string[] }} Endpoint
 * @typedef {{ eventId: string, eventType: string, status: "failed"|"held"|string, reason: string|null,
 *   lastError: string|null, createdAt: string }} FailedEvent
 * @typedef {{ id: string, agentId: string, agentName: string, action: string, targetId: string|null,
 *   detail: Record<string, unknown>|null, status: number, createdAt: string }} AuditEntry
 */

const LIST_LIMIT = 50;
/** The lists cost a request per endpoint: polled every few seconds they are read at most this often. */
const RELOAD_MS = 10_000;
const BODY_PREVIEW_CHARS = 600;

/**
 * What a dead letter held, briefly: the platform, when it came and the start of its body
 * (an inbound delivery), or the event and endpoint (a delivery).
 * @param {unknown} body
 */
export function summarizeDeadLetterBody(body) {
  if (!body || typeof body !== "object") return { facts: [], preview: JSON.stringify(body) ?? "" };
  const b = /** @type {Record<string, unknown>} */ (body);
  /** @type {[string, string][]} */
  const facts = [];
  if (typeof b.platform === "string") facts.push(["Platform", b.platform]);
  if (typeof b.receivedAt === "number") facts.push(["Received", new Date(b.receivedAt).toISOString()]);
  if (typeof b.kind === "string") facts.push(["Kind", b.kind]);
  if (typeof b.eventId === "string") facts.push(["Event", b.eventId]);
  if (typeof b.endpointId === "string") facts.push(["Endpoint", b.endpointId]);
  if (typeof b.messageId === "string") facts.push(["Message", b.messageId]);
  if (typeof b.blobId === "string") facts.push(["Stored body", b.blobId]);
  const raw = typeof b.body === "string" ? b.body : JSON.stringify(body);
  if (typeof b.body === "string") facts.push(["Body", `${b.body.length} characters`]);
  const preview = raw.length > BODY_PREVIEW_CHARS ? `${raw.slice(0, BODY_PREVIEW_CHARS)}…` : raw;
  return { facts, preview };
}

/**
 * Where the value at a validation error's path (`rules.3.when.textMatches`) starts and ends
 * in `JSON.stringify(value, null, 2)`: the text before it is the same whatever the value, so
 * a marker put there shows the offset. Null when the path is not in the value.
 * @param {unknown} value
 * @param {string} path
 * @returns {{ start: number, end: number }|null}
 */
export function locatePath(value, path) {
  const keys = path.split(".").filter(Boolean);
  if (!keys.length || !value || typeof value !== "object") return null;
  const copy = structuredClone(value);
  /** @type {any} */
  let parent = copy;
  for (const key of keys.slice(0, -1)) {
    parent = parent?.[key];
    if (!parent || typeof parent !== "object") return null;
  }
  const last = /** @type {string} */ (keys[keys.length - 1]);
  if (!(last in parent)) return null;
  const original = parent[last];
  const marker = "\u0000switchboard-marker\u0000";
  parent[last] = marker;
  const start = JSON.stringify(copy, null, 2).indexOf(JSON.stringify(marker));
  if (start < 0) return null;
  // The value's own text, indented as it sits at that depth.
  const depth = keys.length + 1;
  const text = (JSON.stringify(original, null, 2) ?? "").replaceAll("\n", `\n${"  ".repeat(depth - 1)}`);
  return { start, end: start + text.length };
}

/** @param {AdminKit} kit */
export function mountAdmin(kit) {
  const { h } = kit;
  /** @type {DeadLetter[]} */
  let deadLetters = [];
  /** More dead letters than the first page holds. */
  let moreDeadLetters = false;
  /** @type {Endpoint[]} */
  let endpoints = [];
  /** @type {Map<string, FailedEvent[]>} */
  let failed = new Map();
  /** The audit list's latest page: who did what, when (read by admins only). */
  /** @type {AuditEntry[]} */
  let audit = [];
  /** Outcome of the last action per object id, shown beside it until the next one. */
  /** @type {Map<string, { kind: "ok"|"error", text: string }>} */
  const outcomes = new Map();
  /** The rules as last read: their version goes in If-Match. Read once, so polling never overwrites an edit. */
  /** @type {{ version: number, isDefault: boolean, updatedAt: string|null }|null} */
  let rulesRead = null;

  let loadedAt = 0;
  let calledAt = 0;

  /**
   * Reads the lists (and the rules, once). Polls come every few seconds: they read again
   * only every RELOAD_MS, but opening the view or acting reads at once.
   * @param {boolean} [force]
   */
  async function load(force = false) {
    const now = Date.now();
    const returning = now - calledAt > RELOAD_MS;
    calledAt = now;
    if (!force && !returning && now - loadedAt < RELOAD_MS) return;
    const session = kit.session();
    const [letters, eps, entries] = await Promise.all([
      kit.api("GET", `/v1/dead-letters?limit=${LIST_LIMIT}`),
      kit.api("GET", `/v1/endpoints?limit=${LIST_LIMIT}`),
      kit.isAdmin() ? kit.api("GET", `/v1/audit?limit=${LIST_LIMIT}`) : null,
      rulesRead ? null : loadRules(),
    ]);
    /** @type {Endpoint[]} */
    const list = eps.data.data;
    const failedPages = await Promise.all(
      list.map((e) => kit.api("GET", `/v1/endpoints/${encodeURIComponent(e.id)}/failed-events?limit=${LIST_LIMIT}`)),
    );
    if (session !== kit.session()) return;
    loadedAt = Date.now();
    deadLetters = letters.data.data;
    moreDeadLetters = Boolean(letters.data.nextCursor);
    endpoints = list;
    failed = new Map(list.map((e, i) => [e.id, failedPages[i]?.data.data ?? []]));
    audit = entries?.data.data ?? [];
    render();
  }

  function render() {
    const admin = kit.isAdmin();
    kit.show(kit.byId("admin-readonly"), !admin);
    kit.show(kit.byId("rules-actions"), admin);
    /** @type {HTMLTextAreaElement} */ (kit.byId("rules-text")).readOnly = !admin;
    kit.reconcile(
      kit.byId("dead-letter-list"),
      deadLetters,
      (d) => d.id,
      (d) => JSON.stringify([d, outcomes.get(d.id) ?? null, admin]),
      deadLetterItem,
    );
    kit.show(kit.byId("dead-letters-empty"), deadLetters.length === 0);
    kit.setText(kit.byId("dead-letter-count"), deadLetters.length ? `${deadLetters.length}${moreDeadLetters ? "+" : ""}` : "");
    kit.reconcile(
      kit.byId("health-list"),
      endpoints,
      (e) => e.id,
      (e) => JSON.stringify([e, failed.get(e.id) ?? [], outcomes.get(e.id) ?? null, admin]),
      endpointItem,
    );
    kit.show(kit.byId("health-empty"), endpoints.length === 0);
    kit.show(kit.byId("audit-card"), admin);
    kit.reconcile(
      kit.byId("audit-list"),
      admin ? audit : [],
      (a) => a.id,
      (a) => JSON.stringify(a),
      auditItem,
    );
    kit.show(kit.byId("audit-empty"), admin && audit.length === 0);
  }

  /** @param {AuditEntry} entry */
  function auditItem(entry) {
    return h(
      "li",
      { class: "item audit-entry" },
      h(
        "div",
        { class: "item-head" },
        h("strong", null, entry.agentName),
        h("code", null, entry.action),
        h("span", { class: `badge badge-${entry.status < 400 ? "on" : "failed"}` }, String(entry.status)),
      ),
      h(
        "p",
        { class: "muted small" },
        `${kit.formatTime(entry.createdAt)}${entry.targetId ? ` · ${entry.targetId}` : ""}${entry.detail ? ` · ${JSON.stringify(entry.detail)}` : ""}`,
      ),
    );
  }

  /**
   * An action's button: hidden from an agent (the API would refuse it 403).
   * @param {string} label
   * @param {string} action
   * @param {string} id
   * @param {string} [cls]
   */
  function actionButton(label, action, id, cls = "") {
    return h(
      "button",
      { type: "button", class: `admin-action ${cls}`.trim(), "data-action": action, "data-id": id, hidden: !kit.isAdmin() },
      label,
    );
  }

  /** @param {string} id */
  function outcomeOf(id) {
    const outcome = outcomes.get(id);
    return h("p", { class: `admin-outcome${outcome ? ` admin-outcome-${outcome.kind}` : ""}`, role: "status" }, outcome?.text ?? "");
  }

  /** @param {DeadLetter} letter */
  function deadLetterItem(letter) {
    const { facts, preview } = summarizeDeadLetterBody(letter.body);
    return h(
      "li",
      { class: "item dead-letter" },
      h(
        "div",
        { class: "item-head" },
        h("span", { class: "chip" }, letter.queue),
        letter.channelId ? h("span", { class: "muted small" }, kit.channelLabel(letter.channelId)) : null,
        h("time", { class: "muted small", datetime: letter.createdAt }, kit.formatTime(letter.createdAt)),
        letter.retriedAt ? h("span", { class: "badge badge-pending" }, `retried ${kit.formatTime(letter.retriedAt)}`) : null,
      ),
      h("p", { class: "dead-letter-reason" }, letter.reason),
      h(
        "details",
        { class: "why" },
        h("summary", null, "Inspect"),
        h("dl", { class: "context-list" }, ...facts.flatMap(([term, value]) => [h("dt", null, term), h("dd", null, value)])),
        h("pre", { class: "body-preview" }, preview),
      ),
      h("div", { class: "item-actions" }, actionButton("Retry", "retry-dead-letter", letter.id)),
      outcomeOf(letter.id),
    );
  }

  /** @param {Endpoint} endpoint */
  function endpointItem(endpoint) {
    const events = failed.get(endpoint.id) ?? [];
    const health = !endpoint.enabled
      ? `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ""}`
      : endpoint.failingSince
        ? "failing"
        : "healthy";
    const badge = !endpoint.enabled ? "off" : endpoint.failingSince ? "failed" : "on";
    const oldest = events.length ? events[events.length - 1]?.createdAt : null;
    return h(
      "li",
      { class: "item endpoint-health" },
      h("div", { class: "item-head" }, h("code", { class: "url" }, endpoint.url), h("span", { class: `badge badge-${badge}` }, health)),
      endpoint.failingSince ? h("p", { class: "small" }, `Failing since ${kit.formatTime(endpoint.failingSince)}`) : null,
      h(
        "p",
        { class: "muted small" },
        events.length
          ? `${events.length}${events.length === LIST_LIMIT ? "+" : ""} events did not get through`
          : "Nothing waiting to be replayed.",
      ),
      events.length
        ? h(
            "ul",
            { class: "failed-events small" },
            ...events
              .slice(0, 5)
              .map((e) =>
                h(
                  "li",
                  null,
                  `${e.eventType} `,
                  h("code", null, e.eventId),
                  ` ${e.status}${e.reason ? ` (${e.reason})` : ""}${e.lastError ? `: ${e.lastError}` : ""}`,
                ),
              ),
          )
        : null,
      h(
        "div",
        { class: "item-actions" },
        endpoint.enabled ? null : actionButton("Re-enable", "enable-endpoint", endpoint.id),
        oldest ? actionButton(`Replay failed since ${kit.formatTime(oldest)}`, "replay-endpoint", endpoint.id) : null,
      ),
      outcomeOf(endpoint.id),
    );
  }

  /**
   * Runs an action, then shows its outcome (the API's refusal included) beside the object.
   * @param {string} id
   * @param {() => Promise<string>} run
   */
  async function act(id, run) {
    try {
      outcomes.set(id, { kind: "ok", text: await run() });
    } catch (error) {
      outcomes.set(id, { kind: "error", text: kit.describeError(error) });
    }
    await load(true).catch(() => render());
  }

  /**
   * What each action button does, by its `data-action`: answers the outcome to show.
   * @type {Record<string, (id: string) => Promise<string>>}
   */
  const actions = {
    "retry-dead-letter": async (id) => {
      const { data } = await kit.api("POST", `/v1/dead-letters/${encodeURIComponent(id)}/retry`);
      return `Sent through again at ${kit.formatTime(data.retriedAt)}.`;
    },
    "enable-endpoint": async (id) => {
      await kit.api("PATCH", `/v1/endpoints/${encodeURIComponent(id)}`, { enabled: true });
      return "Enabled again.";
    },
    "replay-endpoint": async (id) => {
      // Newest first: the last listed is the oldest that did not get through.
      const events = failed.get(id) ?? [];
      const since = events[events.length - 1]?.createdAt;
      if (!since) return "Nothing to replay.";
      const { data } = await kit.api("POST", `/v1/endpoints/${encodeURIComponent(id)}/replay`, { since });
      return `${data.replayed} event${data.replayed === 1 ? "" : "s"} queued again.`;
    },
  };

  /** @param {Event} event */
  function onClick(event) {
    const target = event.target instanceof Element ? event.target.closest("button[data-action]") : null;
    if (!(target instanceof HTMLButtonElement) || target.disabled) return;
    const run = actions[target.dataset.action ?? ""];
    if (!run) return;
    const id = target.dataset.id ?? "";
    target.disabled = true;
    void act(id, () => run(id));
  }

  /* ------------------------------------------------------------ rules */

  async function loadRules() {
    const session = kit.session();
    const { data } = await kit.api("GET", "/v1/rules");
    if (session !== kit.session()) return;
    const { version, isDefault, updatedAt, ...ruleSet } = data;
    rulesRead = { version, isDefault, updatedAt };
    const textarea = /** @type {HTMLTextAreaElement} */ (kit.byId("rules-text"));
    textarea.value = JSON.stringify(ruleSet, null, 2);
    renderRulesVersion();
  }

  function renderRulesVersion() {
    if (!rulesRead) return;
    const { version, isDefault, updatedAt } = rulesRead;
    kit.setText(
      kit.byId("rules-version"),
      isDefault ? "Version 0: the built-in defaults (none saved yet)." : `Version ${version}, saved ${kit.formatTime(updatedAt)}.`,
    );
  }

  /**
   * @param {"ok"|"error"|""} kind
   * @param {string} text
   * @param {{ path: string, message: string }[]} [problems]
   * @param {boolean} [offerReload]
   */
  function setRulesState(kind, text, problems = [], offerReload = false) {
    const node = kit.byId("rules-state");
    node.className = `rules-state${kind ? ` rules-state-${kind}` : ""}`;
    kit.setText(node, text);
    kit
      .byId("rules-problems")
      .replaceChildren(
        ...problems.map((p) =>
          h(
            "li",
            { class: "rules-problem" },
            p.path
              ? h("button", { type: "button", class: "link-button", "data-path": p.path, title: "Show it in the rules" }, p.path)
              : "(the whole body)",
            `: ${p.message}`,
          ),
        ),
      );
    kit.show(kit.byId("rules-reload"), offerReload);
  }

  /** @param {Event} event */
  async function onSave(event) {
    event.preventDefault();
    if (!rulesRead) return;
    const textarea = /** @type {HTMLTextAreaElement} */ (kit.byId("rules-text"));
    let body;
    try {
      body = JSON.parse(textarea.value);
    } catch (error) {
      setRulesState("error", `Not saved: this is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
      return;
    }
    const button = /** @type {HTMLButtonElement} */ (kit.byId("rules-save"));
    button.disabled = true;
    setRulesState("", "Saving…");
    try {
      const { data } = await kit.api("PUT", "/v1/rules", body, { "if-match": `"${rulesRead.version}"` });
      const { version, isDefault, updatedAt, ...ruleSet } = data;
      rulesRead = { version, isDefault, updatedAt };
      textarea.value = JSON.stringify(ruleSet, null, 2);
      renderRulesVersion();
      setRulesState("ok", `Saved as version ${version}.`);
    } catch (error) {
      const status = /** @type {{ status?: number }} */ (error)?.status;
      const details = /** @type {{ details?: unknown }} */ (error)?.details;
      if (status === 409 || status === 412) {
        setRulesState(
          "error",
          `Not saved: someone else saved the rules since you loaded version ${rulesRead.version} (${kit.describeError(error)}). Reload to see theirs, then make your change again; your text stays here until you reload.`,
          [],
          true,
        );
      } else if (status === 400 && Array.isArray(details)) {
        setRulesState("error", "Not saved: the API refused these parts of the rules.", details.map(toProblem));
      } else {
        setRulesState("error", `Not saved: ${kit.describeError(error)}`);
      }
    } finally {
      button.disabled = false;
    }
  }

  /** @param {unknown} detail */
  function toProblem(detail) {
    const d = /** @type {{ path?: unknown, message?: unknown }} */ (detail ?? {});
    return { path: typeof d.path === "string" ? d.path : "", message: typeof d.message === "string" ? d.message : "invalid" };
  }

  /**
   * Selects the value a validation error names, so the admin sees it in the text box. The
   * text is pretty-printed first when it was formatted otherwise, so the offsets hold.
   * @param {string} path
   */
  function showPath(path) {
    const textarea = /** @type {HTMLTextAreaElement} */ (kit.byId("rules-text"));
    let value;
    try {
      value = JSON.parse(textarea.value);
    } catch {
      return;
    }
    const pretty = JSON.stringify(value, null, 2);
    const found = locatePath(value, path);
    if (!found) return;
    if (textarea.value !== pretty) textarea.value = pretty;
    textarea.focus();
    textarea.setSelectionRange(found.start, found.end);
    // Scroll the selection into view: roughly its line times the line height.
    const line = pretty.slice(0, found.start).split("\n").length - 1;
    textarea.scrollTop = Math.max(0, line * (textarea.scrollHeight / pretty.split("\n").length) - textarea.clientHeight / 3);
  }

  async function onReload() {
    setRulesState("", "Loading…");
    try {
      await loadRules();
      setRulesState("ok", "Reloaded the rules as saved now.");
    } catch (error) {
      setRulesState("error", `Could not reload: ${kit.describeError(error)}`);
    }
  }

  function reset() {
    loadedAt = 0;
    deadLetters = [];
    moreDeadLetters = false;
    endpoints = [];
    failed = new Map();
    outcomes.clear();
    rulesRead = null;
    for (const id of ["dead-letter-list", "health-list", "rules-problems"]) kit.byId(id).replaceChildren();
    /** @type {HTMLTextAreaElement} */ (kit.byId("rules-text")).value = "";
    kit.setText(kit.byId("rules-version"), "");
    setRulesState("", "");
  }

  kit.byId("admin-view").addEventListener("click", onClick);
  kit.byId("rules-form").addEventListener("submit", (e) => void onSave(e));
  kit.byId("rules-reload").addEventListener("click", () => void onReload());
  kit.byId("rules-problems").addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-path]") : null;
    if (button instanceof HTMLButtonElement) showPath(button.dataset.path ?? "");
  });

  return { load, reset };
}
