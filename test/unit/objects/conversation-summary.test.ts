import { describe, expect, it } from "vitest";
import {
  type ConversationSummary,
  INITIAL_STATE,
  mergeSummary,
  nextAlarm,
  pendReplySearch,
  REPLY_SEARCH_WAIT_MS,
  SUMMARY_INTERVAL_MS,
  summaryWrite,
  withSearchText,
} from "../../../src/objects/conversation-state.ts";

const t0 = Date.UTC(2026, 11, 7, 12, 0, 0);

function summary(at: number, patch: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id: "cv_1",
    workspaceId: "ws_1",
    channelId: "ch_1",
    contactId: "ct_1",
    platformThreadId: "thread",
    lastMessageAt: at,
    lastInboundAt: at,
    replyToken: null,
    replyTokenExpiresAt: null,
    adReferralAt: null,
    adId: null,
    createdAt: at,
    updatedAt: at,
    ...patch,
  };
}

describe("the conversation's D1 summary, coalesced", () => {
  const known = { inD1: true, mustBeFresh: false };

  it("is written at once for a conversation D1 does not have yet, however recent the last write", () => {
    expect(summaryWrite({ ...known, inD1: false, lastWrittenAt: t0, now: t0 + 1 })).toEqual({ now: true });
  });

  it("is written at once when it must be fresh, or when this instance has not written one", () => {
    expect(summaryWrite({ ...known, mustBeFresh: true, lastWrittenAt: t0, now: t0 + 1 })).toEqual({ now: true });
    expect(summaryWrite({ ...known, lastWrittenAt: null, now: t0 })).toEqual({ now: true });
  });

  it("waits for the interval after the last write, then goes with the next message", () => {
    expect(summaryWrite({ ...known, lastWrittenAt: t0, now: t0 + 10 })).toEqual({ now: false, dueAt: t0 + SUMMARY_INTERVAL_MS });
    expect(summaryWrite({ ...known, lastWrittenAt: t0, now: t0 + SUMMARY_INTERVAL_MS - 1 })).toMatchObject({ now: false });
    expect(summaryWrite({ ...known, lastWrittenAt: t0, now: t0 + SUMMARY_INTERVAL_MS })).toEqual({ now: true });
  });

  it("writes a burst at most once per interval", () => {
    let lastWrittenAt: number | null = t0;
    let writes = 0;
    // A message every 20 ms for two intervals.
    for (let now = t0 + 20; now <= t0 + 2 * SUMMARY_INTERVAL_MS; now += 20) {
      if (summaryWrite({ ...known, lastWrittenAt, now }).now) {
        writes += 1;
        lastWrittenAt = now;
      }
    }
    expect(writes).toBe(2);
  });

  it("folds a newer message into the waiting summary as the D1 upsert would", () => {
    const first = summary(t0, { replyToken: "tok-1", replyTokenExpiresAt: t0 + 60_000, adReferralAt: t0, adId: "ad-1" });
    const merged = mergeSummary(first, summary(t0 + 500, { createdAt: t0 + 500, updatedAt: t0 + 500 }));
    expect(merged).toMatchObject({
      lastMessageAt: t0 + 500,
      lastInboundAt: t0 + 500,
      replyToken: "tok-1",
      replyTokenExpiresAt: t0 + 60_000,
      adReferralAt: t0,
      adId: "ad-1",
      createdAt: t0,
      updatedAt: t0 + 500,
    });
    // A late message does not move the times back; a newer token and referral replace the old.
    const late = mergeSummary(
      merged,
      summary(t0 - 1000, { replyToken: "tok-2", replyTokenExpiresAt: t0 + 90_000, adReferralAt: t0 + 100, adId: "ad-2" }),
    );
    expect(late).toMatchObject({
      lastMessageAt: t0 + 500,
      lastInboundAt: t0 + 500,
      replyToken: "tok-2",
      adReferralAt: t0 + 100,
      adId: "ad-2",
    });
    expect(mergeSummary(null, first)).toBe(first);
  });

  it("arms the alarm at a waiting summary's due time", () => {
    expect(nextAlarm({ ...INITIAL_STATE, pendingSummary: { summary: summary(t0), dueAt: t0 + 1000 } })).toBe(t0 + 1000);
  });

  it("gathers messages' text for search under the first one's key, skipping messages without text", () => {
    const first = withSearchText(null, "msg_1", "where is my order");
    expect(first).toEqual({ key: "msg_1", text: "where is my order" });
    expect(withSearchText(first, "msg_2", null)).toBe(first);
    expect(withSearchText(first, "msg_2", "  ")).toBe(first);
    expect(withSearchText(first, "msg_3", "đơn hàng 5767")).toEqual({ key: "msg_1", text: "where is my order\nđơn hàng 5767" });
    expect(withSearchText(undefined, "msg_4", null)).toBeNull();
  });

  it("lets a sent reply's text wait with the summary, or alone until REPLY_SEARCH_WAIT_MS", () => {
    const alone = pendReplySearch(INITIAL_STATE, "msg_r1", "it ships today", t0);
    expect(alone.pendingSummary).toEqual({
      summary: null,
      search: { key: "msg_r1", text: "it ships today" },
      dueAt: t0 + REPLY_SEARCH_WAIT_MS,
    });
    const waiting = { ...INITIAL_STATE, pendingSummary: { summary: summary(t0), search: null, dueAt: t0 + 1000 } };
    const joined = pendReplySearch(waiting, "msg_r2", "it ships today", t0 + 10);
    expect(joined.pendingSummary).toEqual({ summary: summary(t0), search: { key: "msg_r2", text: "it ships today" }, dueAt: t0 + 1000 });
    expect(pendReplySearch(waiting, "msg_r3", null, t0)).toBe(waiting);
    expect(nextAlarm(alone)).toBe(t0 + REPLY_SEARCH_WAIT_MS);
  });
});
