/** Reply texts: a template in the customer's language, with `{placeholders}` filled. Pure. */
import { DEFAULT_TEMPLATES, type Language, type RuleSet } from "./rules.ts";

/** The template's text in `language`, falling back to its `default`, then English. */
export function templateText(rules: RuleSet, name: string, language: Language | "unknown"): string | null {
  const template = rules.templates[name] ?? DEFAULT_TEMPLATES[name];
  if (!template) return null;
  return (language !== "unknown" ? template[language] : undefined) ?? template.default ?? template.en ?? null;
}

/** Fills `{name}`; an unknown placeholder becomes empty rather than leaking braces to a customer. */
export function render(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\{([a-zA-Z]+)\}/g, (_, key: string) => values[key] ?? "").trim();
}

/** How an order's status reads to a customer, per language. */
const STATUS_WORDS: Record<Language, Record<string, string>> = {
  en: {
    pending: "awaiting payment",
    processing: "being prepared for shipping",
    shipped: "on its way",
    delivered: "delivered",
    completed: "completed",
    cancellation_requested: "pending cancellation",
    cancelled: "cancelled",
  },
  vi: {
    pending: "đang chờ thanh toán",
    processing: "đang được chuẩn bị",
    shipped: "đang được giao",
    delivered: "đã giao",
    completed: "đã hoàn tất",
    cancellation_requested: "đang chờ hủy",
    cancelled: "đã hủy",
  },
  th: {
    pending: "รอชำระเงิน",
    processing: "กำลังเตรียมจัดส่ง",
    shipped: "อยู่ระหว่างจัดส่ง",
    delivered: "จัดส่งสำเร็จแล้ว",
    completed: "เสร็จสมบูรณ์",
    cancellation_requested: "รอการยกเลิก",
    cancelled: "ยกเลิกแล้ว",
  },
  id: {
    pending: "menunggu pembayaran",
    processing: "sedang disiapkan",
    shipped: "dalam pengiriman",
    delivered: "sudah diterima",
    completed: "selesai",
    cancellation_requested: "menunggu pembatalan",
    cancelled: "dibatalkan",
  },
};

const TRACKING: Record<Language, string> = {
  en: " Tracking: {carrier} {trackingNumber}.",
  vi: " Mã vận đơn: {carrier} {trackingNumber}.",
  th: " เลขพัสดุ: {carrier} {trackingNumber}",
  id: " Resi: {carrier} {trackingNumber}.",
};

export interface OrderFacts {
  orderId: string;
  /** Our coarse status or the merchant's own word. */
  status: string;
  carrier?: string | undefined;
  trackingNumber?: string | undefined;
  estimatedDelivery?: string | undefined;
}

export function orderValues(order: OrderFacts, language: Language | "unknown"): Record<string, string | undefined> {
  const lang = language === "unknown" ? "en" : language;
  const status = STATUS_WORDS[lang][order.status.toLowerCase()] ?? order.status;
  const tracking = order.trackingNumber
    ? render(TRACKING[lang], { carrier: order.carrier ?? "", trackingNumber: order.trackingNumber })
    : "";
  return {
    orderId: order.orderId,
    status,
    carrier: order.carrier,
    trackingNumber: order.trackingNumber,
    estimatedDelivery: order.estimatedDelivery,
    tracking: tracking ? ` ${tracking}` : "",
  };
}
