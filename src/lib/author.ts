/**
 * Who wrote an outbound message, between its API shape (`Author`) and the message row's
 * columns: `author` holds the type; an agent's reply keeps the agent's id and name as they
 * were when it replied (the agent may be renamed or deleted later); the AI's keeps its model.
 */
import type { Author } from "../events/schema.ts";

export interface AuthorColumns {
  author: string | null;
  authorAgentId: string | null;
  authorName: string | null;
}

export function authorColumns(author: Author): AuthorColumns {
  switch (author.type) {
    case "agent":
      return { author: "agent", authorAgentId: author.agentId, authorName: author.name };
    case "ai":
      return { author: "ai", authorAgentId: null, authorName: author.model ?? null };
    case "bot":
      return { author: "bot", authorAgentId: null, authorName: null };
  }
}

/** The author of a stored message: null for an inbound one. Replies from before agents existed have no id and read as agent "agent". */
export function authorOf(row: AuthorColumns & { direction: "inbound" | "outbound" }): Author | null {
  if (row.direction !== "outbound") return null;
  if (row.author === "agent") return { type: "agent", agentId: row.authorAgentId ?? "", name: row.authorName ?? "agent" };
  if (row.author === "ai") return row.authorName ? { type: "ai", model: row.authorName } : { type: "ai" };
  return { type: "bot" };
}
