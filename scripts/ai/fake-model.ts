/**
 * A scripted stand-in for an OpenAI-compatible chat model with tools, for the demo, `npm run
 * dev` and the agent's evaluation in CI: no network, the same answer every time. It reads the
 * buyer's last message by keywords in English, Vietnamese, Thai and Indonesian, calls the
 * tools a careful model would, answers from their results, and hands off what it cannot
 * answer. It proves the plumbing, not a model's quality. Pure (no I/O).
 */
import { foldText } from "../../src/ai/search.ts";

type Message = { role: string; content?: string | null; tool_calls?: { function: { name: string } }[] };
type Language = "en" | "vi" | "th" | "id";

export const FAKE_MODEL_NAME = "switchboard-scripted-fake";

function languageOf(text: string): Language {
  if (/[\u0e00-\u0e7f]/.test(text)) return "th";
  if (/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(text) || /\b(shop oi|ban|khong|don hang)\b/.test(foldText(text)))
    return "vi";
  if (/\b(kak|pesanan|saya|apakah|bisa|berapa|gimana|mau|dong|sudah|barang)\b/i.test(text)) return "id";
  return "en";
}

const has = (text: string, words: string[]) => {
  const folded = foldText(text);
  return words.some((w) => (/[a-z]/.test(w) ? new RegExp(`(?<![a-z])${w}`).test(folded) : folded.includes(w)));
};

const HUMAN = [
  "human",
  "real person",
  "a person",
  "agent",
  "manager",
  "nhan vien",
  "nguoi that",
  "tu van vien",
  "เจ้าหน้าที่",
  "คุยกับคน",
  "พนักงาน",
  "orang asli",
  "admin",
  "cs manusia",
];
const ANGRY = [
  "terrible",
  "worst",
  "scam",
  "angry",
  "furious",
  "useless",
  "lua dao",
  "qua te",
  "buc minh",
  "that vong",
  "แย่มาก",
  "โกง",
  "โมโห",
  "ผิดหวัง",
  "kecewa",
  "penipu",
  "parah",
  "kesal",
];
const REFUND = ["refund", "money back", "hoan tien", "tra tien", "คืนเงิน", "uang kembali", "balikin uang", "pengembalian dana"];
const INSTRUCTIONS = [
  "instruction",
  "system prompt",
  "your prompt",
  "ignore previous",
  "ignore all",
  "huong dan cua ban",
  "bo qua",
  "คำสั่งของคุณ",
  "ละเว้น",
  "instruksi",
  "abaikan",
];
const POLICY = [
  "ship",
  "deliver",
  "return",
  "exchange",
  "pay",
  "cod",
  "cash",
  "size",
  "fit",
  "giao",
  "van chuyen",
  "doi",
  "tra hang",
  "thanh toan",
  "size",
  "kich co",
  "ส่ง",
  "คืน",
  "เปลี่ยน",
  "ชำระ",
  "ปลายทาง",
  "ไซซ์",
  "ขนาด",
  "kirim",
  "pengiriman",
  "ongkir",
  "retur",
  "diretur",
  "tukar",
  "bayar",
  "ukuran",
];
const ORDER_WORDS = ["order", "parcel", "package", "don", "kien hang", "คำสั่งซื้อ", "พัสดุ", "ออเดอร์", "pesanan", "paket"];
const GREETING = ["hello", "hi", "hey", "xin chao", "chao shop", "สวัสดี", "halo", "hai"];

const STATUS: Record<Language, Record<string, string>> = {
  en: { pending: "awaiting payment", processing: "being prepared", shipped: "on its way", delivered: "delivered", cancelled: "cancelled" },
  vi: {
    pending: "đang chờ thanh toán",
    processing: "đang được chuẩn bị",
    shipped: "đang được giao",
    delivered: "đã giao",
    cancelled: "đã hủy",
  },
  th: { pending: "รอชำระเงิน", processing: "กำลังเตรียมจัดส่ง", shipped: "อยู่ระหว่างจัดส่ง", delivered: "จัดส่งสำเร็จแล้ว", cancelled: "ยกเลิกแล้ว" },
  id: {
    pending: "menunggu pembayaran",
    processing: "sedang disiapkan",
    shipped: "dalam pengiriman",
    delivered: "sudah diterima",
    cancelled: "dibatalkan",
  },
};

const SAY: Record<Language, { order: string; notFound: string; askNumber: string; greeting: string; policy: string }> = {
  en: {
    order: "Your order {id} is {status}.",
    notFound: "I could not find order {id}. Could you check the number?",
    askNumber: "Happy to check! Could you send your order number?",
    greeting: "Hi! How can I help you today?",
    policy: "{text}",
  },
  vi: {
    order: "Đơn hàng {id} của bạn {status}.",
    notFound: "Mình không tìm thấy đơn {id}. Bạn kiểm tra lại mã đơn giúp nhé.",
    askNumber: "Bạn gửi giúp mình mã đơn hàng nhé!",
    greeting: "Xin chào! Shop có thể giúp gì cho bạn?",
    policy: "{text}",
  },
  th: {
    order: "คำสั่งซื้อ {id} ของคุณ{status}ค่ะ",
    notFound: "ไม่พบคำสั่งซื้อ {id} กรุณาตรวจสอบหมายเลขอีกครั้งค่ะ",
    askNumber: "รบกวนส่งหมายเลขคำสั่งซื้อด้วยนะคะ",
    greeting: "สวัสดีค่ะ มีอะไรให้ช่วยไหมคะ",
    policy: "{text}",
  },
  id: {
    order: "Pesanan {id} kamu {status}.",
    notFound: "Pesanan {id} tidak ditemukan. Boleh dicek lagi nomornya, kak?",
    askNumber: "Boleh kirim nomor pesanannya, kak?",
    greeting: "Halo kak! Ada yang bisa dibantu?",
    policy: "{text}",
  },
};

let serial = 0;
const usage = (messages: Message[]) => ({
  prompt_tokens: Math.ceil(JSON.stringify(messages).length / 4),
  completion_tokens: 24,
});
const text = (content: string, messages: Message[]) => ({ choices: [{ message: { role: "assistant", content } }], usage: usage(messages) });
const tool = (name: string, args: Record<string, string>, messages: Message[]) => ({
  choices: [
    {
      message: {
        role: "assistant",
        content: null,
        tool_calls: [{ id: `call_${++serial}`, type: "function", function: { name, arguments: JSON.stringify(args) } }],
      },
    },
  ],
  usage: usage(messages),
});

/** The answer to one chat/completions request body. */
export function scriptedModelAnswer(body: { messages?: Message[] }): object {
  const messages = body.messages ?? [];
  const lastUser = [...messages].reverse().find((m) => m.role === "user")?.content ?? "";
  const lang = languageOf(lastUser);
  const say = SAY[lang];
  const last = messages.at(-1);
  if (last?.role === "tool") {
    const called = [...messages].reverse().find((m) => m.role === "assistant" && m.tool_calls)?.tool_calls?.[0]?.function.name;
    let result: unknown;
    try {
      result = JSON.parse(last.content ?? "null");
    } catch {
      result = null;
    }
    if (called === "lookup_order" && result && typeof result === "object") {
      const order = result as { found?: boolean; orderId?: string; status?: string; error?: string };
      if (order.error) return tool("handoff", { reason: "the order system did not answer" }, messages);
      if (!order.found) return text(say.notFound.replace("{id}", order.orderId ?? ""), messages);
      const status = STATUS[lang][(order.status ?? "").toLowerCase()];
      if (!status) return tool("handoff", { reason: `unfamiliar order status ${order.status}` }, messages);
      return text(say.order.replace("{id}", order.orderId ?? "").replace("{status}", status), messages);
    }
    if (called === "search_knowledge" && Array.isArray(result) && result.length > 0) {
      return text(say.policy.replace("{text}", String((result[0] as { text?: string }).text ?? "")), messages);
    }
    return tool("handoff", { reason: "the shop's knowledge does not answer this" }, messages);
  }
  if (has(lastUser, INSTRUCTIONS)) return tool("handoff", { reason: "asked about the assistant's instructions" }, messages);
  if (has(lastUser, HUMAN)) return tool("handoff", { reason: "asked for a person" }, messages);
  if (has(lastUser, ANGRY)) return tool("handoff", { reason: "the buyer is upset" }, messages);
  if (has(lastUser, REFUND)) return tool("handoff", { reason: "a refund is for a person to decide" }, messages);
  const orderId = /\b\d{6,24}\b/.exec(lastUser)?.[0];
  if (orderId) return tool("lookup_order", { orderId }, messages);
  if (has(lastUser, POLICY)) return tool("search_knowledge", { query: lastUser.slice(0, 200) }, messages);
  if (has(lastUser, ORDER_WORDS)) return text(say.askNumber, messages);
  if (has(lastUser, GREETING)) return text(say.greeting, messages);
  return tool("handoff", { reason: "not sure what the buyer needs" }, messages);
}
