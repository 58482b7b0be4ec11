/**
 * The demo's channels, one per platform: made-up credentials (enough to verify deliveries and
 * to reply, through the fake platform APIs), and a buyer's text DM as that platform delivers
 * it, signed the way its adapter verifies it (test/fixtures/<platform>/ show the same shapes).
 */
import { createHash, createHmac } from "node:crypto";
import { BENCH_APP, signedDelivery } from "../../bench/tiktok.ts";
import type { Platform } from "../../src/events/schema.ts";

export interface InboundDm {
  /** Buyer number: the same buyer is the same platform user every time. */
  buyer: number;
  /** Message number, unique in a run. */
  message: number;
  name: string;
  text: string;
}

export interface SignedDm {
  body: string;
  headers: Record<string, string>;
  /** `data.message.platformMessageId` of the message.received this DM becomes. */
  platformMessageId: string;
  /** Whom the fake platform APIs file a reply to this buyer under (`replyKeyOf`). */
  replyKey: string;
  /** LINE: the reply token a reply may use instead of the user id. */
  replyToken?: string;
}

export interface DemoPlatform {
  channelName: string;
  credentials: Readonly<Record<string, string>>;
  sign(dm: InboundDm, nowMs: number): SignedDm;
}

/** `prefix` then `n` zero-padded to `width` digits: ids of the platform's length, unique per n. */
const id = (prefix: string, n: number, width: number): string => `${prefix}${String(n).padStart(width, "0")}`;

export const replyKeyOf = (platform: Platform, recipient: string | number): string => `${platform}:${recipient}`;

const hmac = (algorithm: string, key: string, body: string, encoding: "hex" | "base64") =>
  createHmac(algorithm, key).update(body, "utf8").digest(encoding);

/** Meta writes non-ASCII as \uXXXX escapes in the bodies it signs. */
function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const WHATSAPP = {
  appSecret: "d3m0a1b2c3d4e5f60718293a4b5c6d7e",
  verifyToken: "demo-verify-token",
  accessToken: "EAADemoWhatsAppAccessToken",
  phoneNumberId: "106540352242922",
};
const MESSENGER = {
  appSecret: "d3m0f1e2d3c4b5a60718293a4b5c6d7e",
  verifyToken: "demo-verify-token",
  pageAccessToken: "EAADemoMessengerPageToken",
  pageId: "104857600123456",
};
const INSTAGRAM = {
  appSecret: "d3m01a2b3c4d5e6f708192a3b4c5d6e7",
  verifyToken: "demo-verify-token",
  pageAccessToken: "IGDemoInstagramUserToken",
  pageId: "17841400000000001",
};
const TELEGRAM = { botToken: "7000000001:AAdemo_bot_token_for_local_demo", secretToken: "demo_secret_token_1" };
const LINE = { channelSecret: "d3m0c0ffee0123456789abcdef012345", channelAccessToken: "demoLineChannelAccessToken" };
const X = {
  consumerKey: "demoConsumerKey01",
  consumerSecret: "demoConsumerSecret0123456789abcdefghijklmnopqrstuv",
  accessToken: "1460000000000000001-demoAccessToken",
  accessTokenSecret: "demoAccessTokenSecret0123456789abcdefghijklmn",
};
const ZALO = { appId: "1234567890123456789", oaSecretKey: "DemoOaS3cretK3y000001", accessToken: "demoZaloOaAccessToken" };
const X_BUSINESS = "1460000000000000001";
const ZALO_OA = "1122334455667788990";
const LINE_BOT = "U0123456789abcdef0123456789abcdef";

function metaPlatform(object: "page" | "instagram", credentials: typeof MESSENGER, channelName: string): DemoPlatform {
  const platform: Platform = object === "page" ? "messenger" : "instagram";
  return {
    channelName,
    credentials,
    sign(dm, nowMs) {
      const sender = id(object === "page" ? "72340000" : "10290000", dm.buyer, 8);
      const mid =
        object === "page" ? id("m_DemoMid", dm.message, 12) : Buffer.from(id("ig_demo_mid:", dm.message, 12)).toString("base64url");
      const body = metaJson({
        object,
        entry: [
          {
            id: credentials.pageId,
            time: nowMs,
            messaging: [
              { sender: { id: sender }, recipient: { id: credentials.pageId }, timestamp: nowMs, message: { mid, text: dm.text } },
            ],
          },
        ],
      });
      return {
        body,
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": `sha256=${hmac("sha256", credentials.appSecret, body, "hex")}`,
        },
        platformMessageId: mid,
        replyKey: replyKeyOf(platform, sender),
      };
    },
  };
}

export const DEMO_PLATFORMS: Readonly<Record<Platform, DemoPlatform>> = {
  tiktok: {
    channelName: "TikTok Shop",
    credentials: BENCH_APP,
    sign(dm, nowMs) {
      const message = {
        conversationId: id("7494", dm.buyer, 15),
        imUserId: id("7310", dm.buyer, 15),
        messageId: id("7600", dm.message, 15),
        nickname: dm.name,
        text: dm.text,
      };
      const { body, headers } = signedDelivery(message, id("7700", dm.message, 15), nowMs);
      return { body, headers, platformMessageId: message.messageId, replyKey: replyKeyOf("tiktok", message.conversationId) };
    },
  },
  whatsapp: {
    channelName: "WhatsApp",
    credentials: WHATSAPP,
    sign(dm, nowMs) {
      const waId = id("628120", dm.buyer, 6);
      const wamid = `wamid.${Buffer.from(id("demo:", dm.message, 12)).toString("base64")}`;
      const body = metaJson({
        object: "whatsapp_business_account",
        entry: [
          {
            id: "102290129340398",
            changes: [
              {
                field: "messages",
                value: {
                  messaging_product: "whatsapp",
                  metadata: { display_phone_number: "15550783881", phone_number_id: WHATSAPP.phoneNumberId },
                  contacts: [{ profile: { name: dm.name }, wa_id: waId }],
                  messages: [{ from: waId, id: wamid, timestamp: String(Math.floor(nowMs / 1000)), type: "text", text: { body: dm.text } }],
                },
              },
            ],
          },
        ],
      });
      return {
        body,
        headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${hmac("sha256", WHATSAPP.appSecret, body, "hex")}` },
        platformMessageId: wamid,
        replyKey: replyKeyOf("whatsapp", waId),
      };
    },
  },
  telegram: {
    channelName: "Telegram bot",
    credentials: TELEGRAM,
    sign(dm, nowMs) {
      const chatId = 6_000_000_000 + dm.buyer;
      const [firstName, ...rest] = dm.name.split(" ");
      const from = { id: chatId, is_bot: false, first_name: firstName ?? dm.name, ...(rest.length ? { last_name: rest.join(" ") } : {}) };
      const body = JSON.stringify({
        update_id: 734_500_000 + dm.message,
        message: { message_id: dm.message + 1, from, chat: { ...from, type: "private" }, date: Math.floor(nowMs / 1000), text: dm.text },
      });
      return {
        body,
        // Telegram signs nothing: it sends setWebhook's secret_token back in this header.
        headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": TELEGRAM.secretToken },
        platformMessageId: `${chatId}:${dm.message + 1}`,
        replyKey: replyKeyOf("telegram", chatId),
      };
    },
  },
  line: {
    channelName: "LINE Official Account",
    credentials: LINE,
    sign(dm, nowMs) {
      const userId = `U${createHash("md5").update(`demo-buyer-${dm.buyer}`).digest("hex")}`;
      const messageId = id("5200", dm.message, 14);
      const replyToken = createHash("md5").update(`demo-reply-${dm.message}`).digest("hex");
      const body = JSON.stringify({
        destination: LINE_BOT,
        events: [
          {
            type: "message",
            message: { type: "text", id: messageId, text: dm.text },
            webhookEventId: id("01JDEMO", dm.message, 19),
            deliveryContext: { isRedelivery: false },
            timestamp: nowMs,
            source: { type: "user", userId },
            replyToken,
            mode: "active",
          },
        ],
      });
      return {
        body,
        headers: { "content-type": "application/json", "x-line-signature": hmac("sha256", LINE.channelSecret, body, "base64") },
        platformMessageId: messageId,
        replyKey: replyKeyOf("line", userId),
        replyToken,
      };
    },
  },
  zalo: {
    channelName: "Zalo OA",
    credentials: ZALO,
    sign(dm, nowMs) {
      const sender = id("87650000", dm.buyer, 11);
      const msgId = createHash("md5").update(`demo-msg-${dm.message}`).digest("hex").slice(0, 20);
      const timestamp = String(nowMs);
      const body = JSON.stringify({
        app_id: ZALO.appId,
        sender: { id: sender },
        user_id_by_app: id("56780000", dm.buyer, 11),
        recipient: { id: ZALO_OA },
        event_name: "user_send_text",
        message: { text: dm.text, msg_id: msgId },
        timestamp,
      });
      // Not an HMAC: SHA-256 of app_id + body + timestamp + OA secret key.
      const mac = createHash("sha256").update(ZALO.appId).update(body).update(timestamp).update(ZALO.oaSecretKey).digest("hex");
      return {
        body,
        headers: { "content-type": "application/json", "x-zevent-signature": `mac=${mac}` },
        platformMessageId: msgId,
        replyKey: replyKeyOf("zalo", sender),
      };
    },
  },
  x: {
    channelName: "X account",
    credentials: X,
    sign(dm, nowMs) {
      const sender = id("15300000", dm.buyer, 11);
      const eventId = id("1798", dm.message, 15);
      const handle = `buyer_${dm.buyer}`;
      const body = JSON.stringify({
        for_user_id: X_BUSINESS,
        direct_message_events: [
          {
            type: "message_create",
            id: eventId,
            created_timestamp: String(nowMs),
            message_create: { target: { recipient_id: X_BUSINESS }, sender_id: sender, message_data: { text: dm.text } },
          },
        ],
        users: { [sender]: { id: sender, name: dm.name, screen_name: handle, protected: false, verified: false } },
      });
      return {
        body,
        headers: {
          "content-type": "application/json",
          "x-twitter-webhooks-signature": `sha256=${hmac("sha256", X.consumerSecret, body, "base64")}`,
        },
        platformMessageId: eventId,
        replyKey: replyKeyOf("x", sender),
      };
    },
  },
  messenger: metaPlatform("page", MESSENGER, "Facebook Page"),
  instagram: metaPlatform("instagram", INSTAGRAM, "Instagram account"),
};

/** Page id → platform: Messenger and Instagram replies share one Graph API path. */
export const META_PAGES: ReadonlyMap<string, Platform> = new Map([
  [MESSENGER.pageId, "messenger"],
  [INSTAGRAM.pageId, "instagram"],
]);
