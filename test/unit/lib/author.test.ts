import { describe, expect, it } from "vitest";
import type { Author } from "../../../src/events/schema.ts";
import { authorColumns, authorOf } from "../../../src/lib/author.ts";

describe("authors on message rows", () => {
  it("round-trips every kind of author through the row's columns", () => {
    const authors: Author[] = [
      { type: "agent", agentId: "agt_1", name: "Lan" },
      { type: "bot" },
      { type: "ai" },
      { type: "ai", model: "@cf/meta/llama-3.1-8b-instruct" },
    ];
    for (const author of authors) expect(authorOf({ ...authorColumns(author), direction: "outbound" })).toEqual(author);
  });

  it("an inbound message has no author; a reply from before agents existed reads as an unnamed agent", () => {
    expect(authorOf({ author: null, authorAgentId: null, authorName: null, direction: "inbound" })).toBeNull();
    expect(authorOf({ author: "agent", authorAgentId: null, authorName: null, direction: "outbound" })).toEqual({
      type: "agent",
      agentId: "",
      name: "agent",
    });
    expect(authorOf({ author: null, authorAgentId: null, authorName: null, direction: "outbound" })).toEqual({ type: "bot" });
  });
});
