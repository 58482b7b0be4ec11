import { describe, expect, it } from "vitest";
import { admitMessage, DEDUP_WINDOW, INITIAL_STATE } from "../../../src/objects/conversation-state.ts";

describe("conversation state", () => {
  it("numbers new messages in arrival order and refuses a repeat", () => {
    const first = admitMessage(INITIAL_STATE, "m1");
    expect(first).toMatchObject({ duplicate: false, seq: 1 });
    if (first.duplicate) throw new Error("unreachable");
    const second = admitMessage(first.next, "m2");
    expect(second).toMatchObject({ duplicate: false, seq: 2 });
    if (second.duplicate) throw new Error("unreachable");
    expect(admitMessage(second.next, "m1")).toEqual({ duplicate: true });
  });

  it("remembers a bounded window of ids", () => {
    let state = INITIAL_STATE;
    for (let i = 0; i < DEDUP_WINDOW + 10; i++) {
      const step = admitMessage(state, `m${i}`);
      if (step.duplicate) throw new Error("unexpected duplicate");
      state = step.next;
    }
    expect(state.recentMessageIds).toHaveLength(DEDUP_WINDOW);
    expect(state.nextSeq).toBe(DEDUP_WINDOW + 11);
  });
});
