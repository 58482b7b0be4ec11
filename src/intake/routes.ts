/**
 * Webhook intake, the edge: look up the channel (cached), read the exact bytes, verify,
 * enqueue, answer. Nothing is parsed beyond what verification needs, and nothing is
 * acknowledged that was not enqueued.
 */
import { Hono } from "hono";
import { lookUpChannel } from "../channel-cache.ts";
import { getAdapter } from "../channels/registry.ts";
import type { Verdict } from "../channels/types.ts";
import { type InboundQueueMessage, MAX_QUEUE_MESSAGE_BYTES, queuedBytes } from "../consumers/messages.ts";
import type { AppEnv } from "../env.ts";
import { fromUtf8 } from "../lib/encoding.ts";
import { ApiError, errorMessage } from "../lib/errors.ts";
import { randomId } from "../lib/ids.ts";
import { secretBox } from "../secrets.ts";
import { openDb } from "../storage/db.ts";
import { insertBlob } from "../storage/dead-letters.ts";
import { MAX_WEBHOOK_BODY_BYTES, readBodyLimited } from "./read-body.ts";

export const intake = new Hono<AppEnv>();

intake.on(["GET", "POST"], "/:platform/:channelId", async (c) => {
  const { platform, channelId } = c.req.param();
  const adapter = getAdapter(platform);
  if (!adapter) throw new ApiError("not_found", `unknown platform '${platform}'`);

  const now = Date.now();
  const db = openDb(c.env.DB);
  const channel = await lookUpChannel(db, () => secretBox(c.env), channelId, now);
  if (!channel || channel.platform !== adapter.platform) throw new ApiError("not_found", "no such channel for this platform");

  const limit = adapter.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const read = await readBodyLimited(c.req.raw, limit);
  if (!read.ok) throw new ApiError("payload_too_large", `${platform} webhook bodies are limited to ${limit} bytes`);

  const delivery = {
    platform: adapter.platform,
    channelId,
    method: c.req.method,
    url: new URL(c.req.url),
    headers: c.req.raw.headers,
    body: read.bytes,
    receivedAt: now,
  };
  let verdict: Verdict;
  if (c.req.method === "POST") {
    verdict = await adapter.verify(delivery, channel.credentials);
  } else if (adapter.handshake) {
    verdict = await adapter.handshake(delivery, channel.credentials);
  } else {
    throw new ApiError("method_not_allowed", `${platform} webhooks have no GET handshake; deliveries are POSTed`);
  }
  const log = { channelId, platform, bytes: read.bytes.byteLength };
  if (verdict.kind === "handshake") return verdict.response;
  if (verdict.kind === "reject") {
    console.warn(JSON.stringify({ msg: "webhook rejected", ...log, status: verdict.status, reason: verdict.reason }));
    if (verdict.status === 400) throw new ApiError("bad_request", `this body is not a delivery from ${adapter.platform}`);
    if (verdict.status === 403) throw new ApiError("forbidden", "handshake refused: the verify token does not match");
    if (verdict.status === 404) throw new ApiError("not_found", "no such channel for this platform");
    throw new ApiError("unauthorized", "webhook signature is missing or invalid");
  }
  // A handshake answers with its own response; only a POST carries a delivery.
  if (c.req.method !== "POST") throw new ApiError("bad_request", "a GET carries no delivery");

  try {
    const body = fromUtf8(read.bytes);
    const message: InboundQueueMessage = {
      v: 1,
      workspaceId: channel.workspaceId,
      channelId,
      platform: adapter.platform,
      receivedAt: now,
    };
    // Measured as the queue counts it: escaping can double a body (or more), and a body
    // that does not fit is stored and referenced instead. The serialized form is never
    // shorter than the raw bytes, so a body already over the limit is not serialized.
    message.body = body;
    if (read.bytes.byteLength > MAX_QUEUE_MESSAGE_BYTES || queuedBytes(message) > MAX_QUEUE_MESSAGE_BYTES) {
      delete message.body;
      message.blobId = randomId("blob");
      await insertBlob(db, message.blobId, body, now);
    }
    await c.env.INBOUND_QUEUE.send(message, { contentType: "json" });
  } catch (error) {
    console.error(JSON.stringify({ msg: "enqueue failed", ...log, error: errorMessage(error) }));
    throw new ApiError("unavailable", "could not accept the delivery right now; retry later");
  }
  return c.json({ ok: true });
});
