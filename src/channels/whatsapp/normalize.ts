/**
 * WhatsApp webhook → inbound items. Every `entry[].changes[]` is read: customers' `messages`
 * become messages, `statuses` of the business's own messages become receipts (delivered, read,
 * failed), and echoes, `sent` receipts, system notices and other fields are ignored with a reason.
 * One unreadable event makes the whole delivery a dead letter, so nothing is silently lost.
 */
import { tryParseJson } from "../../lib/json.ts";
import { summarizeIssues } from "../../lib/zod-issues.ts";
import type { InboundItem, MessageStatusItem, NormalizeResult } from "../types.ts";
import { readContent } from "./message-content.ts";
import {
  type Change,
  ChangeField,
  type Contact,
  type Message,
  type MessagesValue,
  MessagesValueSchema,
  type Status,
  WebhookSchema,
} from "./payload.ts";
import { threadIdOf } from "./thread.ts";

type Outcome = { item: InboundItem } | { ignored: string } | { unreadable: string };

export function normalizeWhatsApp(body: string): NormalizeResult {
  const json = tryParseJson(body);
  if (!json.ok) return { ok: false, reason: "body is not JSON" };
  const webhook = WebhookSchema.safeParse(json.value);
  if (!webhook.success) return { ok: false, reason: `not a WhatsApp Business Account webhook: ${summarizeIssues(webhook.error)}` };

  const items: InboundItem[] = [];
  const ignored: string[] = [];
  for (const entry of webhook.data.entry) {
    for (const change of entry.changes) {
      for (const outcome of normalizeChange(change)) {
        if ("unreadable" in outcome) return { ok: false, reason: `WABA ${entry.id}, field ${change.field}: ${outcome.unreadable}` };
        if ("item" in outcome) items.push(outcome.item);
        else ignored.push(outcome.ignored);
      }
    }
  }
  return { ok: true, items, ignored };
}

function normalizeChange(change: Change): Outcome[] {
  switch (change.field) {
    case ChangeField.messages: {
      const value = MessagesValueSchema.safeParse(change.value);
      if (!value.success) return [{ unreadable: summarizeIssues(value.error) }];
      return normalizeMessagesValue(value.data);
    }
    case ChangeField.messageEchoes:
      return [{ ignored: "smb_message_echoes: the business's own messages, sent from the WhatsApp Business app" }];
    default:
      // Template reviews, quality and account updates…: subscribed, but nothing to route.
      return [{ ignored: `field ${change.field} carries no customer message or receipt` }];
  }
}

function normalizeMessagesValue(value: MessagesValue): Outcome[] {
  const { metadata, contacts = [], messages = [], statuses = [], errors = [] } = value;
  const outcomes: Outcome[] = [
    ...messages.map((message) => normalizeMessage(message, metadata, contacts)),
    ...statuses.map((status) => normalizeStatus(status, metadata.phone_number_id)),
    ...errors.map((error) => ({ ignored: `webhook error ${String(error.code ?? "")} ${error.title ?? ""}`.trim() })),
  ];
  return outcomes.length > 0 ? outcomes : [{ ignored: "messages change without messages, statuses or errors" }];
}

function normalizeMessage(message: Message, metadata: MessagesValue["metadata"], contacts: Contact[]): Outcome {
  const sender = senderOf(message, contacts);
  if (!sender) return { unreadable: `message ${message.id} names no sender` };
  // The Cloud API does not echo the business's messages here; this guards against one that would.
  if (sender === metadata.display_phone_number) return { ignored: `message ${message.id} was sent by the business number itself` };

  const content = readContent(message);
  if ("ignored" in content) return { ignored: `message ${message.id}: ${content.ignored}` };
  return {
    item: {
      kind: "message",
      platformThreadId: threadIdOf(metadata.phone_number_id, sender),
      sender: { platformUserId: sender, displayName: displayNameOf(sender, contacts) },
      platformMessageId: message.id,
      sentAt: message.timestamp,
      text: content.text,
      attachments: content.attachments,
    },
  };
}

const CONTRACT_STATUSES = ["delivered", "read", "failed"] as const;

function normalizeStatus(status: Status, phoneNumberId: string): Outcome {
  const reported = CONTRACT_STATUSES.find((name) => name === status.status);
  if (!reported) {
    // `sent` only means WhatsApp accepted the message; the reply's own send result already says so.
    return { ignored: `status ${status.status} of ${status.id} is not reported (only delivered, read, failed)` };
  }
  const recipient = status.recipient_id ?? status.recipient_user_id;
  if (!recipient) return { unreadable: `status ${status.id} names no recipient` };
  const item: MessageStatusItem = {
    kind: "status",
    platformThreadId: threadIdOf(phoneNumberId, recipient),
    contact: { platformUserId: recipient, displayName: null },
    platformMessageId: status.id,
    status: reported,
    at: status.timestamp,
  };
  return { item };
}

/**
 * The phone number (`from`, which is also the reply address) when Meta shares it; otherwise the
 * business-scoped user id, from the message or from the delivery's only contact.
 */
function senderOf(message: Message, contacts: Contact[]): string | null {
  if (message.from) return message.from;
  if (message.from_user_id) return message.from_user_id;
  const [only, ...rest] = contacts;
  return only && rest.length === 0 ? (only.wa_id ?? only.user_id ?? null) : null;
}

function displayNameOf(sender: string, contacts: Contact[]): string | null {
  const contact = contacts.find((candidate) => candidate.wa_id === sender || candidate.user_id === sender);
  const name = contact?.profile?.name;
  return name && name.length > 0 ? name : null;
}
