// @ts-check
/**
 * Getting the agent's attention on a busy night: the count of open escalations in the tab's
 * title, and a desktop notification (once the agent allows it) with an optional short tone
 * for a new escalation, an SLA warning or breach, and a platform reply window about to close.
 *
 * The console learns of changes by polling (app.js, every few seconds); this module compares
 * each poll's tickets with what it has already announced, and the 1-second tick lets a
 * countdown cross into "warn" or "late" between polls. Nothing is announced while the agent
 * is typing a reply (text in the box, and the focus there or a key pressed in the last few
 * seconds): they see the count in the title and the list when they look up.
 * `collectAlerts` is pure and unit-tested (test/unit/console/attention.test.ts).
 */

/** A reply typed within this long counts as "still typing", even after the box lost focus. */
export const TYPING_QUIET_MS = 4000;
/** Server and browser clocks differ a little: a ticket changed this long before watching began still counts as new. */
const CLOCK_SLACK_MS = 120_000;
/** More alerts than this at once become one summary notification. */
const MAX_SEPARATE_NOTIFICATIONS = 3;
/** Platforms whose conversations have a reply window (the others have `closesAt: null`). */
const REPLY_WINDOW_PLATFORMS = new Set(["whatsapp", "messenger", "instagram", "zalo"]);

/**
 * @typedef {{ id: string, conversationId: string, status: string, createdAt: string, updatedAt: string,
 *   sla?: { warnedAt: string|null, breachedAt: string|null, stoppedAt: string|null }|null }} AlertTicket
 * @typedef {"done"|"ok"|"warn"|"late"} SlaLevel
 * @typedef {{ tickets: AlertTicket[], deadlineOf: (t: AlertTicket) => number, windowMsOf: (t: AlertTicket) => number,
 *   warningRatio: number, replyWindowWarningMs: number, closesAt: (conversationId: string) => number|null,
 *   label: (t: AlertTicket) => string }} Snapshot
 * @typedef {{ kind: "new"|"sla_warning"|"sla_breached"|"reply_window", ticketId: string, title: string, body: string }} Alert
 * @typedef {{ startedAt: number|null, levels: Map<string, SlaLevel>, windows: Map<string, number>, lastSeen: Map<string, string> }} Memory
 */

/** @returns {Memory} */
export function createMemory() {
  // lastSeen (ticket id → updatedAt) outlives a ticket's absence: one paged out and back is not news.
  return { startedAt: null, levels: new Map(), windows: new Map(), lastSeen: new Map() };
}

const RANK = { done: 0, ok: 1, warn: 2, late: 3 };

/**
 * Where a ticket's agent-response clock stands, as the countdowns colour it; the server's
 * `warnedAt` / `breachedAt` count too, so a clock the worker already flagged is never "ok".
 * @param {AlertTicket} ticket
 * @param {number} now
 * @param {number} deadline
 * @param {number} windowMs
 * @param {number} warningRatio
 * @returns {SlaLevel}
 */
export function slaLevel(ticket, now, deadline, windowMs, warningRatio) {
  if (ticket.status === "resolved" || ticket.sla?.stoppedAt) return "done";
  if (ticket.sla?.breachedAt || now >= deadline) return "late";
  if (ticket.sla?.warnedAt || deadline - now <= windowMs * (1 - warningRatio)) return "warn";
  return "ok";
}

/**
 * What is new since the last call: tickets that appeared (opened or reopened since the
 * console started watching), clocks that crossed into warn or late, reply windows entering
 * their warning. The first call only takes note, so signing in does not ring for the backlog.
 * @param {Memory} memory updated in place
 * @param {Snapshot} snapshot
 * @param {number} now
 * @returns {Alert[]}
 */
export function collectAlerts(memory, snapshot, now) {
  const first = memory.startedAt === null;
  if (first) memory.startedAt = now;
  const since = memory.startedAt ?? now;
  /** @type {Alert[]} */
  const alerts = [];
  const present = new Set();
  for (const ticket of snapshot.tickets) {
    present.add(ticket.id);
    const level = slaLevel(ticket, now, snapshot.deadlineOf(ticket), snapshot.windowMsOf(ticket), snapshot.warningRatio);
    const known = memory.levels.get(ticket.id);
    memory.levels.set(ticket.id, known && RANK[known] > RANK[level] ? known : level);
    const seenAs = memory.lastSeen.get(ticket.id);
    memory.lastSeen.set(ticket.id, ticket.updatedAt);
    if (first) continue;
    const label = snapshot.label(ticket);
    if (known === undefined) {
      // Not news: one seen before and unchanged since (paged out and back), or one opened
      // long ago that a further page only now brings in. A reopened one changed: it is news.
      const changedAt = Math.max(Date.parse(ticket.createdAt), Date.parse(ticket.updatedAt));
      if (ticket.status === "open" && seenAs !== ticket.updatedAt && changedAt >= since - CLOCK_SLACK_MS) {
        alerts.push({ kind: "new", ticketId: ticket.id, title: `New escalation: ${label}`, body: "A buyer needs a person." });
      }
      continue;
    }
    if (RANK[level] <= RANK[known]) continue;
    if (level === "late")
      alerts.push({ kind: "sla_breached", ticketId: ticket.id, title: `SLA breached: ${label}`, body: "The response window has passed." });
    else if (level === "warn") {
      alerts.push({
        kind: "sla_warning",
        ticketId: ticket.id,
        title: `SLA warning: ${label}`,
        body: "This ticket is about to breach its response window.",
      });
    }
  }
  for (const id of memory.levels.keys()) if (!present.has(id)) memory.levels.delete(id);

  const watched = new Set();
  for (const ticket of snapshot.tickets) {
    if (ticket.status !== "open") continue;
    const closesAt = snapshot.closesAt(ticket.conversationId);
    if (closesAt === null || closesAt <= now || closesAt - now > snapshot.replyWindowWarningMs) continue;
    watched.add(ticket.conversationId);
    if (memory.windows.get(ticket.conversationId) === closesAt) continue;
    memory.windows.set(ticket.conversationId, closesAt);
    if (first) continue;
    const minutes = Math.max(1, Math.round((closesAt - now) / 60000));
    alerts.push({
      kind: "reply_window",
      ticketId: ticket.id,
      title: `Reply window closing: ${snapshot.label(ticket)}`,
      body: `The platform stops accepting a normal reply in ${minutes} min.`,
    });
  }
  for (const id of memory.windows.keys()) if (!watched.has(id)) memory.windows.delete(id);
  return alerts;
}

/**
 * The tab's title with the open escalations in front: "(3) Switchboard · Agent console".
 * @param {string} base
 * @param {number} open
 * @param {boolean} more true when more open tickets exist than the console has loaded
 */
export function titleWith(base, open, more) {
  return open > 0 || more ? `(${open}${more ? "+" : ""}) ${base}` : base;
}

/**
 * The reply windows of the open tickets' conversations, fetched a few at a time and kept a
 * while, so watching them costs a bounded number of requests per poll.
 * @param {(conversationId: string) => Promise<{ replyWindow?: { closesAt: string|null } }|null>} fetchConversation
 * @param {{ perPoll?: number, keepMs?: number }} [options]
 */
export function createReplyWindowWatch(fetchConversation, { perPoll = 10, keepMs = 60_000 } = {}) {
  /** @type {Map<string, { closesAt: number|null, fetchedAt: number }>} */
  const known = new Map();
  return {
    /**
     * @param {{ conversationId: string, status: string, platform: string|null }[]} tickets
     * @param {number} now
     */
    async refresh(tickets, now) {
      const wanted = new Set(
        tickets.filter((t) => t.status === "open" && REPLY_WINDOW_PLATFORMS.has(t.platform ?? "")).map((t) => t.conversationId),
      );
      for (const id of known.keys()) if (!wanted.has(id)) known.delete(id);
      const stale = [...wanted]
        .filter((id) => now - (known.get(id)?.fetchedAt ?? Number.NEGATIVE_INFINITY) >= keepMs)
        .sort((a, b) => (known.get(a)?.fetchedAt ?? 0) - (known.get(b)?.fetchedAt ?? 0))
        .slice(0, perPoll);
      await Promise.all(stale.map(async (id) => this.note(id, await fetchConversation(id), now)));
    },
    /**
     * Takes a conversation the console read anyway (the open thread's).
     * @param {string} id
     * @param {{ replyWindow?: { closesAt: string|null } }|null} conversation
     * @param {number} now
     */
    note(id, conversation, now) {
      const closesAt = conversation?.replyWindow?.closesAt;
      known.set(id, { closesAt: closesAt ? Date.parse(closesAt) : null, fetchedAt: now });
    },
    /** @param {string} id */
    closesAt(id) {
      return known.get(id)?.closesAt ?? null;
    },
    clear() {
      known.clear();
    },
  };
}

/**
 * The attention controls in the top bar and the delivery of alerts.
 * @param {{ enableButton: HTMLButtonElement, stateText: HTMLElement, soundToggle: HTMLInputElement,
 *   replyBox: HTMLTextAreaElement, baseTitle: string, open: (ticketId: string) => void }} parts
 */
export function setupAttention({ enableButton, stateText, soundToggle, replyBox, baseTitle, open }) {
  let memory = createMemory();
  /** @type {Snapshot|null} */
  let snapshot = null;
  let lastTypedAt = 0;
  /** @type {AudioContext|null} */
  let audio = null;

  replyBox.addEventListener("input", () => {
    lastTypedAt = Date.now();
  });

  // Composing means text in the box, and the focus there or a key pressed a moment ago; an
  // emptied box is a reply given up, not one in progress.
  const typing = () => replyBox.value.trim() !== "" && (document.activeElement === replyBox || Date.now() - lastTypedAt < TYPING_QUIET_MS);

  const supported = () => "Notification" in window;

  const paintPermission = () => {
    const permission = supported() ? Notification.permission : "unsupported";
    enableButton.hidden = permission !== "default";
    const text =
      permission === "granted"
        ? "Desktop alerts on"
        : permission === "denied"
          ? "Desktop alerts blocked in this browser"
          : permission === "unsupported"
            ? "No desktop alerts in this browser"
            : "";
    if (stateText.textContent !== text) stateText.textContent = text;
    stateText.hidden = !text;
  };

  enableButton.addEventListener("click", async () => {
    if (!supported()) return;
    enableButton.disabled = true;
    try {
      await Notification.requestPermission();
    } finally {
      enableButton.disabled = false;
      paintPermission();
    }
  });

  soundToggle.checked = false;
  soundToggle.addEventListener("change", () => {
    soundToggle.parentElement?.classList.toggle("on", soundToggle.checked);
    // Created in the click, so the browser lets it play; the tone confirms the choice.
    if (soundToggle.checked) {
      audio ??= new AudioContext();
      tone();
    }
  });

  /** A short two-note chime, made on the spot: no audio file to fetch. */
  const tone = () => {
    if (!audio) return;
    void audio.resume();
    const start = audio.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.16, 1320],
    ]) {
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.type = "sine";
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.2, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.15);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.16);
    }
  };

  /** @param {Alert[]} alerts */
  const deliver = (alerts) => {
    if (!alerts.length || typing()) return;
    if (soundToggle.checked) tone();
    if (!supported() || Notification.permission !== "granted") return;
    const shown =
      alerts.length > MAX_SEPARATE_NOTIFICATIONS
        ? [{ ...alerts[0], title: `${alerts.length} tickets need you`, body: alerts.map((a) => a.title).join("\n") }]
        : alerts;
    for (const alert of shown) {
      if (!alert) continue;
      const notification = new Notification(alert.title, { body: alert.body, tag: `${alert.kind}:${alert.ticketId}` });
      notification.onclick = () => {
        window.focus();
        open(alert.ticketId);
        notification.close();
      };
    }
  };

  const check = () => {
    if (snapshot) deliver(collectAlerts(memory, snapshot, Date.now()));
  };

  paintPermission();

  return {
    /**
     * A poll's tickets: the title's count, and what is new since the last poll.
     * @param {Snapshot} next
     * @param {boolean} moreOpen more open tickets exist than were loaded
     */
    observe(next, moreOpen) {
      snapshot = next;
      const open = next.tickets.filter((t) => t.status === "open").length;
      document.title = titleWith(baseTitle, open, moreOpen);
      check();
    },
    /** Every second: a countdown may have crossed into warn or late between polls. */
    tick() {
      check();
      paintPermission();
    },
    /** Sign-out: forget everything, so the next agent is not told about this one's backlog. */
    reset() {
      memory = createMemory();
      snapshot = null;
      document.title = baseTitle;
    },
  };
}
