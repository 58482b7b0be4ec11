import { describe, expect, it } from "vitest";
import { channelCache, type IntakeChannel } from "../../../src/channel-cache.ts";
import { LookupCache } from "../../../src/lib/lookup-cache.ts";

/** A loader that knows one id and counts every read, as D1 reads would be counted. */
function countingLoader<V>(known: string, value: V) {
  const reads = new Map<string, number>();
  const load = async (id: string) => {
    reads.set(id, (reads.get(id) ?? 0) + 1);
    return id === known ? value : null;
  };
  return { load, reads: (id: string) => reads.get(id) ?? 0 };
}

describe("LookupCache", () => {
  it("keeps a known channel cached through a flood of unknown ids (the channel cache as deployed)", async () => {
    const channel: IntakeChannel = {
      id: "ch_known",
      workspaceId: "ws_1",
      platform: "tiktok",
      credentials: {},
      status: "active",
      statusReason: null,
      tokenExpiresAt: null,
    };
    const { load, reads } = countingLoader("ch_known", channel);
    const now = 1_000_000;
    expect(await channelCache.get("ch_known", now, load)).toBe(channel);
    // More junk ids than the cache holds of anything.
    for (let i = 0; i < 25_000; i++) expect(await channelCache.get(`ch_junk${i}`, now + 1, load)).toBeNull();
    expect(await channelCache.get("ch_known", now + 2, load)).toBe(channel);
    expect(reads("ch_known")).toBe(1);
    channelCache.forget("ch_known");
  });

  it("remembers a miss briefly, bounded apart from what was found", async () => {
    const cache = new LookupCache<string>({ ttlMs: 1000, missTtlMs: 100, maxFound: 2, maxMissing: 2 });
    const { load, reads } = countingLoader("a", "A");
    expect(await cache.get("x", 0, load)).toBeNull();
    expect(await cache.get("x", 99, load)).toBeNull();
    expect(reads("x")).toBe(1);
    expect(await cache.get("x", 100, load)).toBeNull();
    expect(reads("x")).toBe(2);

    // Two more misses push "x" out of the misses, and nothing out of what was found.
    expect(await cache.get("a", 100, load)).toBe("A");
    await cache.get("y", 100, load);
    await cache.get("z", 100, load);
    await cache.get("x", 101, load);
    expect(reads("x")).toBe(3);
    expect(await cache.get("a", 101, load)).toBe("A");
    expect(reads("a")).toBe(1);
  });

  it("reloads after the time-to-live or a forget, and a found id stops being a miss", async () => {
    const cache = new LookupCache<string>({ ttlMs: 1000, missTtlMs: 100, maxFound: 10, maxMissing: 10 });
    let exists = false;
    const load = async () => (exists ? "v" : null);
    expect(await cache.get("a", 0, load)).toBeNull();
    exists = true;
    cache.forget("a");
    expect(await cache.get("a", 1, load)).toBe("v");
    exists = false;
    expect(await cache.get("a", 1000, load)).toBe("v");
    expect(await cache.get("a", 1001, load)).toBeNull();
  });
});
