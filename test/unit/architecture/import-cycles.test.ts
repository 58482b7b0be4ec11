import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { importCycles, importGraph } from "./import-graph.ts";

const SRC = resolve(import.meta.dirname, "../../../src");

describe("src/ import graph", () => {
  it("reads the imports of the modules", () => {
    const graph = importGraph(SRC);
    expect(graph.get("index.ts")?.length).toBeGreaterThan(0);
    expect(graph.get("objects/conversation.ts")).toContain("objects/conversation-state.ts");
  });

  it("finds a cycle where there is one", () => {
    const graph = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts"]],
      ["d.ts", ["a.ts"]],
    ]);
    expect(importCycles(graph)).toEqual([["a.ts", "b.ts", "c.ts"]]);
  });

  it("has no import cycles, type-only imports included", () => {
    expect(importCycles(importGraph(SRC))).toEqual([]);
  });
});
