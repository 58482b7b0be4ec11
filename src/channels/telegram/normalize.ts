/**
 * Telegram `Update` → inbound items: messages, edits and button taps become messages, a private
 * chat's block/unblock of the bot becomes a contact change; the business's own words (bots,
 * anonymous admins, linked-channel forwards) and every other update kind are ignored.
 * Why edits are items, and the id formats: NOTES.md.
 */
import { tryParseJson } from "../../lib/json.ts";
import { summarizeIssues } from "../../lib/zod-issues.ts";
import type { ContactChangeItem, InboundItem, NormalizeResult } from "../types.ts";
import { readMessageContent } from "./message-content.ts";
import { type CallbackQuery, type ChatMemberUpdated, type Message, type Update, UpdateSchema, type User } from "./payload.ts";

export function normalizeTelegram(body: string): NormalizeResult {
  const json = tryParseJson(body);
  if (!json.ok) return { ok: false, reason: "body is not JSON" };
  const update = UpdateSchema.safeParse(json.value);
  if (!update.success) return { ok: false, reason: `not a Telegram update: ${summarizeIssues(update.error)}` };
  return normalizeUpdate(update.data);
}

function normalizeUpdate(update: Update): NormalizeResult {
  if (update.message) {
    const { chat, message_id, date } = update.message;
    return normalizeMessage(update.message, `${chat.id}:${message_id}`, date);
  }
  if (update.edited_message) return normalizeEdit(update.edited_message);
  if (update.callback_query) return normalizeCallback(update.callback_query);
  if (update.my_chat_member) return normalizeMembership(update.my_chat_member);
  const kind = Object.keys(update).find((key) => key !== "update_id") ?? "nothing";
  const why = Object.hasOwn(UNHANDLED, kind) ? UNHANDLED[kind] : "which is not a customer message";
  return ignore(`update ${update.update_id} carries ${kind}, ${why}`);
}

const UNHANDLED: Record<string, string> = {
  channel_post: "a post in a channel, written by its admins",
  edited_channel_post: "a post in a channel, written by its admins",
  message_reaction: "a reaction, which asks for no answer (NOTES.md)",
  business_message: "a Telegram Business chat, whose replies need a business_connection_id",
  edited_business_message: "a Telegram Business chat, whose replies need a business_connection_id",
};

function normalizeMessage(message: Message, platformMessageId: string, sentAtSeconds: number): NormalizeResult {
  const sender = senderOf(message);
  if ("ignored" in sender) return ignore(`message ${platformMessageId}: ${sender.ignored}`);
  const content = readMessageContent(message);
  if (!content) return ignore(`message ${platformMessageId} is a service message with no customer content`);
  return single({
    kind: "message",
    platformThreadId: message.chat.id,
    sender,
    platformMessageId,
    sentAt: sentAtSeconds * 1000,
    ...content,
  });
}

/**
 * An edit is a new message with its own id, so the corrected text reaches routing and agents;
 * `edit_date` in the id keeps each edit distinct and a redelivery the same.
 */
function normalizeEdit(message: Message): NormalizeResult {
  const editedAt = message.edit_date ?? message.date;
  const platformMessageId = `${message.chat.id}:${message.message_id}:edit:${editedAt}`;
  // A live location is "edited" every few seconds while the user shares it.
  if (message.location) return ignore(`message ${platformMessageId} is a live location update`);
  return normalizeMessage(message, platformMessageId, editedAt);
}

/** A button tap: its `callback_data` is the text (the payload the bot chose, not the button's title). */
function normalizeCallback(query: CallbackQuery): NormalizeResult {
  const platformMessageId = `callback:${query.id}`;
  if (!query.message) return ignore(`${platformMessageId} comes from an inline-mode message, with no chat to answer in`);
  if (query.data === undefined) return ignore(`${platformMessageId} is a game button, with no data`);
  // Telegram dates the tap nowhere: the button's message date stands in; 0 means inaccessible.
  if (query.message.date === 0) return ignore(`${platformMessageId} taps an inaccessible message, which has no date`);
  return single({
    kind: "message",
    platformThreadId: query.message.chat.id,
    sender: userRef(query.from),
    platformMessageId,
    sentAt: query.message.date * 1000,
    text: query.data,
    attachments: [],
    // The tapping user's client shows a spinner until the query is answered.
    acknowledge: query.id,
  });
}

/**
 * In a private chat `kicked` means the user blocked the bot, and `member` after `kicked` that
 * they unblocked it; `member` after anything else is read as a first start. In groups it is the
 * bot being added or removed: no contact's relation.
 * @see https://core.telegram.org/bots/api#chatmemberupdated
 */
function normalizeMembership(update: ChatMemberUpdated): NormalizeResult {
  const { chat, date } = update;
  const from = update.old_chat_member.status;
  const to = update.new_chat_member.status;
  if (chat.type !== "private") return ignore(`the bot's membership of ${chat.type} ${chat.id} changed (${from} → ${to})`);
  const change = membershipChange(from, to);
  if (!change) return ignore(`the bot's status in private chat ${chat.id} went ${from} → ${to}`);
  return single({
    kind: "contact",
    platformEventId: `my_chat_member:${chat.id}:${date}:${to}`,
    platformThreadId: chat.id,
    contact: userRef(update.from),
    change,
    at: date * 1000,
  });
}

function membershipChange(from: string, to: string): ContactChangeItem["change"] | null {
  if (to === "kicked" || to === "left") return "blocked";
  if (to !== "member") return null;
  return from === "kicked" ? "unblocked" : "followed";
}

type SenderOrIgnored = { platformUserId: string; displayName: string | null } | { ignored: string };

/** Who wrote the message, unless it is the business's side speaking. */
function senderOf(message: Message): SenderOrIgnored {
  if (message.is_automatic_forward) return { ignored: "an automatic forward of the linked channel's post" };
  if (message.sender_chat) {
    // An anonymous group admin writes as the group itself: the support team, not a customer.
    if (message.sender_chat.id === message.chat.id) return { ignored: "written by an anonymous admin of the group" };
    return { platformUserId: message.sender_chat.id, displayName: message.sender_chat.title ?? null };
  }
  if (!message.from) return { ignored: "has no sender" };
  if (message.from.is_bot) return { ignored: "written by a bot" };
  return userRef(message.from);
}

function userRef(user: User): { platformUserId: string; displayName: string | null } {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ");
  return { platformUserId: user.id, displayName: name || (user.username ?? null) };
}

function single(item: InboundItem): NormalizeResult {
  return { ok: true, items: [item], ignored: [] };
}

function ignore(reason: string): NormalizeResult {
  return { ok: true, items: [], ignored: [reason] };
}
