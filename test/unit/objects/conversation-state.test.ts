import { describe, expect, it } from "vitest";
import {
  admitMessage,
  armWindowWarning,
  cancelWindowWarning,
  dueClocks,
  dueWindowWarning,
  escalate,
  finishMessage,
  INITIAL_STATE,
  isFinished,
  newClock,
  nextAlarm,
  noteAdReferral,
  noteInbound,
  reserveSeq,
  resolveTicket,
  startClock,
  stopClocks,
  withDefaults,
} from "../../../src/objects/conversation-state.ts";

describe("conversation state", () => {
  it("numbers new messages in arrival order, replies in the same sequence", () => {
    const first = admitMessage(INITIAL_STATE, "m1", null);
    expect(first).toMatchObject({ duplicate: false, rerun: false, seq: 1 });
    if (first.duplicate) throw new Error("unreachable");
    const reply = reserveSeq(first.next);
    expect(reply.seq).toBe(2);
    expect(admitMessage(reply.next, "m2", null)).toMatchObject({ duplicate: false, seq: 3, next: { nextSeq: 4 } });
  });

  it("refuses a message stored before and finished, however long ago", () => {
    expect(admitMessage({ ...INITIAL_STATE, nextSeq: 5000 }, "m1", { seq: 1 })).toEqual({ duplicate: true });
  });

  it("lists an admitted message as unfinished in the state, and finishing it there makes it a duplicate", () => {
    const admitted = admitMessage(INITIAL_STATE, "m1", null);
    if (admitted.duplicate) throw new Error("unreachable");
    expect(admitted.next.unfinishedMessageIds).toEqual(["m1"]);
    // Its stored message says it was admitted; still listed, it is re-run in its first position.
    const row = { seq: 1 };
    expect(admitMessage(admitted.next, "m1", row)).toEqual({ duplicate: false, rerun: true, seq: 1, next: admitted.next });
    const finished = finishMessage(admitted.next, "m1");
    expect(finished.unfinishedMessageIds).toEqual([]);
    expect(isFinished(finished, "m1")).toBe(true);
    expect(admitMessage(finished, "m1", row)).toEqual({ duplicate: true });
    // Finishing what is not listed leaves the state as it is.
    expect(finishMessage(finished, "m1")).toBe(finished);
  });

  it("admits an unfinished message again as a re-run, in its first position, taking no new one", () => {
    const state = { ...INITIAL_STATE, nextSeq: 9, unfinishedMessageIds: ["m4"] };
    expect(admitMessage(state, "m4", { seq: 4 })).toEqual({ duplicate: false, rerun: true, seq: 4, next: state });
  });

  it("fills fields added since a state was saved and drops the retired de-duplication window", () => {
    expect(withDefaults({ nextSeq: 7 })).toEqual({ ...INITIAL_STATE, nextSeq: 7 });
    const saved = { nextSeq: 7, recentMessageIds: ["a"], unfinished: ["a"] } as Partial<typeof INITIAL_STATE>;
    expect(withDefaults(saved)).toEqual({ ...INITIAL_STATE, nextSeq: 7 });
  });

  it("goes to a human on escalation and back to the bot when that ticket is resolved", () => {
    const escalated = escalate(INITIAL_STATE, "tk_1");
    expect(escalated).toMatchObject({ mode: "awaiting_human", openTicketId: "tk_1" });
    expect(resolveTicket(escalated, "tk_other")).toBe(escalated);
    expect(resolveTicket(escalated, "tk_1")).toMatchObject({ mode: "bot", openTicketId: null });
  });
});

describe("SLA clocks", () => {
  const t0 = 1_000_000;
  const clock = newClock("first_response", "c1", "msg_1", t0, 100, 0.75);

  it("warns at the warning ratio and breaches at the deadline", () => {
    expect(clock).toMatchObject({ warnAt: t0 + 75_000, deadline: t0 + 100_000 });
    const running = startClock(INITIAL_STATE, clock);
    expect(nextAlarm(running)).toBe(t0 + 75_000);
    expect(dueClocks(running, t0 + 74_999)).toMatchObject({ warnings: [], breaches: [] });

    const warned = dueClocks(running, t0 + 75_000);
    expect(warned.warnings.map((c) => c.id)).toEqual(["c1"]);
    expect(warned.breaches).toEqual([]);
    expect(nextAlarm(warned.next)).toBe(t0 + 100_000);
    // At-least-once alarms: running the same instant again warns no more.
    expect(dueClocks(warned.next, t0 + 75_000).warnings).toEqual([]);

    const breached = dueClocks(warned.next, t0 + 100_000);
    expect(breached.breaches.map((c) => c.id)).toEqual(["c1"]);
    expect(breached.warnings).toEqual([]);
    expect(nextAlarm(breached.next)).toBeNull();
    // A breached clock breaches once, and a late reply still stops it.
    expect(dueClocks(breached.next, t0 + 200_000).breaches).toEqual([]);
    expect(stopClocks(breached.next, ["first_response"]).stopped.map((c) => c.id)).toEqual(["c1"]);
  });

  it("warns and breaches together when the alarm comes late", () => {
    const late = dueClocks(startClock(INITIAL_STATE, clock), t0 + 500_000);
    expect(late.warnings.map((c) => c.id)).toEqual(["c1"]);
    expect(late.breaches.map((c) => c.id)).toEqual(["c1"]);
  });

  it("starts a clock once, and a reply stops every first-response clock but not the agent's", () => {
    let state = startClock(INITIAL_STATE, clock);
    state = startClock(state, clock);
    state = startClock(state, newClock("first_response", "c2", "msg_2", t0 + 10, 100, 0.75));
    state = startClock(state, newClock("agent_response", "c3", "tk_1", t0, 3600, 0.75));
    expect(state.clocks).toHaveLength(3);
    const { next, stopped } = stopClocks(state, ["first_response"]);
    expect(stopped.map((c) => c.id)).toEqual(["c1", "c2"]);
    expect(next.clocks.map((c) => c.id)).toEqual(["c3"]);
  });
});

describe("reply-window warning", () => {
  const t0 = Date.parse("2026-12-07T10:00:00Z");
  const HOUR = 3600_000;
  const window = (lastInboundAt: number) => ({ closesAt: lastInboundAt + 24 * HOUR, rule: "whatsapp_customer_service_24h" });
  const TWO_HOURS = 2 * HOUR;

  it("arms a warning the given time before the window closes, and sets the alarm for it", () => {
    const armed = armWindowWarning(INITIAL_STATE, window(t0), TWO_HOURS, t0);
    expect(armed.windowWarning).toEqual({ closesAt: t0 + 24 * HOUR, warnAt: t0 + 22 * HOUR, rule: "whatsapp_customer_service_24h" });
    expect(nextAlarm(armed)).toBe(t0 + 22 * HOUR);
  });

  it("is due once: at warnAt it comes out of the state, and a second run finds nothing", () => {
    const armed = armWindowWarning(INITIAL_STATE, window(t0), TWO_HOURS, t0);
    expect(dueWindowWarning(armed, t0 + 22 * HOUR - 1).due).toBeNull();
    const due = dueWindowWarning(armed, t0 + 22 * HOUR);
    expect(due.due?.closesAt).toBe(t0 + 24 * HOUR);
    expect(due.next.windowWarning).toBeNull();
    expect(nextAlarm(due.next)).toBeNull();
    expect(dueWindowWarning(due.next, t0 + 23 * HOUR).due).toBeNull();
  });

  it("announces nothing when a reply went out, until the buyer writes again", () => {
    const answered = cancelWindowWarning(armWindowWarning(INITIAL_STATE, window(t0), TWO_HOURS, t0));
    expect(dueWindowWarning(answered, t0 + 23 * HOUR).due).toBeNull();
    const again = armWindowWarning(answered, window(t0 + HOUR), TWO_HOURS, t0 + HOUR);
    expect(dueWindowWarning(again, t0 + 23 * HOUR).due?.closesAt).toBe(t0 + 25 * HOUR);
  });

  it("moves the warning with a later message, never back for an older one", () => {
    const first = armWindowWarning(INITIAL_STATE, window(t0 + HOUR), TWO_HOURS, t0 + HOUR);
    const older = armWindowWarning(first, window(t0), TWO_HOURS, t0 + HOUR);
    expect(older.windowWarning?.closesAt).toBe(t0 + 25 * HOUR);
  });

  it("warns at once when the window closes sooner than the warning, and never for a window already closed or none", () => {
    expect(armWindowWarning(INITIAL_STATE, window(t0 - 23 * HOUR), TWO_HOURS, t0).windowWarning?.warnAt).toBe(t0);
    expect(armWindowWarning(INITIAL_STATE, window(t0 - 25 * HOUR), TWO_HOURS, t0).windowWarning).toBeNull();
    const armed = armWindowWarning(INITIAL_STATE, window(t0), TWO_HOURS, t0);
    expect(armWindowWarning(armed, { closesAt: null, rule: "none" }, TWO_HOURS, t0).windowWarning).toBeNull();
    // An alarm that fires after the window closed does not warn about a closed window.
    expect(dueWindowWarning(armed, t0 + 24 * HOUR + 1)).toEqual({ next: { ...armed, windowWarning: null }, due: null });
  });

  it("moves a waiting warning to the later window an ad referral opens", () => {
    const armed = armWindowWarning(INITIAL_STATE, window(t0), TWO_HOURS, t0);
    const referred = noteAdReferral(armed, t0 + HOUR);
    expect(referred.windowFacts.adReferralAt).toBe(t0 + HOUR);
    const moved = armWindowWarning(
      referred,
      { closesAt: t0 + HOUR + 7 * 24 * HOUR, rule: "messenger_ad_referral_7d" },
      TWO_HOURS,
      t0 + HOUR,
    );
    expect(moved.windowWarning).toEqual({ closesAt: t0 + 169 * HOUR, warnAt: t0 + 167 * HOUR, rule: "messenger_ad_referral_7d" });
    expect(noteAdReferral(referred, t0).windowFacts.adReferralAt).toBe(t0 + HOUR);
  });

  it("keeps the latest inbound time and the latest ad referral", () => {
    const state = noteInbound(noteInbound(noteInbound(INITIAL_STATE, t0, true), t0 - HOUR, false), t0 + HOUR, false);
    expect(state.windowFacts).toEqual({ lastInboundAt: t0 + HOUR, adReferralAt: t0 });
  });
});
