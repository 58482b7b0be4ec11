/**
 * Sends a text reply into a conversation through its channel's adapter, as an outbox: the
 * reply is recorded as pending and claimed before it is sent, so a crash never loses it and
 * a retry never sends it twice at once. The platform's verdict decides what happens next:
 * sent → `message.sent`; refused by the platform's rules → nothing sent, the record dropped
 * and the caller answers 422; a platform error → failed; rate limit or outage → pending,
 * retried through the DELIVERIES queue with backoff. The outbox is the conversation object's
 * (objects/message-log.ts): a reply whose sender vanished (a crash, a lost queue message) is
 * resumed by that object's alarm once its claim lapses.
 */

import { forgetChannel, type IntakeChannel, lookUpChannel } from "../channel-cache.ts";
import { isDueForRefresh } from "../channels/health.ts";
import { getAdapter } from "../channels/registry.ts";
import type { Credentials, MessageTemplate, ReplyContext, SendResult } from "../channels/types.ts";
import type { ReplyJob } from "../consumers/messages.ts";
import { readConfig } from "../env.ts";
import { buildEvent, isoTime } from "../events/build.ts";
import type { Author, Platform } from "../events/schema.ts";
import { authorColumns, authorOf } from "../lib/author.ts";
import { derivedId, randomId } from "../lib/ids.ts";
import type { TokenAnswer } from "../objects/channel-health.ts";
import type { ClockChange } from "../objects/clock-log.ts";
import { conversationObjectName } from "../objects/conversation-name.ts";
import type { MessagePatch, MessageRow } from "../objects/message-log.ts";
import { secretBox } from "../secrets.ts";
import { type Db, openDb } from "../storage/db.ts";
import { type ContactRow, type ConversationRow, clearReplyTokenStatement, getContact, getConversation } from "../storage/inbox.ts";
import type { Listed, Page } from "../storage/pagination.ts";
import { eventLogs } from "./event-log.ts";
import { type EventSink, queuedSink } from "./event-sink.ts";
import { askForCredentials, retryWithRenewedToken } from "./fresh-token.ts";

/** A reply that keeps failing transiently is given up after this many tries. */
export const MAX_REPLY_ATTEMPTS = 6;
/** How long one send may hold a reply: well above a platform call's timeout. */
export const SEND_CLAIM_MS = 60_000;

export type ReplyOutcome =
  | { kind: "sent" | "pending" | "failed"; message: MessageRow }
  | { kind: "refused"; reason: string }
  | { kind: "not_found" };

export interface ReplyIo {
  fetch: typeof fetch;
  now: () => number;
}

const runtimeIo: ReplyIo = { fetch: (input, init) => fetch(input, init), now: () => Date.now() };

export type { Author };
export type AuthorType = Author["type"];

/**
 * A reply's record in its conversation's object, which keeps the conversation's messages and
 * outbox: from the API these are calls to the object; the object, replying itself, passes
 * its own, which write its SQLite directly.
 */
export interface ConversationHooks {
  /**
   * Records the reply as pending and claimed, at the conversation's next position. When a
   * message with its id exists, nothing is written and that one is returned (`recorded: false`).
   */
  recordReply(message: Omit<MessageRow, "seq">): Promise<{ recorded: boolean; message: MessageRow }>;
  getMessage(id: string): Promise<MessageRow | null>;
  /** What the platform said; `replied` when it was sent, which stops the clocks it answers. */
  settleReply(id: string, patch: MessagePatch, replied: AuthorType | null): Promise<void>;
  /** The platform refused it before anything left: the reply never happened. */
  deleteMessage(id: string): Promise<void>;
}

/** What tickets and the AI read of a conversation's past, from its object. */
export interface ConversationHistory {
  /** The last `limit` messages, oldest first, in the order the list shows them. */
  recentMessages(limit: number): Promise<MessageRow[]>;
  /** Replies the AI sent in the conversation (its per-conversation limit). */
  countAiReplies(): Promise<number>;
}

/** What a reply needs of its conversation. */
export type ReplyConversation = Pick<
  ConversationRow,
  | "id"
  | "workspaceId"
  | "channelId"
  | "contactId"
  | "platformThreadId"
  | "replyToken"
  | "replyTokenExpiresAt"
  | "lastInboundAt"
  | "adReferralAt"
>;

/** What a reply needs of its contact. */
export type ReplyContact = Pick<ContactRow, "platformUserId" | "displayName" | "status">;

/**
 * The conversation and contact as the caller just wrote them (the conversation's object,
 * replying to the message it recorded): the reply reads neither. The caller vouches that
 * this is not a re-run, so no earlier reply with the same id can exist.
 */
export interface KnownConversation {
  conversation: ReplyConversation;
  contact: ReplyContact;
}

/** Where the reply's writes go, and what it must tell the conversation's object. */
export interface ReplyEffects {
  hooks?: ConversationHooks;
  sink?: EventSink;
  known?: KnownConversation;
  /** The clocks the sent message stops (the conversation's object's), carried with its `message.sent` to the log. */
  clocksIfSent?: ClockChange[];
}

/**
 * The conversation object's methods called from outside it (objects/conversation.ts
 * implements them). Named here rather than imported with the object's class, which itself
 * calls the actions: the object depends on the actions, never the other way round.
 */
export interface ConversationRpc extends ConversationHooks {
  /** Takes a pending reply for send attempt `attempt` (the queue's retry); null when settled or taken. */
  claimReply(id: string, attempt: number, claimedUntil: number): Promise<MessageRow | null>;
  /** A page of the conversation's messages, newest first as the list shows them. */
  listMessages(page: Page): Promise<Listed<MessageRow>>;
}

/** The object of the conversation on `channelId` and `platformThreadId`, as a reply sees it. */
export function conversationRpc(env: Env, channelId: string, platformThreadId: string): ConversationRpc {
  return env.CONVERSATION.getByName(conversationObjectName(channelId, platformThreadId)) as unknown as ConversationRpc;
}

/** A reply's hooks from outside its conversation's object: each one call to the object. */
function objectHooks(env: Env, conversation: Pick<ReplyConversation, "channelId" | "platformThreadId">): ConversationHooks {
  const stub = () => conversationRpc(env, conversation.channelId, conversation.platformThreadId);
  return {
    recordReply: (message) => stub().recordReply(message),
    getMessage: (id) => stub().getMessage(id),
    settleReply: (id, patch, replied) => stub().settleReply(id, patch, replied),
    deleteMessage: (id) => stub().deleteMessage(id),
  };
}

/** What a reply says: text, or an approved message template where the platform has them (WhatsApp). */
export type ReplyContent = { text: string; template?: undefined } | { template: MessageTemplate; text?: undefined };

export type ReplyRequest = ReplyContent & {
  workspaceId: string;
  conversationId: string;
  author: Author;
  /** A derived id makes the reply idempotent: a second call with it sends nothing. */
  messageId?: string;
  /** Kept with the message (JSON): an AI reply's model, tool calls, tokens and time. */
  routing?: string;
};

export async function sendReply(
  env: Env,
  request: ReplyRequest,
  io: ReplyIo = runtimeIo,
  effects: ReplyEffects = {},
): Promise<ReplyOutcome> {
  const db = openDb(env.DB);
  const { known } = effects;
  const conversation = known?.conversation ?? (await getConversation(db, request.workspaceId, request.conversationId));
  if (!conversation) return { kind: "not_found" };
  const hooks = effects.hooks ?? objectHooks(env, conversation);
  const sink = () => effects.sink ?? queuedSink(db, env.DELIVERIES_QUEUE, eventLogs(env)(request.workspaceId), request.workspaceId);
  if (request.messageId && !known) {
    const earlier = await hooks.getMessage(request.messageId);
    if (earlier) return finishEarlier(env, db, earlier, conversation, sink(), effects.clocksIfSent);
  }
  const target = await loadTarget(env, db, conversation, known?.contact);
  if ("reason" in target) return { kind: "refused", reason: target.reason };
  if (request.template && !target.takesTemplates) {
    return { kind: "refused", reason: `message templates are WhatsApp's; ${target.platform} takes text replies` };
  }
  const content = contentOf(request);

  const now = io.now();
  const id = request.messageId ?? randomId("msg");
  // Recorded and claimed before it is sent: a second sender with the same id finds it and sends nothing.
  const { recorded, message } = await hooks.recordReply({
    id,
    workspaceId: request.workspaceId,
    channelId: conversation.channelId,
    conversationId: conversation.id,
    contactId: conversation.contactId,
    // Until the platform names it, the message is known by our id.
    platformMessageId: `outbound:${id}`,
    direction: "outbound",
    text: content.text ?? null,
    attachments: "[]",
    sentAt: now,
    status: "pending",
    error: null,
    ...authorColumns(request.author),
    template: content.template ? JSON.stringify(content.template) : null,
    routing: request.routing ?? null,
    // A reply has no platform index: it is listed when it was written.
    platformIndex: null,
    listedAt: null,
    createdAt: now,
    sendClaimedUntil: now + SEND_CLAIM_MS,
    sendAttempts: 1,
  });
  if (!recorded) return outcomeOf(message);

  const result = await target.send(
    content,
    replyContext(conversation, target.contact.platformUserId, now),
    id,
    request.author.type,
    now,
    io,
  );
  if (!result.ok && result.kind === "refused") {
    // Nothing left the gateway: the reply never happened.
    await hooks.deleteMessage(id);
    return { kind: "refused", reason: result.reason };
  }
  return settle(env, hooks, message, conversation, target, result, 1, io.now(), sink(), effects.clocksIfSent);
}

/**
 * A reply recorded by an earlier run of the same request (a re-run after a crash). One
 * recorded as sent is announced again, in case the run stopped between the two: the event
 * is keyed by the message, so it is stored once whatever the first run managed.
 */
async function finishEarlier(
  env: Env,
  db: Db,
  earlier: MessageRow,
  conversation: ReplyConversation,
  sink: EventSink,
  clocksIfSent: ClockChange[] = [],
): Promise<Extract<ReplyOutcome, { message: MessageRow }>> {
  if (earlier.status !== "sent") return outcomeOf(earlier);
  const target = await loadTarget(env, db, conversation);
  if (!("reason" in target)) await announceSent(db, earlier, conversation, target, earlier.sentAt, sink, clocksIfSent);
  return outcomeOf(earlier);
}

function contentOf(request: ReplyContent): ReplyContent {
  return request.template ? { template: request.template } : { text: request.text };
}

/** What a recorded reply says, for its retry. */
function storedContent(message: Pick<MessageRow, "text" | "template">): ReplyContent {
  return message.template ? { template: JSON.parse(message.template) as MessageTemplate } : { text: message.text ?? "" };
}

function outcomeOf(message: MessageRow): Extract<ReplyOutcome, { message: MessageRow }> {
  return { kind: message.status === "sent" ? "sent" : message.status === "failed" ? "failed" : "pending", message };
}

/**
 * The DELIVERIES consumer's retry of a pending reply (or the resumption of an abandoned one,
 * enqueued by its conversation's alarm). It sends only if it claims the reply as attempt
 * `job.attempt`: a second copy of the job, or a job whose reply another sender took, sends nothing.
 */
export async function retryReply(env: Env, job: ReplyJob, io: ReplyIo = runtimeIo): Promise<void> {
  const db = openDb(env.DB);
  const now = io.now();
  const hooks = objectHooks(env, job);
  const message = await conversationRpc(env, job.channelId, job.platformThreadId).claimReply(
    job.messageId,
    job.attempt,
    now + SEND_CLAIM_MS,
  );
  if (!message) return;
  const conversation = await getConversation(db, job.workspaceId, message.conversationId);
  const target = conversation ? await loadTarget(env, db, conversation) : { reason: "the conversation no longer exists" };
  if (!conversation || "reason" in target) {
    await hooks.settleReply(
      message.id,
      { status: "failed", error: "reason" in target ? target.reason : "gone", sendClaimedUntil: null },
      null,
    );
    return;
  }
  const author = authorOf(message)?.type ?? "bot";
  const context = replyContext(conversation, target.contact.platformUserId, now);
  const result = await target.send(storedContent(message), context, message.id, author, now, io);
  const sink = queuedSink(db, env.DELIVERIES_QUEUE, eventLogs(env)(job.workspaceId), job.workspaceId);
  await settle(env, hooks, message, conversation, target, result, job.attempt, io.now(), sink);
}

/** The job that resumes `message`, an abandoned pending reply: its next attempt, or none once they are spent. */
export function resumptionOf(
  message: Pick<MessageRow, "id" | "workspaceId" | "channelId" | "sendAttempts">,
  platformThreadId: string,
): ReplyJob | null {
  if (message.sendAttempts >= MAX_REPLY_ATTEMPTS) return null;
  return {
    v: 1,
    kind: "reply",
    workspaceId: message.workspaceId,
    channelId: message.channelId,
    platformThreadId,
    messageId: message.id,
    attempt: message.sendAttempts + 1,
  };
}

interface Target {
  platform: Platform;
  contact: ReplyContact;
  /** The platform sends message templates (WhatsApp). */
  takesTemplates: boolean;
  send(
    content: ReplyContent,
    context: ReplyContext,
    idempotencyKey: string,
    author: AuthorType,
    now: number,
    io: ReplyIo,
  ): Promise<SendResult>;
}

async function loadTarget(
  env: Env,
  db: Db,
  conversation: ReplyConversation,
  knownContact?: ReplyContact,
): Promise<Target | { reason: string }> {
  const [found, contact] = await Promise.all([
    lookUpChannel(db, () => secretBox(env), conversation.channelId, Date.now()),
    knownContact ?? getContact(db, conversation.workspaceId, conversation.contactId),
  ]);
  const channel = found?.workspaceId === conversation.workspaceId ? found : null;
  if (!channel || !contact) return { reason: "the conversation's channel or contact no longer exists" };
  const adapter = getAdapter(channel.platform);
  const send = adapter?.send;
  if (!adapter || !send) return { reason: `replies are not supported on ${channel.platform}` };
  if (contact.status === "blocked") return { reason: "the contact has blocked the business on this platform" };
  if (channel.status === "disconnected") return { reason: `the channel is disconnected: ${channel.statusReason ?? "no reason given"}` };
  const apiBase = readConfig(env).apiBase[adapter.platform];
  const sendTemplate = adapter.sendTemplate;
  return {
    platform: adapter.platform,
    contact,
    takesTemplates: sendTemplate !== undefined,
    send: (content, context, idempotencyKey, authorType, now, io) =>
      sendWithFreshToken(env, channel, (credentials): Promise<SendResult> => {
        const sendIo = { fetch: io.fetch, apiBase, now };
        // Adapters tell an agent's reply from an automatic one (Meta's HUMAN_AGENT tag); the AI's is automatic.
        const author = authorType === "agent" ? "agent" : "bot";
        if (content.template === undefined)
          return send.call(adapter, { text: content.text, context, idempotencyKey, author }, credentials, sendIo);
        if (!sendTemplate)
          return Promise.resolve({
            ok: false,
            kind: "refused",
            reason: `message templates are WhatsApp's; ${adapter.platform} takes text replies`,
          });
        return sendTemplate.call(adapter, { template: content.template, context, idempotencyKey }, credentials, sendIo);
      }),
  };
}

/**
 * Sends with a token fit to use: one due for refresh is renewed first, and one the platform
 * refuses as unauthorized is renewed once and the send tried again. Every renewal goes
 * through the channel's own object, so concurrent replies wait for one refresh.
 */
async function sendWithFreshToken(
  env: Env,
  channel: IntakeChannel,
  send: (credentials: Credentials) => Promise<SendResult>,
): Promise<SendResult> {
  let credentials = channel.credentials;
  if (isDueForRefresh(channel.tokenExpiresAt, Date.now())) {
    const fresh = await askForCredentials(env, channel.id);
    if (!fresh.ok) return tokenFailure(fresh);
    credentials = fresh.credentials;
    forgetChannel(channel.id);
  }
  const result = await send(credentials);
  if (result.ok || result.kind !== "failed" || !result.unauthorized) return result;
  const after = await retryWithRenewedToken(
    env,
    channel.id,
    credentials.accessToken ?? "",
    send,
    (retried) => !retried.ok && retried.kind === "failed" && retried.unauthorized === true,
  );
  if (after.kind === "retried") return after.result;
  if (after.kind === "unchanged") return result;
  // The platform's own words first, then why the gateway could not mend it.
  const { answer } = after;
  return answer.kind === "retry" ? tokenFailure(answer) : { ...result, error: `${result.error}; ${answer.reason}` };
}

function tokenFailure(answer: Extract<TokenAnswer, { ok: false }>): SendResult {
  return answer.kind === "retry"
    ? { ok: false, kind: "retry", error: `token refresh: ${answer.reason}`, status: null }
    : { ok: false, kind: "failed", error: answer.reason, status: 401 };
}

function replyContext(conversation: ReplyConversation, platformUserId: string, now: number): ReplyContext {
  const token = conversation.replyToken;
  const expiresAt = conversation.replyTokenExpiresAt;
  return {
    platformThreadId: conversation.platformThreadId,
    platformUserId,
    lastInboundAt: conversation.lastInboundAt,
    adReferralAt: conversation.adReferralAt,
    replyToken: token && expiresAt && expiresAt > now ? { token, expiresAt } : null,
  };
}

/**
 * Records what the platform said of a recorded reply, and announces it when sent. The
 * conversation's object records the outcome first: once it says sent, no sweep or retry
 * sends the reply again, whatever happens to the announcement after.
 */
async function settle(
  env: Env,
  hooks: ConversationHooks,
  message: MessageRow,
  conversation: ReplyConversation,
  target: Target,
  result: SendResult,
  attempt: number,
  now: number,
  sink: EventSink,
  clocksIfSent: ClockChange[] = [],
): Promise<Extract<ReplyOutcome, { message: MessageRow }>> {
  if (result.ok) {
    const patch = {
      status: "sent",
      error: null,
      sentAt: now,
      platformMessageId: result.platformMessageId ?? message.platformMessageId,
      sendClaimedUntil: null,
    } as const;
    const sent: MessageRow = { ...message, ...patch };
    await hooks.settleReply(sent.id, patch, authorOf(sent)?.type ?? "bot");
    await announceSent(openDb(env.DB), sent, conversation, target, now, sink, clocksIfSent);
    return { kind: "sent", message: sent };
  }
  const error = result.kind === "refused" ? result.reason : result.error;
  const giveUp = result.kind !== "retry" || attempt >= MAX_REPLY_ATTEMPTS;
  const status = giveUp ? "failed" : "pending";
  const delaySeconds = retryDelay(result, attempt);
  // A scheduled retry owns the reply until a while after it is due; if its message is lost, the object's alarm takes over.
  const sendClaimedUntil = giveUp ? null : now + delaySeconds * 1000 + SEND_CLAIM_MS;
  await hooks.settleReply(message.id, { status, error, sendClaimedUntil }, null);
  if (!giveUp) {
    const job = resumptionOf({ ...message, sendAttempts: attempt }, conversation.platformThreadId);
    if (job) await env.DELIVERIES_QUEUE.send(job, { contentType: "json", delaySeconds });
  }
  return { kind: status, message: { ...message, status, error, sendClaimedUntil } };
}

/**
 * `message.sent`, in one D1 batch with the spent reply token if there was one; the clocks the
 * reply stops ride on the event's append to the log. The reply's search text is the
 * conversation object's to write (it settled the reply: `settleReply`).
 */
async function announceSent(
  db: Db,
  sent: MessageRow,
  conversation: ReplyConversation,
  target: Target,
  now: number,
  sink: EventSink,
  clocksIfSent: ClockChange[],
): Promise<void> {
  const event = buildEvent("message.sent", await derivedId("evt", "message.sent", sent.id), now, {
    workspaceId: conversation.workspaceId,
    channel: { id: conversation.channelId, platform: target.platform },
    contact: { id: conversation.contactId, platformUserId: target.contact.platformUserId, displayName: target.contact.displayName },
    conversation: { id: conversation.id, platformThreadId: conversation.platformThreadId },
    message: {
      id: sent.id,
      platformMessageId: sent.platformMessageId,
      direction: "outbound",
      sentAt: isoTime(sent.sentAt),
      text: sent.text,
      attachments: [],
      author: authorOf(sent) ?? { type: "bot" },
    },
  });
  // A reply could only have used the token the conversation had (replyContext): none, nothing to clear.
  const spentToken = conversation.replyToken === null ? [] : [clearReplyTokenStatement(db, conversation.id)];
  await sink.write(spentToken, [event], now, clocksIfSent);
}

/** 2 s, 4 s, 8 s…, or longer when the platform says so (bounded by the queue's 12 h). */
function retryDelay(result: SendResult, attempt: number): number {
  const asked = !result.ok && result.kind === "retry" ? (result.retryAfterSeconds ?? 0) : 0;
  return Math.min(Math.max(2 ** attempt, asked), 43200);
}
