import { describe, expect, it } from "vitest";
import { foldText, type KnowledgeDoc, searchKnowledge, tokenize } from "../../../src/ai/search.ts";

const docs: KnowledgeDoc[] = [
  { id: "kn_ship", title: "Shipping", text: "Orders ship within 2 days from Ho Chi Minh City; delivery takes 3-5 days.", language: "en" },
  { id: "kn_cod", title: "Payment", text: "We accept cash on delivery (COD), bank transfer and e-wallets.", language: "en" },
  {
    id: "kn_return",
    title: "Returns",
    text: "Unworn items can be returned within 30 days for an exchange or store credit.",
    language: "en",
  },
  { id: "kn_vi_cod", title: "Thanh toán", text: "Shop hỗ trợ thanh toán khi nhận hàng (COD) và chuyển khoản ngân hàng.", language: "vi" },
  { id: "kn_vi_doi", title: "Đổi trả", text: "Đổi trả trong vòng 7 ngày nếu sản phẩm lỗi.", language: "vi" },
  { id: "kn_th_ship", title: "การจัดส่ง", text: "จัดส่งฟรีเมื่อซื้อครบ 500 บาท ได้รับสินค้าภายใน 3 วัน", language: "th" },
  { id: "kn_th_pay", title: "การชำระเงิน", text: "รับชำระเงินปลายทางและโอนผ่านธนาคาร", language: "th" },
  { id: "kn_id_size", title: "Ukuran", text: "Panduan ukuran: S untuk lingkar dada 86 cm, M 92 cm, L 98 cm.", language: "id" },
  { id: "kn_id_retur", title: "Pengembalian", text: "Barang bisa dikembalikan dalam 7 hari setelah diterima.", language: "id" },
];

const top = (query: string) => searchKnowledge(docs, query)[0]?.id;

describe("foldText and tokenize", () => {
  it("folds Vietnamese with or without diacritics to the same terms, đ included", () => {
    expect(foldText("Đổi trả thanh toán")).toBe("doi tra thanh toan");
    expect(tokenize("ĐỔI TRẢ")).toEqual(tokenize("doi tra"));
  });

  it("cuts Thai, written without spaces, into character bigrams and keeps its marks", () => {
    expect(tokenize("ส่งฟรี")).toEqual(["ส่", "่ง", "งฟ", "ฟร", "รี"]);
  });

  it("drops one-letter Latin words but keeps numbers", () => {
    expect(tokenize("I want a size 9")).toEqual(["want", "size", "9"]);
  });
});

describe("searchKnowledge", () => {
  it("answers English questions from the right entry", () => {
    expect(top("Can I pay cash on delivery?")).toBe("kn_cod");
    expect(top("how many days to return an item")).toBe("kn_return");
  });

  it("finds Vietnamese entries whether the buyer types diacritics or not", () => {
    expect(top("shop có thanh toán khi nhận hàng không?")).toBe("kn_vi_cod");
    expect(top("shop co thanh toan khi nhan hang khong")).toBe("kn_vi_cod");
    expect(top("doi tra may ngay")).toBe("kn_vi_doi");
  });

  it("finds Thai entries from a question with no spaces", () => {
    expect(top("ชำระเงินปลายทางได้ไหม")).toBe("kn_th_pay");
    expect(top("ส่งกี่วันถึง จัดส่งฟรีไหม")).toBe("kn_th_ship");
  });

  it("finds Indonesian entries", () => {
    expect(top("ukuran M untuk lingkar dada berapa?")).toBe("kn_id_size");
    expect(top("bisa dikembalikan berapa hari?")).toBe("kn_id_retur");
  });

  it("returns nothing for a question no entry shares a term with, and at most `limit` hits, best first", () => {
    expect(searchKnowledge(docs, "xyzzy plugh")).toEqual([]);
    expect(searchKnowledge(docs, "")).toEqual([]);
    const hits = searchKnowledge(docs, "delivery days cod", 2);
    expect(hits).toHaveLength(2);
    expect(hits[0]?.score).toBeGreaterThanOrEqual(hits[1]?.score ?? 0);
  });
});
