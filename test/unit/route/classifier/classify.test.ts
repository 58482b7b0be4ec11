import { describe, expect, it } from "vitest";
import { type Classification, classify, type Intent, type Language, type Sentiment } from "../../../../src/route/classifier/index.ts";

type Case = [text: string, intent: Intent, language: Language];

const BY_LANGUAGE: Record<string, Case[]> = {
  English: [
    ["where is my parcel? ordered last friday", "order_status", "en"],
    ["how much is delivery to Johor Bahru?", "shipping", "en"],
    ["can you change the colour to white please", "change_order", "en"],
    ["please cancel my order, I don't need it anymore", "cancel", "en"],
    ["the strap is torn, I want a refund", "refund", "en"],
    ["let me talk to a real person", "human", "en"],
    ["hello 👋", "greeting", "en"],
    ["does this come in a bigger size?", "other", "en"],
  ],
  Vietnamese: [
    ["đơn hàng của em giao chưa shop?", "order_status", "vi"],
    ["ship ra Huế mất mấy ngày vậy ạ", "shipping", "vi"],
    ["cho em đổi sang size L nhé", "change_order", "vi"],
    ["shop hủy đơn giúp em với", "cancel", "vi"],
    ["hàng bị rách, em muốn trả hàng hoàn tiền", "refund", "vi"],
    ["cho em gặp nhân viên tư vấn", "human", "vi"],
    ["chào shop ạ", "greeting", "vi"],
    ["áo này còn màu trắng không shop", "other", "vi"],
  ],
  Thai: [
    ["สั่งไปสามวันแล้ว ยังไม่ได้รับของเลยค่ะ", "order_status", "th"],
    ["ค่าส่งไปเชียงใหม่เท่าไหร่คะ", "shipping", "th"],
    ["ขอเปลี่ยนสีเป็นสีขาวได้ไหมคะ", "change_order", "th"],
    ["ขอยกเลิกออเดอร์นะคะ", "cancel", "th"],
    ["ของแตกมา ขอคืนเงินค่ะ", "refund", "th"],
    ["ขอคุยกับแอดมินหน่อยครับ", "human", "th"],
    ["สวัสดีค่ะ", "greeting", "th"],
    ["มีไซส์ XL ไหมคะ", "other", "th"],
  ],
  Indonesian: [
    ["kak pesanan saya kapan dikirim?", "order_status", "id"],
    ["ongkir ke Bandung berapa kak?", "shipping", "id"],
    ["kak ganti ukuran jadi L ya", "change_order", "id"],
    ["kak batalin pesanan aku ya", "cancel", "id"],
    ["barangnya rusak, minta refund kak", "refund", "id"],
    ["tolong sambungkan ke CS kak", "human", "id"],
    ["halo kak", "greeting", "id"],
    ["kak yang hitam ready?", "other", "id"],
  ],
};

describe("classify: intent and language", () => {
  for (const [language, cases] of Object.entries(BY_LANGUAGE)) {
    it.each(cases)(`reads ${language}: %s`, (text, intent, detected) => {
      const result = classify(text);
      expect(result.intent).toBe(intent);
      expect(result.language).toBe(detected);
    });
  }

  it("reads Vietnamese typed without diacritics", () => {
    expect(classify("shop oi don hang cua em khi nao giao vay")).toMatchObject({ intent: "order_status", language: "vi" });
    expect(classify("huy don giup minh nha")).toMatchObject({ intent: "cancel", language: "vi" });
    expect(classify("doi size M sang L giup em")).toMatchObject({ intent: "change_order", language: "vi" });
    expect(classify("hoan tien cho em di shop")).toMatchObject({ intent: "refund", language: "vi" });
  });

  it("accepts both Vietnamese tone placements", () => {
    expect(classify("shop huỷ đơn giúp em").intent).toBe("cancel");
    expect(classify("shop hủy đơn giúp em").intent).toBe("cancel");
  });

  it("keeps a diacritic the buyer typed: a pair (đôi) is not a change (đổi)", () => {
    expect(classify("đôi này size 38 còn không shop").intent).toBe("other");
    expect(classify("đổi size 38 giúp em").intent).toBe("change_order");
  });

  it("prefers the action over the status question it comes with", () => {
    expect(classify("where is my order? if it hasn't shipped please cancel it").intent).toBe("cancel");
    expect(classify("I need to talk to a person about my refund").intent).toBe("human");
  });

  it("reads a bare order number as a question about that order", () => {
    expect(classify("576700112233445566")).toMatchObject({ intent: "order_status", language: "unknown" });
  });

  it("calls a greeting with a real question other", () => {
    expect(classify("hi! is the leather genuine?").intent).toBe("other");
  });
});

describe("classify: sentiment", () => {
  const cases: [string, Sentiment][] = [
    ["this shop is a scam, I'm reporting you", "negative"],
    ["still not arrived after 2 weeks", "negative"],
    ["why is it so slow???", "negative"],
    ["WHERE IS MY ORDER!!!", "negative"],
    ["đặt 2 tuần rồi vẫn chưa nhận được hàng", "negative"],
    ["shop lua dao, hang fake", "negative"],
    ["ร้านโกง ของห่วยมาก", "negative"],
    ["ส่งช้ามาก ไม่พอใจเลย", "negative"],
    ["kecewa banget, lama banget nyampenya", "negative"],
    ["penipu, barang gak sesuai", "negative"],
    ["where is my order?", "neutral"],
    ["chưa nhận được hàng ạ", "neutral"],
    ["thank you so much, love it!", "positive"],
    ["makasih kak 🙏", "positive"],
  ];

  it.each(cases)("%s → %s", (text, sentiment) => {
    expect(classify(text).sentiment).toBe(sentiment);
  });

  it("treats an angry emoji as negative on its own", () => {
    for (const face of ["😡", "🤬", "😤", "💢"]) expect(classify(`order 1234567 ${face}`).sentiment).toBe("negative");
  });

  it("keeps emoji through normalisation and collapses stretched words", () => {
    expect(classify("helppp cancellll my order 😤😤").intent).toBe("cancel");
    expect(classify("ขอบคุณมากกกกค่ะ ❤️").sentiment).toBe("positive");
  });

  it("needs a complaint as well as punctuation: excited thanks stay positive", () => {
    expect(classify("THANK YOU SO MUCH!!!").sentiment).toBe("positive");
  });
});

describe("classify: contract", () => {
  it("is deterministic: the same input gives the same answer, whatever came before", () => {
    const text = "kak pesanan 987654321 kok belum dikirim?? kecewa";
    const first = classify(text);
    classify("something else entirely 576700112233445566");
    classify(text, { orderPatterns: ["SO-(\\d{5})"] });
    expect(classify(text)).toEqual(first);
  });

  it("explains itself with signals that never quote the message", () => {
    const result = classify("please cancel order 1234567, this is a scam");
    expect(result.signals).toEqual(expect.arrayContaining(["order_id:keyword", "negative:en:scam*"]));
    expect(result.signals.some((signal) => signal.startsWith("cancel:"))).toBe(true);
    expect(result.signals.join(" ")).not.toContain("1234567");
  });

  it("answers for empty, odd and very long input without throwing", () => {
    const shapes = ["", "   ", "😀", "?!?!", "a".repeat(100_000), `${"order 1234567 ".repeat(5000)}`];
    for (const text of shapes) {
      const result: Classification = classify(text);
      expect(result.orderIds.length).toBeLessThanOrEqual(10);
    }
    expect(classify("")).toEqual({ intent: "other", sentiment: "neutral", language: "unknown", orderIds: [], signals: [] });
  });
});
