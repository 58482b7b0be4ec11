// What the console announces (public/console/attention.js): new escalations, SLA warnings and
// breaches, reply windows about to close; each once, and nothing for the backlog at sign-in.
import { describe, expect, it } from "vitest";

interface Ticket {
  id: string;
  conversationId: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  sla?: { warnedAt: string | null; breachedAt: string | null; stoppedAt: string | null } | null;
}
interface Alert {
  kind: string;
  ticketId: string;
  title: string;
}
interface Attention {
  createMemory(): unknown;
  collectAlerts(memory: unknown, snapshot: unknown, now: number): Alert[];
  slaLevel(ticket: Ticket, now: number, deadline: number, windowMs: number, ratio: number): string;
  titleWith(base: string, open: number, more: boolean): string;
  createReplyWindowWatch(
    fetch: (id: string) => Promise<{ replyWindow?: { closesAt: string | null } } | null>,
    options?: { perPoll?: number; keepMs?: number },
  ): {
    refresh(tickets: { conversationId: string; status: string; platform: string | null }[], now: number): Promise<void>;
    closesAt(id: string): number | null;
  };
}

const attention = (await import(new URL("../../../public/console/attention.js", import.meta.url).href)) as Attention;

const T0 = Date.parse("2026-12-07T20:00:00Z");
const HOUR = 3600_000;

function ticket(id: string, openedAt: number, extra: Partial<Ticket> = {}): Ticket {
  const iso = new Date(openedAt).toISOString();
  return { id, conversationId: `conv_${id}`, status: "open", createdAt: iso, updatedAt: iso, sla: null, ...extra };
}

/** One-hour windows, warning at 75 %; reply windows as given. */
function snapshot(tickets: Ticket[], closesAt: Record<string, number> = {}) {
  return {
    tickets,
    deadlineOf: (t: Ticket) => Date.parse(t.createdAt) + HOUR,
    windowMsOf: () => HOUR,
    warningRatio: 0.75,
    replyWindowWarningMs: 2 * HOUR,
    closesAt: (id: string) => closesAt[id] ?? null,
    label: (t: Ticket) => `buyer ${t.id}`,
  };
}

describe("console attention", () => {
  it("takes note of the backlog at sign-in without announcing it, then announces a new ticket once", () => {
    const memory = attention.createMemory();
    const old = ticket("a", T0 - 50 * 60_000); // already in its warning
    expect(attention.collectAlerts(memory, snapshot([old]), T0)).toEqual([]);
    expect(attention.collectAlerts(memory, snapshot([old]), T0 + 3000)).toEqual([]);
    const fresh = ticket("b", T0 + 5000);
    const alerts = attention.collectAlerts(memory, snapshot([old, fresh]), T0 + 6000);
    expect(alerts.map((a) => [a.kind, a.ticketId])).toEqual([["new", "b"]]);
    expect(alerts[0]?.title).toBe("New escalation: buyer b");
    expect(attention.collectAlerts(memory, snapshot([old, fresh]), T0 + 9000)).toEqual([]);
  });

  it("does not call a ticket new when a further page brings in one opened long before", () => {
    const memory = attention.createMemory();
    attention.collectAlerts(memory, snapshot([]), T0);
    expect(attention.collectAlerts(memory, snapshot([ticket("old", T0 - 3 * HOUR)]), T0 + 3000)).toEqual([]);
    expect(attention.collectAlerts(memory, snapshot([ticket("pend", T0 + 1000, { status: "pending" })]), T0 + 6000)).toEqual([]);
  });

  it("does not announce again a ticket that left the loaded page and came back unchanged, but does a reopened one", () => {
    const memory = attention.createMemory();
    attention.collectAlerts(memory, snapshot([]), T0);
    const t = ticket("a", T0 + 1000);
    expect(attention.collectAlerts(memory, snapshot([t]), T0 + 2000).map((a) => a.kind)).toEqual(["new"]);
    expect(attention.collectAlerts(memory, snapshot([]), T0 + 3000)).toEqual([]);
    expect(attention.collectAlerts(memory, snapshot([t]), T0 + 4000)).toEqual([]);
    expect(attention.collectAlerts(memory, snapshot([]), T0 + 5000)).toEqual([]);
    const reopened = { ...t, updatedAt: new Date(T0 + 6000).toISOString() };
    expect(attention.collectAlerts(memory, snapshot([reopened]), T0 + 7000).map((a) => a.kind)).toEqual(["new"]);
  });

  it("announces the warning, then the breach, as the countdown crosses them, once each", () => {
    const memory = attention.createMemory();
    const t = ticket("a", T0);
    attention.collectAlerts(memory, snapshot([]), T0);
    expect(attention.collectAlerts(memory, snapshot([t]), T0 + 1000).map((a) => a.kind)).toEqual(["new"]);
    expect(attention.collectAlerts(memory, snapshot([t]), T0 + 44 * 60_000)).toEqual([]);
    expect(attention.collectAlerts(memory, snapshot([t]), T0 + 45 * 60_000).map((a) => a.kind)).toEqual(["sla_warning"]);
    expect(attention.collectAlerts(memory, snapshot([t]), T0 + 50 * 60_000)).toEqual([]);
    expect(attention.collectAlerts(memory, snapshot([t]), T0 + HOUR).map((a) => a.kind)).toEqual(["sla_breached"]);
    expect(attention.collectAlerts(memory, snapshot([t]), T0 + 2 * HOUR)).toEqual([]);
  });

  it("trusts the worker's warnedAt and breachedAt, and is quiet for an answered or resolved ticket", () => {
    const at = new Date(T0).toISOString();
    expect(
      attention.slaLevel(ticket("a", T0, { sla: { warnedAt: at, breachedAt: null, stoppedAt: null } }), T0, T0 + HOUR, HOUR, 0.75),
    ).toBe("warn");
    expect(attention.slaLevel(ticket("a", T0, { sla: { warnedAt: at, breachedAt: at, stoppedAt: null } }), T0, T0 + HOUR, HOUR, 0.75)).toBe(
      "late",
    );
    expect(attention.slaLevel(ticket("a", T0, { sla: { warnedAt: at, breachedAt: at, stoppedAt: at } }), T0, T0 + HOUR, HOUR, 0.75)).toBe(
      "done",
    );
    expect(attention.slaLevel(ticket("a", T0, { status: "resolved" }), T0 + 2 * HOUR, T0 + HOUR, HOUR, 0.75)).toBe("done");
    expect(attention.slaLevel(ticket("a", T0), T0, T0 + HOUR, HOUR, 0.75)).toBe("ok");
  });

  it("announces a reply window entering its warning once per window, and again for the buyer's next window", () => {
    const memory = attention.createMemory();
    const t = ticket("a", T0, { sla: { warnedAt: null, breachedAt: null, stoppedAt: T0.toString() } });
    attention.collectAlerts(memory, snapshot([t]), T0);
    const closes = T0 + 5 * HOUR;
    expect(attention.collectAlerts(memory, snapshot([t], { conv_a: closes }), T0 + HOUR)).toEqual([]);
    const inWarning = attention.collectAlerts(memory, snapshot([t], { conv_a: closes }), closes - 2 * HOUR);
    expect(inWarning.map((a) => [a.kind, a.ticketId])).toEqual([["reply_window", "a"]]);
    expect(attention.collectAlerts(memory, snapshot([t], { conv_a: closes }), closes - HOUR)).toEqual([]);
    expect(attention.collectAlerts(memory, snapshot([t], { conv_a: closes }), closes + 1)).toEqual([]);
    const nextWindow = closes + 24 * HOUR;
    expect(attention.collectAlerts(memory, snapshot([t], { conv_a: nextWindow }), nextWindow - HOUR).map((a) => a.kind)).toEqual([
      "reply_window",
    ]);
    const pending = { ...t, status: "pending" };
    expect(attention.collectAlerts(attention.createMemory(), snapshot([pending], { conv_a: nextWindow }), nextWindow - HOUR)).toEqual([]);
  });

  it("puts the open count in the title, with a plus when more are not loaded", () => {
    expect(attention.titleWith("Switchboard · Agent console", 3, false)).toBe("(3) Switchboard · Agent console");
    expect(attention.titleWith("Switchboard · Agent console", 200, true)).toBe("(200+) Switchboard · Agent console");
    expect(attention.titleWith("Switchboard · Agent console", 0, false)).toBe("Switchboard · Agent console");
  });

  it("reads reply windows only for open tickets on platforms that have them, a few a poll, each kept a while", async () => {
    const asked: string[] = [];
    const watch = attention.createReplyWindowWatch(
      async (id) => {
        asked.push(id);
        return id === "gone" ? null : { replyWindow: { closesAt: new Date(T0 + HOUR).toISOString() } };
      },
      { perPoll: 2, keepMs: 60_000 },
    );
    const tickets = [
      { conversationId: "w1", status: "open", platform: "whatsapp" },
      { conversationId: "w2", status: "open", platform: "zalo" },
      { conversationId: "w3", status: "open", platform: "messenger" },
      { conversationId: "gone", status: "open", platform: "instagram" },
      { conversationId: "tt", status: "open", platform: "tiktok" },
      { conversationId: "p", status: "pending", platform: "whatsapp" },
    ];
    await watch.refresh(tickets, T0);
    expect(asked).toEqual(["w1", "w2"]);
    await watch.refresh(tickets, T0 + 3000);
    expect(asked).toEqual(["w1", "w2", "w3", "gone"]);
    await watch.refresh(tickets, T0 + 6000);
    expect(asked).toHaveLength(4);
    expect(watch.closesAt("w3")).toBe(T0 + HOUR);
    expect(watch.closesAt("gone")).toBeNull();
    expect(watch.closesAt("tt")).toBeNull();
    await watch.refresh(tickets, T0 + 61_000);
    expect(asked.slice(4)).toEqual(["w1", "w2"]);
  });
});
