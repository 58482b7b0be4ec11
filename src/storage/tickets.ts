/** Tickets: escalations for a human, with the context already gathered. */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "./db.ts";
import { type Listed, type Page, pageQuery, toListed } from "./pagination.ts";
import { tickets } from "./schema.ts";

export type TicketRow = typeof tickets.$inferSelect;
export type TicketStatus = TicketRow["status"];

export function insertTicketIfNewStatement(db: Db, row: TicketRow) {
  return db.insert(tickets).values(row).onConflictDoNothing();
}

export async function getTicket(db: Db, workspaceId: string, id: string): Promise<TicketRow | undefined> {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.id, id)))
    .get();
}

export async function openTicketOf(db: Db, conversationId: string): Promise<TicketRow | undefined> {
  return db
    .select()
    .from(tickets)
    .where(and(eq(tickets.conversationId, conversationId), eq(tickets.status, "open")))
    .get();
}

export interface TicketFilter {
  status?: TicketStatus | undefined;
  channelId?: string | undefined;
  /** An assignee; null: unassigned; absent: anyone. */
  assignee?: string | null;
}

export async function listTickets(db: Db, workspaceId: string, page: Page, filter: TicketFilter = {}): Promise<Listed<TicketRow>> {
  const { after, order } = pageQuery(page, tickets.createdAt, tickets.id);
  const { status, channelId, assignee } = filter;
  const rows = await db
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, workspaceId),
        status ? eq(tickets.status, status) : undefined,
        channelId ? eq(tickets.channelId, channelId) : undefined,
        assignee === undefined ? undefined : assignee === null ? isNull(tickets.assignee) : eq(tickets.assignee, assignee),
        after,
      ),
    )
    .orderBy(...order)
    .limit(page.limit + 1);
  return toListed(rows, page, (row) => row);
}

export function updateTicketStatement(db: Db, id: string, patch: Partial<Pick<TicketRow, "status" | "assignee" | "updatedAt">>) {
  return db.update(tickets).set(patch).where(eq(tickets.id, id));
}
