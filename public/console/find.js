// @ts-check
/**
 * Finding things in the console: the ticket list's filters and the buyer's page.
 *
 * Status, channel and assignee are asked of the API (`GET /v1/tickets?status=&channelId=&assignee=`);
 * SLA, sentiment and tag only filter the tickets already loaded, and the list says so.
 * The buyer's page shows one contact and its conversations; the API has no identity across
 * channels, so conversations of other contacts with the same display name are shown as just that:
 * a name match.
 */

/**
 * @typedef {{ id: string, conversationId: string, contactId: string, channelId: string, status: string,
 *   assignee: string|null, context?: { sentiment?: string|null }|null, sla?: { breachedAt: string|null, stoppedAt: string|null }|null }} FindTicket
 * @typedef {{ id: string, platformUserId: string, displayName: string|null, status?: string, tags?: string[] }} FindContact
 * @typedef {{ id: string, contactId: string, channelId: string, lastMessageAt: string, tags?: string[] }} FindConversation
 */

/**
 * @param {string} id
 * @returns {any}
 */
function el(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node;
}

/**
 * The ticket list's filters.
 * @param {{ onServerChange: () => void, onLocalChange: () => void }} hooks
 */
export function setupTicketFilters(hooks) {
  /** @type {HTMLSelectElement} */
  const status = el("find-status");
  /** @type {HTMLSelectElement} */
  const channel = el("find-channel");
  /** @type {HTMLSelectElement} */
  const assignee = el("find-assignee");
  /** @type {HTMLSelectElement} */
  const sla = el("find-sla");
  /** @type {HTMLSelectElement} */
  const sentiment = el("find-sentiment");
  /** @type {HTMLInputElement} */
  const tag = el("find-tag");
  for (const control of [status, channel, assignee]) control.addEventListener("change", () => hooks.onServerChange());
  for (const control of [sla, sentiment]) control.addEventListener("change", () => hooks.onLocalChange());
  tag.addEventListener("input", () => hooks.onLocalChange());
  el("find-form").addEventListener("submit", (/** @type {Event} */ e) => e.preventDefault());
  el("find-clear").addEventListener("click", () => {
    const server = key();
    status.value = "active";
    channel.value = "";
    assignee.value = "";
    sla.value = "";
    sentiment.value = "";
    tag.value = "";
    if (server !== key()) hooks.onServerChange();
    else hooks.onLocalChange();
  });

  /** What is asked of the API, as the query's tail: changes when a server-side filter changes. */
  function query() {
    return `${channel.value ? `&channelId=${encodeURIComponent(channel.value)}` : ""}${
      assignee.value ? `&assignee=${encodeURIComponent(assignee.value)}` : ""
    }`;
  }

  function key() {
    return `${status.value}${query()}`;
  }

  function localActive() {
    return Boolean(sla.value || sentiment.value || tag.value.trim());
  }

  return {
    /** Whether any filter narrows the list. */
    active: () => status.value !== "active" || Boolean(query()) || localActive(),
    /** @returns {"active"|"resolved"} */
    status: () => (status.value === "resolved" ? "resolved" : "active"),
    query,
    key,
    /**
     * The channels to choose from; the chosen one stays.
     * @param {{ id: string, name: string, platform: string }[]} channels
     */
    setChannels(channels) {
      const signature = JSON.stringify(channels.map((c) => [c.id, c.name, c.platform]));
      if (channel.dataset.sig === signature) return;
      channel.dataset.sig = signature;
      const chosen = channel.value;
      const any = document.createElement("option");
      any.value = "";
      any.textContent = "Any channel";
      const options = channels.map((c) => {
        const option = document.createElement("option");
        option.value = c.id;
        option.textContent = `${c.name} (${c.platform})`;
        return option;
      });
      channel.replaceChildren(any, ...options);
      channel.value = channels.some((c) => c.id === chosen) ? chosen : "";
    },
    /**
     * The loaded tickets that pass the filters the API cannot apply.
     * @template {FindTicket} T
     * @param {T[]} tickets
     * @param {{ now: number, deadlineOf: (t: T) => number, windowMsOf: (t: T) => number, warningRatio: number,
     *   contactOf: (id: string) => FindContact|undefined }} how
     * @returns {T[]}
     */
    apply(tickets, how) {
      const word = tag.value.trim().toLowerCase();
      return tickets.filter((t) => {
        if (sla.value) {
          const waiting = !t.sla?.stoppedAt && t.status !== "resolved";
          const left = how.deadlineOf(t) - how.now;
          const breached = Boolean(t.sla?.breachedAt) || (waiting && left <= 0);
          const soon = waiting && left > 0 && left <= how.windowMsOf(t) * (1 - how.warningRatio);
          if (sla.value === "breached" ? !breached : !(breached || soon)) return false;
        }
        if (sentiment.value && (t.context?.sentiment ?? "") !== sentiment.value) return false;
        if (word) {
          const tags = how.contactOf(t.contactId)?.tags ?? [];
          if (!tags.some((x) => x.toLowerCase().includes(word))) return false;
        }
        return true;
      });
    },
    /**
     * Says what the list shows.
     * @param {number} loaded
     * @param {number} shown
     */
    describe(loaded, shown) {
      const what =
        status.value === "resolved" ? "Resolved, newest first." : "Open and pending, closest to breaching the response window first.";
      const local = localActive() ? ` Filtering the ${loaded} loaded: ${shown} match.` : "";
      el("find-note").textContent = `${what}${local}`;
    },
  };
}

/**
 * The buyer's page, `#/buyers/<contactId>`.
 * @param {{ api: (path: string) => Promise<{ data: any }>, channelLabel: (id: string) => string,
 *   formatTime: (iso: string) => string, ticketFor: (conversationId: string) => string|null,
 *   loadTicketsOf: (contactId: string) => Promise<FindTicket[]>, onError: (error: unknown) => void }} deps
 */
export function mountBuyerPage(deps) {
  let asked = 0;

  /** @param {string} contactId */
  async function load(contactId) {
    const mine = ++asked;
    const title = el("buyer-title");
    const facts = el("buyer-facts");
    const own = el("buyer-conversations");
    const namesakeList = el("buyer-namesakes");
    const stateLine = el("buyer-state");
    title.textContent = "Buyer";
    facts.replaceChildren();
    own.replaceChildren();
    namesakeList.replaceChildren();
    stateLine.textContent = "Loading the buyer…";
    try {
      const { data: contact } = await deps.api(`/v1/contacts/${encodeURIComponent(contactId)}`);
      if (mine !== asked) return;
      /** @type {FindContact} */
      const buyer = contact;
      const [byId, byName, tickets] = await Promise.all([
        search(buyer.platformUserId),
        buyer.displayName ? search(buyer.displayName) : Promise.resolve([]),
        deps.loadTicketsOf(buyer.id),
      ]);
      if (mine !== asked) return;
      const seen = new Map([...byId, ...byName].map((c) => [c.id, c]));
      const ownConversations = [...seen.values()].filter((c) => c.contactId === buyer.id);
      // The search also matches message text: keep only other contacts whose display name is this one.
      const others = await namesOf([...new Set([...seen.values()].map((c) => c.contactId).filter((id) => id !== buyer.id))]);
      if (mine !== asked) return;
      const name = (buyer.displayName ?? "").trim().toLowerCase();
      const namesakes = [...seen.values()].filter((c) => {
        const other = others.get(c.contactId);
        return c.contactId !== buyer.id && Boolean(name) && other?.displayName?.trim().toLowerCase() === name;
      });
      const ticketOf = (/** @type {string} */ conversationId) =>
        tickets.find((t) => t.conversationId === conversationId)?.id ?? deps.ticketFor(conversationId);
      title.textContent = buyer.displayName ?? buyer.platformUserId;
      const channelIds = [...new Set(ownConversations.map((c) => c.channelId))];
      /** @type {[string, string][]} */
      const rows = [
        ["Name", buyer.displayName ?? "(no name)"],
        ["Platform user id", buyer.platformUserId],
        ["Channel", channelIds.length ? channelIds.map(deps.channelLabel).join(", ") : "—"],
        ["Tags", buyer.tags?.length ? buyer.tags.join(", ") : "—"],
        ["Status", buyer.status ?? "—"],
      ];
      facts.replaceChildren(
        ...rows.flatMap(([term, value]) => {
          const dt = document.createElement("dt");
          dt.textContent = term;
          const dd = document.createElement("dd");
          dd.textContent = value;
          return [dt, dd];
        }),
      );
      own.replaceChildren(
        ...(ownConversations.length ? ownConversations.map((c) => item(c, ticketOf(c.id), null)) : [empty("No conversations found.")]),
      );
      namesakeList.replaceChildren(
        ...(namesakes.length
          ? namesakes.map((c) => item(c, ticketOf(c.id), others.get(c.contactId) ?? null))
          : [empty("No other contact has this name.")]),
      );
      stateLine.textContent = "";
    } catch (error) {
      if (mine !== asked) return;
      const status = /** @type {{ status?: number }} */ (error).status;
      stateLine.textContent = status === 404 ? "No such buyer in this workspace." : "Could not load the buyer.";
      if (status !== 404) deps.onError(error);
    }
  }

  /**
   * Conversations found by a name or a platform user id (the API needs 2 characters or more).
   * @param {string} q
   * @returns {Promise<FindConversation[]>}
   */
  async function search(q) {
    if (q.trim().length < 2) return [];
    const { data } = await deps.api(`/v1/conversations?q=${encodeURIComponent(q.trim().slice(0, 200))}&limit=50`);
    return data.data;
  }

  /**
   * The contacts behind these ids (at most 20 looked up), by id.
   * @param {string[]} ids
   * @returns {Promise<Map<string, FindContact>>}
   */
  async function namesOf(ids) {
    const found = await Promise.all(
      ids.slice(0, 20).map((id) =>
        deps.api(`/v1/contacts/${encodeURIComponent(id)}`).then(
          (answer) => /** @type {FindContact} */ (answer.data),
          () => null,
        ),
      ),
    );
    return new Map(found.filter((c) => c !== null).map((c) => [c.id, c]));
  }

  /**
   * @param {FindConversation} conversation
   * @param {string|null} ticketId
   * @param {FindContact|null} other another contact with the same name
   */
  function item(conversation, ticketId, other) {
    const li = document.createElement("li");
    li.className = "buyer-conversation";
    const label = `${deps.channelLabel(conversation.channelId)} · last message ${deps.formatTime(conversation.lastMessageAt)}`;
    if (ticketId) {
      const a = document.createElement("a");
      a.href = `#/tickets/${ticketId}`;
      a.textContent = label;
      li.append(a);
    } else {
      li.append(label, " · no ticket");
    }
    if (other) {
      const a = document.createElement("a");
      a.href = `#/buyers/${other.id}`;
      a.textContent = `${other.displayName ?? "(no name)"} · ${other.platformUserId}`;
      li.append(" · name match: ", a);
    }
    return li;
  }

  /** @param {string} text */
  function empty(text) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = text;
    return li;
  }

  return { load };
}
