/**
 * Every platform's API as one loopback server on the port `.dev.vars` names: it answers each
 * adapter's send call the way that platform answers success, and notes when a reply reached
 * which buyer. Paths are the real ones (`<PLATFORM>_API_BASE` only swaps the origin).
 */
import { type Listening, listen, now } from "../../bench/fakes.ts";
import type { Platform } from "../../src/events/schema.ts";
import { scriptedModelAnswer } from "../ai/fake-model.ts";
import { FAKE_PLATFORM_PORT } from "./dev-vars.ts";
import { META_PAGES, replyKeyOf } from "./platforms.ts";

export interface PlatformCall {
  /** The buyer a reply went to (`replyKeyOf`); null when the call is no reply (an order look-up). */
  replyKey: string | null;
  status: number;
  answer: unknown;
}

type Json = Record<string, unknown>;

const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((at, key) => (at && typeof at === "object" ? (at as Json)[key] : undefined), value);

/**
 * What the platform would answer to `method path` with `body`, and which buyer it replied to.
 * `lineReplyTokens` maps the LINE reply tokens handed out to the buyers they belong to.
 */
export function answerPlatformCall(
  method: string,
  url: URL,
  body: unknown,
  serial: number,
  lineReplyTokens: ReadonlyMap<string, string>,
): PlatformCall {
  const path = url.pathname;
  const ok = (platform: Platform, recipient: unknown, answer: unknown): PlatformCall => ({
    replyKey: recipient === undefined || recipient === null ? null : replyKeyOf(platform, String(recipient)),
    status: 200,
    answer,
  });
  if (method === "GET" && path === "/order/202309/orders") {
    const ids = (url.searchParams.get("ids") ?? "").split(",").filter(Boolean);
    return {
      replyKey: null,
      status: 200,
      answer: { code: 0, message: "Success", data: { orders: ids.map((o) => ({ id: o, status: "IN_TRANSIT" })) } },
    };
  }
  // Token refreshes (TIKTOK_AUTH_BASE, ZALO_OAUTH_BASE point here too): a fresh pair each time.
  if (method === "GET" && path === "/api/v2/token/refresh") {
    const expiry = Math.floor(Date.now() / 1000) + 7 * 86400;
    const data = {
      access_token: `demo-at-${serial}`,
      access_token_expire_in: expiry,
      refresh_token: `demo-rt-${serial}`,
      refresh_token_expire_in: expiry + 300 * 86400,
    };
    return { replyKey: null, status: 200, answer: { code: 0, message: "success", data } };
  }
  if (method === "POST" && path === "/v4/oa/access_token") {
    return {
      replyKey: null,
      status: 200,
      answer: { access_token: `demo-at-${serial}`, refresh_token: `demo-rt-${serial}`, expires_in: "90000" },
    };
  }
  if (method !== "POST") return { replyKey: null, status: 404, answer: { error: "not a platform call the demo fakes" } };
  // The AI tier's model (`npm run demo -- --ai`): an OpenAI-compatible chat/completions.
  if (path === FAKE_MODEL_PATH) return { replyKey: null, status: 200, answer: scriptedModelAnswer((body ?? {}) as { messages?: [] }) };

  const tiktok = /^\/customer_service\/\d+\/conversations\/([^/]+)\/messages$/.exec(path);
  if (tiktok?.[1]) {
    return ok("tiktok", decodeURIComponent(tiktok[1]), { code: 0, message: "Success", data: { message_id: `73730${serial}` } });
  }
  const graph = /^\/v\d+\.\d+\/(\d+|me)\/messages$/.exec(path);
  if (graph?.[1]) {
    const page = META_PAGES.get(graph[1]);
    if (page) {
      const recipient = field(body, "recipient", "id");
      return ok(page, recipient, { recipient_id: recipient, message_id: `m_demo_reply_${serial}` });
    }
    const to = field(body, "to") ?? field(body, "recipient");
    return ok("whatsapp", to, {
      messaging_product: "whatsapp",
      contacts: [{ input: to, wa_id: to }],
      messages: [{ id: `wamid.demo_reply_${serial}` }],
    });
  }
  if (/^\/bot[^/]+\/sendMessage$/.test(path)) {
    const chatId = field(body, "chat_id");
    const result = {
      message_id: serial,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private" },
      text: field(body, "text"),
    };
    return ok("telegram", chatId, { ok: true, result });
  }
  if (path === "/v2/bot/message/reply" || path === "/v2/bot/message/push") {
    const answer = { sentMessages: [{ id: String(530000000000000 + serial), quoteToken: `q${serial}` }] };
    if (path.endsWith("/push")) return ok("line", field(body, "to"), answer);
    const key = lineReplyTokens.get(String(field(body, "replyToken")));
    if (!key) return { replyKey: null, status: 400, answer: { message: "Invalid reply token" } };
    return { replyKey: key, status: 200, answer };
  }
  const x = /^\/2\/dm_conversations\/with\/(\d+)\/messages$/.exec(path);
  if (x?.[1])
    return ok("x", x[1], { data: { dm_conversation_id: `demo-${x[1]}`, dm_event_id: String(1899000000000000000n + BigInt(serial)) } });
  if (path === "/v3.0/oa/message/cs") {
    const userId = field(body, "recipient", "user_id");
    return ok("zalo", userId, { error: 0, message: "Success", data: { message_id: `demoreply${serial}`, user_id: userId } });
  }
  if (path === "/v2.0/oa/message" && field(body, "recipient", "conversation_id") !== undefined) {
    // A buyer who does not follow the OA, answered by anonymous id (src/channels/zalo/send.ts).
    return ok("zalo", field(body, "recipient", "anonymous_id"), {
      error: 0,
      message: "Success",
      data: { message_id: `demoreply${serial}` },
    });
  }
  return { replyKey: null, status: 404, answer: { error: "not a platform call the demo fakes" } };
}

/** Where the fakes answer as an OpenAI-compatible model; settings.ai.url is this path's base. */
export const FAKE_MODEL_PATH = "/ai/v1/chat/completions";

export interface FakePlatforms extends Listening {
  /** Arrival times (performance.now()) of the replies to each buyer. */
  replies: Map<string, number[]>;
  replyCount: number;
  /** Calls that were no reply the fake knows (answered 404 or 400). */
  unrecognised: number;
  /** LINE reply tokens of the DMs sent, so a reply by token is filed under its buyer. */
  lineReplyTokens: Map<string, string>;
  /** Forgets what arrived so far (after the pre-flight check). */
  reset(): void;
}

export async function startFakePlatforms(port = FAKE_PLATFORM_PORT): Promise<FakePlatforms> {
  const state = {
    replies: new Map<string, number[]>(),
    replyCount: 0,
    unrecognised: 0,
    lineReplyTokens: new Map<string, string>(),
  };
  let serial = 0;
  const listening = await listen((request, text, response) => {
    const at = now();
    serial += 1;
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // a form or binary body: no recipient to read
    }
    const call = answerPlatformCall(
      request.method ?? "GET",
      new URL(request.url ?? "/", "http://fake"),
      body,
      serial,
      state.lineReplyTokens,
    );
    if (call.replyKey) {
      const times = state.replies.get(call.replyKey);
      if (times) times.push(at);
      else state.replies.set(call.replyKey, [at]);
      state.replyCount += 1;
    } else if (call.status !== 200) {
      state.unrecognised += 1;
    }
    response.writeHead(call.status, { "content-type": "application/json" }).end(JSON.stringify(call.answer));
  }, port);
  return Object.assign(state, listening, {
    reset() {
      state.replies.clear();
      state.replyCount = 0;
      state.unrecognised = 0;
    },
  });
}
