import { describe, expect, it } from "vitest";
import { TtlCache } from "../../../src/lib/ttl-cache.ts";

describe("TtlCache", () => {
  it("loads once per key until the time-to-live passes", async () => {
    const cache = new TtlCache<number>(1000);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get("a", 0, load), cache.get("a", 10, load)])).toEqual([1, 1]);
    expect(await cache.get("a", 999, load)).toBe(1);
    expect(await cache.get("a", 1000, load)).toBe(2);
    cache.forget("a");
    expect(await cache.get("a", 1001, load)).toBe(3);
  });

  it("does not keep a failed load, and stays bounded", async () => {
    const cache = new TtlCache<string>(1000, 2);
    await expect(cache.get("a", 0, () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("a", 1, async () => "up")).toBe("up");
    await cache.get("b", 1, async () => "b");
    await cache.get("c", 1, async () => "c");
    expect(await cache.get("a", 2, async () => "reloaded")).toBe("reloaded");
  });
});
