/**
 * Tickets: an escalation for a human, pre-populated with what the gateway knows (contact,
 * channel, the last messages, intent, sentiment, order), announced as `ticket.created`.
 * Keyed by what caused it, so a redelivered message never opens a second ticket.
 */

import type { z } from "zod";
import type { ChannelRef, ContactRef, ConversationRef } from "../events/build.ts";
import { buildEvent, isoTime } from "../events/build.ts";
import type { TicketSchema } from "../events/schema.ts";
import { derivedId } from "../lib/ids.ts";
import type { Db } from "../storage/db.ts";
import type { Statement } from "../storage/event-deliveries.ts";
import { setConversationStateStatement } from "../storage/inbox.ts";
import { getTicket, insertTicketIfNewStatement, type TicketRow, updateTicketStatement } from "../storage/tickets.ts";
import type { EventSink } from "./event-sink.ts";
import type { ConversationHistory } from "./reply.ts";

export type Ticket = z.infer<typeof TicketSchema>;

/** Who and where: the refs every conversation-scoped event carries. */
export interface Scope {
  workspaceId: string;
  channel: ChannelRef;
  contact: ContactRef;
  conversation: ConversationRef;
}

export interface TicketFacts {
  intent: string | null;
  sentiment: string | null;
  orderId: string | null;
  orderStatus: string | null;
  /** Where the buyer opened the chat from (a product or an order), when the platform said. */
  enteredFrom?: { source: "product" | "order" | "transfer"; refId: string | null } | null;
}

export const TICKET_CONTEXT_MESSAGES = 5;

export function ticketView(row: TicketRow): Ticket {
  return {
    id: row.id,
    conversationId: row.conversationId,
    contactId: row.contactId,
    channelId: row.channelId,
    status: row.status,
    assignee: row.assignee,
    reason: row.reason,
    context: JSON.parse(row.context) as Ticket["context"],
    createdAt: isoTime(row.createdAt),
    updatedAt: isoTime(row.updatedAt),
  };
}

/**
 * Opens (once) the ticket that `causeId` (a message, an SLA clock) calls for, announced
 * through `sink`, with the conversation's last messages from `history` (its object).
 */
export async function openTicket(
  db: Db,
  scope: Scope,
  request: { causeId: string; reason: string; facts: TicketFacts; now: number },
  sink: EventSink,
  history: Pick<ConversationHistory, "recentMessages">,
): Promise<TicketRow> {
  const id = await derivedId("tk", scope.conversation.id, request.causeId);
  // Written with its event in one batch: if it exists, so does its announcement.
  const existing = await getTicket(db, scope.workspaceId, id);
  if (existing) return existing;

  const lastMessages = (await history.recentMessages(TICKET_CONTEXT_MESSAGES)).map((m) => ({
    direction: m.direction,
    text: m.text,
    sentAt: isoTime(m.sentAt),
  }));
  const row: TicketRow = {
    id,
    workspaceId: scope.workspaceId,
    conversationId: scope.conversation.id,
    contactId: scope.contact.id,
    channelId: scope.channel.id,
    status: "open",
    assignee: null,
    reason: request.reason,
    context: JSON.stringify({ ...request.facts, lastMessages }),
    createdAt: request.now,
    updatedAt: request.now,
  };
  const event = buildEvent("ticket.created", await derivedId("evt", "ticket.created", id), request.now, {
    workspaceId: scope.workspaceId,
    channel: scope.channel,
    ticket: ticketView(row),
  });
  await sink.write(
    [insertTicketIfNewStatement(db, row), setConversationStateStatement(db, scope.conversation.id, "awaiting_human", request.now)],
    [event],
    request.now,
  );
  return row;
}

export interface TicketPatch {
  status?: TicketRow["status"];
  assignee?: string | null;
}

/**
 * Applies an agent's change and announces it as `ticket.updated` (a new event per change)
 * through `sink`: the event in the log, then one D1 batch with the conversation's mode when
 * the status moves it. The conversation's object calls this (objects/conversation.ts
 * `changeTicket`): it is the only writer of the mode, in D1 and in its own state.
 */
export async function changeTicket(
  db: Db,
  row: TicketRow,
  channel: ChannelRef | null,
  patch: TicketPatch,
  now: number,
  sink: EventSink,
): Promise<TicketRow> {
  const next: TicketRow = { ...row, ...patch, updatedAt: now };
  const event = buildEvent(
    "ticket.updated",
    await derivedId("evt", "ticket.updated", row.id, String(now), next.status, next.assignee ?? ""),
    now,
    {
      workspaceId: row.workspaceId,
      ...(channel ? { channel } : {}),
      ticket: ticketView(next),
    },
  );
  const statements: Statement[] = [updateTicketStatement(db, row.id, { status: next.status, assignee: next.assignee, updatedAt: now })];
  const resolved = next.status === "resolved" && row.status !== "resolved";
  const reopened = next.status !== "resolved" && row.status === "resolved";
  if (resolved || reopened)
    statements.push(setConversationStateStatement(db, row.conversationId, resolved ? "bot" : "awaiting_human", now));
  await sink.write(statements, [event], now);
  return next;
}
