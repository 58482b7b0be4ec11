/**
 * The floor (issue 12): the least a DM must cost on this runtime. Intake verifies TikTok
 * Shop's signature and enqueues; the consumer makes one call to the conversation's Durable
 * Object (one SQLite insert, de-duplicating on the message id), one D1 insert and one
 * Standard Webhooks–signed POST of `message.received` to SUBSCRIBER_URL. No routing,
 * replies, tickets, event log or delivery outbox: Switchboard ÷ floor is what those cost.
 */
import { DurableObject } from "cloudflare:workers";
import { type Dm, hmacKey, messageReceived, readDm, signStandardWebhook, verifyTikTok, whsecBytes } from "./wire.ts";

export interface FloorEnv {
  DB: D1Database;
  INBOUND_QUEUE: Queue<Dm>;
  CONVERSATION: DurableObjectNamespace<FloorConversation>;
  CHANNEL_ID: string;
  APP_KEY: string;
  APP_SECRET: string;
  SUBSCRIBER_URL: string;
  /** whsec_<base64> */
  WEBHOOK_SECRET: string;
}

export class FloorConversation extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS seen (message_id TEXT PRIMARY KEY, at INTEGER NOT NULL)");
  }

  /** Whether this message id is new to the conversation (no time window). */
  record(messageId: string): boolean {
    return this.ctx.storage.sql.exec("INSERT OR IGNORE INTO seen (message_id, at) VALUES (?, ?)", messageId, Date.now()).rowsWritten > 0;
  }
}

// Imported once per isolate, as a real gateway would cache them.
let keys: Promise<{ tiktok: CryptoKey; webhook: CryptoKey }> | null = null;
function keysOf(env: FloorEnv) {
  keys ??= Promise.all([hmacKey(env.APP_SECRET, "verify"), hmacKey(whsecBytes(env.WEBHOOK_SECRET), "sign")]).then(([tiktok, webhook]) => ({
    tiktok,
    webhook,
  }));
  return keys;
}

async function intake(request: Request, env: FloorEnv): Promise<Response> {
  const body = await request.text();
  const { tiktok } = await keysOf(env);
  if (!(await verifyTikTok(tiktok, env.APP_KEY, body, request.headers.get("authorization"))))
    return Response.json({ error: "signature mismatch" }, { status: 401 });
  const dm = readDm(body, Date.now());
  if (!dm) return Response.json({ error: "not a fresh TEXT message" }, { status: 400 });
  await env.INBOUND_QUEUE.send(dm);
  return Response.json({ code: 0 });
}

async function consume(dm: Dm, attempts: number, env: FloorEnv, key: CryptoKey): Promise<void> {
  const conversation = env.CONVERSATION.get(env.CONVERSATION.idFromName(dm.conversationId));
  const isNew = await conversation.record(dm.messageId);
  // A platform's redelivery stops here; a retry of our own (attempts > 1) goes on, since its
  // first try may have failed after the ledger's insert.
  if (!isNew && attempts === 1) return;
  await env.DB.prepare(
    "INSERT OR IGNORE INTO messages (platform_message_id, conversation_id, sender_id, text, received_at) VALUES (?, ?, ?, ?, ?)",
  )
    .bind(dm.messageId, dm.conversationId, dm.senderId, dm.text, Date.now())
    .run();
  // Derived from the message id, so a retried POST carries the same webhook-id.
  const id = `evt_${dm.messageId}`;
  const now = Date.now();
  const timestamp = Math.floor(now / 1000);
  const body = messageReceived(dm, id, now);
  const response = await fetch(env.SUBSCRIBER_URL, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": await signStandardWebhook(key, id, timestamp, body),
    },
    body,
  });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`subscriber answered ${response.status}`);
}

export default {
  async fetch(request, env): Promise<Response> {
    const { pathname } = new URL(request.url);
    // The bench's dev server waits for GET /health.
    if (request.method === "GET" && pathname === "/health") return Response.json({ ok: true });
    const match = /^\/webhooks\/tiktok\/([^/]+)$/.exec(pathname);
    if (request.method === "POST" && match?.[1] === env.CHANNEL_ID) return intake(request, env);
    return Response.json({ error: "not found" }, { status: 404 });
  },

  async queue(batch, env): Promise<void> {
    const { webhook } = await keysOf(env);
    // A batch's messages run concurrently: the floor adds no wait of its own between them.
    await Promise.all(
      batch.messages.map(async (message) => {
        try {
          await consume(message.body, message.attempts, env, webhook);
          message.ack();
        } catch (error) {
          console.error(`floor: ${message.body.messageId}: ${error instanceof Error ? error.message : String(error)}`);
          message.retry();
        }
      }),
    );
  },
} satisfies ExportedHandler<FloorEnv, Dm>;
