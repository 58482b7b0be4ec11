/**
 * What buyers type during a live sale, in the four languages the classifier knows. `{order}`
 * is replaced by a TikTok Shop order id (18 digits starting 57). Written for the benchmark,
 * not taken from the labelled test set, so the benchmark does not tune to it.
 */

export type TextKind = "order_id" | "order_no_id" | "size_change" | "complaint" | "greeting" | "shipping" | "refund" | "cancel" | "human";

export interface TextTemplate {
  lang: "en" | "vi" | "th" | "id";
  kind: TextKind;
  text: string;
}

export const TEXTS: readonly TextTemplate[] = [
  // English
  { lang: "en", kind: "order_id", text: "Hi, when will order {order} ship? I bought it in the live just now" },
  { lang: "en", kind: "order_id", text: "can you check my order {order} please, tracking has no update" },
  { lang: "en", kind: "order_no_id", text: "where is my order?? paid yesterday during the live" },
  { lang: "en", kind: "size_change", text: "I ordered the beige cardigan in M but I need L, can you change it before it ships?" },
  { lang: "en", kind: "complaint", text: "This is the second time my parcel arrived damaged. Really disappointed, terrible service" },
  { lang: "en", kind: "greeting", text: "hello!! 👋" },
  { lang: "en", kind: "shipping", text: "How long does shipping to Manila take and how much is delivery?" },
  { lang: "en", kind: "refund", text: "I returned the shoes last week, when do I get my refund?" },
  { lang: "en", kind: "cancel", text: "please cancel my order, I ordered the wrong colour by mistake" },
  { lang: "en", kind: "human", text: "can I talk to a real person please" },
  // Vietnamese
  { lang: "vi", kind: "order_id", text: "Shop ơi đơn hàng {order} của mình khi nào giao vậy ạ?" },
  { lang: "vi", kind: "order_id", text: "kiểm tra giúp em đơn {order} với, sao chưa thấy cập nhật vận chuyển" },
  { lang: "vi", kind: "order_no_id", text: "đơn của mình đặt trong live tối qua bao giờ gửi vậy shop" },
  { lang: "vi", kind: "size_change", text: "Em đặt áo size S mà muốn đổi sang size M được không shop?" },
  { lang: "vi", kind: "complaint", text: "Hàng giao tới bị rách, chất lượng quá tệ, rất thất vọng với shop" },
  { lang: "vi", kind: "greeting", text: "Chào shop ạ" },
  { lang: "vi", kind: "shipping", text: "Shop ship ra Hà Nội mất mấy ngày, phí ship bao nhiêu ạ?" },
  { lang: "vi", kind: "refund", text: "Mình đã trả hàng rồi, khi nào được hoàn tiền vậy shop?" },
  { lang: "vi", kind: "cancel", text: "Shop hủy đơn giúp mình nhé, mình đặt nhầm màu" },
  { lang: "vi", kind: "human", text: "cho mình gặp nhân viên tư vấn với" },
  // Thai
  { lang: "th", kind: "order_id", text: "ออเดอร์ {order} จะได้ของวันไหนคะ" },
  { lang: "th", kind: "order_id", text: "รบกวนเช็คคำสั่งซื้อ {order} ให้หน่อยค่ะ สถานะไม่ขยับเลย" },
  { lang: "th", kind: "order_no_id", text: "สั่งในไลฟ์เมื่อคืน ของส่งหรือยังคะ" },
  { lang: "th", kind: "size_change", text: "ขอเปลี่ยนไซซ์จาก M เป็น L ได้ไหมคะ ยังไม่ได้จัดส่งใช่ไหม" },
  { lang: "th", kind: "complaint", text: "ของที่ได้รับชำรุด แย่มาก ไม่พอใจเลยค่ะ" },
  { lang: "th", kind: "greeting", text: "สวัสดีค่ะ" },
  { lang: "th", kind: "shipping", text: "ส่งต่างจังหวัดกี่วันถึงคะ ค่าส่งเท่าไหร่" },
  { lang: "th", kind: "refund", text: "คืนสินค้าไปแล้ว จะได้เงินคืนเมื่อไหร่คะ" },
  { lang: "th", kind: "cancel", text: "ขอยกเลิกคำสั่งซื้อค่ะ กดสั่งผิด" },
  { lang: "th", kind: "human", text: "ขอคุยกับแอดมินที่เป็นคนได้ไหมคะ" },
  // Indonesian
  { lang: "id", kind: "order_id", text: "Kak, pesanan {order} kapan dikirim ya?" },
  { lang: "id", kind: "order_id", text: "min tolong cek pesanan {order}, resinya belum update dari kemarin" },
  { lang: "id", kind: "order_no_id", text: "kak paket aku udah sampai mana ya? order pas live tadi malam" },
  { lang: "id", kind: "size_change", text: "Kak, bisa ganti ukuran dari M ke L? belum dikirim kan" },
  { lang: "id", kind: "complaint", text: "barangnya rusak pas sampai, kecewa banget sama tokonya" },
  { lang: "id", kind: "greeting", text: "Halo kak, selamat malam" },
  { lang: "id", kind: "shipping", text: "ongkir ke Surabaya berapa kak, berapa hari sampai?" },
  { lang: "id", kind: "refund", text: "barang sudah saya retur, dana refund kapan masuk kak?" },
  { lang: "id", kind: "cancel", text: "kak tolong batalkan pesanan saya, salah pilih warna" },
  { lang: "id", kind: "human", text: "kak bisa bicara dengan CS manusia?" },
];

/** A small deterministic PRNG (mulberry32), so a run's mix of texts is reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A TikTok Shop order id: 18 digits, starting 57. */
export function orderId(random: () => number): string {
  let digits = "57";
  while (digits.length < 18) digits += Math.floor(random() * 10);
  return digits;
}

export interface PickedText {
  text: string;
  lang: TextTemplate["lang"];
  kind: TextKind;
  orderId: string | null;
}

export function pickText(random: () => number): PickedText {
  const template = TEXTS[Math.floor(random() * TEXTS.length)] ?? TEXTS[0];
  if (!template) throw new Error("no texts");
  if (!template.text.includes("{order}")) return { text: template.text, lang: template.lang, kind: template.kind, orderId: null };
  const id = orderId(random);
  return { text: template.text.replace("{order}", id), lang: template.lang, kind: template.kind, orderId: id };
}
