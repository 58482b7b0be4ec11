/**
 * A workspace's routing rules: JSON, validated here, versioned in D1. Rules run in order;
 * each whose `when` matches adds its `actions`; `stop` ends the evaluation. Reply
 * texts come from `templates`, per language, with `{placeholders}`.
 */
import { z } from "zod";
import { PlatformSchema } from "../events/schema.ts";
import { MAX_ORDER_PATTERN_LENGTH, MAX_ORDER_PATTERNS } from "./classifier/order-patterns.ts";
import { INTENTS, LANGUAGES, SENTIMENTS } from "./classifier/types.ts";
import { rulePatterns } from "./rule-patterns.ts";

export const IntentSchema = z.enum(INTENTS);
export const SentimentSchema = z.enum(SENTIMENTS);
/** The languages rules and templates can name (the classifier may also say `unknown`). */
export const LanguageSchema = z.enum(LANGUAGES.filter((l) => l !== "unknown") as ["en", "vi", "th", "id"]);
export type Intent = z.infer<typeof IntentSchema>;
export type Sentiment = z.infer<typeof SentimentSchema>;
export type Language = z.infer<typeof LanguageSchema>;

const ConditionSchema = z.strictObject({
  intent: z.array(IntentSchema).min(1).optional(),
  sentiment: z.array(SentimentSchema).min(1).optional(),
  language: z.array(LanguageSchema).min(1).optional(),
  channel: z.array(PlatformSchema).min(1).optional(),
  hasOrderId: z.boolean().optional(),
  newContact: z.boolean().optional(),
  textMatches: z.string().min(1).max(500).optional().meta({
    description:
      "A regular expression in RE2 syntax (no backreferences or lookaround), matched case-insensitively against the first 2,000 characters of the text",
  }),
  /**
   * The classifier's probability that the message is a complaint is at least this. A classifier
   * that gives no probability counts 1 for negative sentiment and 0 otherwise.
   */
  negativeAtLeast: z.number().min(0).max(1).optional(),
});
export type Condition = z.infer<typeof ConditionSchema>;

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lowercase letters, digits, _ and -");

export const RuleActionSchema = z.discriminatedUnion("type", [
  /** Look the order up and answer with its status (templates order_status, order_not_found, order_lookup_failed). */
  z.strictObject({ type: z.literal("reply_order_status") }),
  z.strictObject({ type: z.literal("reply_template"), template: name }),
  /**
   * Hand the message to the AI tier (settings.ai): it answers from the order look-up and the
   * knowledge entries, or opens a ticket with its reason.
   */
  z.strictObject({ type: z.literal("ai_reply") }),
  /** Open a ticket for a human; the conversation gets no more automatic replies until it is resolved. */
  z.strictObject({ type: z.literal("escalate"), reason: z.string().min(1).max(200) }),
  z.strictObject({ type: z.literal("tag"), tags: z.array(name).min(1).max(20) }),
  z.strictObject({ type: z.literal("assign"), queue: name }),
  z.strictObject({ type: z.literal("note"), text: z.string().min(1).max(1000) }),
]);
export type RuleAction = z.infer<typeof RuleActionSchema>;

export const RuleSchema = z.strictObject({
  id: name,
  description: z.string().max(300).optional(),
  when: ConditionSchema,
  actions: z.array(RuleActionSchema).min(1).max(10),
  stop: z.boolean().default(false),
});
export type Rule = z.infer<typeof RuleSchema>;

/** Per template: a text per language, and `default` for any other. */
const TemplateSchema = z
  .partialRecord(z.union([LanguageSchema, z.literal("default")]), z.string().min(1).max(2000))
  .refine((texts) => Object.keys(texts).length > 0, "a template needs at least one text");

/** Templates a rule set may carry: with 2,000 characters × 5 languages each, the set stays far under D1's 2 MB row. */
const MAX_TEMPLATES = 50;
const MAX_TAGS = 100;

/** The shape, the rule ids and the templates: what a stored version is read with. */
export const StoredRulesSchema = z
  .strictObject({
    rules: z.array(RuleSchema).max(100),
    templates: z
      .record(name, TemplateSchema)
      .refine((templates) => Object.keys(templates).length <= MAX_TEMPLATES, `at most ${MAX_TEMPLATES} templates`)
      .default({}),
    orderPatterns: z
      .array(z.string().min(1).max(MAX_ORDER_PATTERN_LENGTH))
      .max(MAX_ORDER_PATTERNS)
      .default([])
      .meta({ description: "Extra order-number formats: regular expressions in RE2 syntax, each with exactly one capture group (the id)" }),
  })
  .superRefine((set, ctx) => {
    // A conversation keeps every tag its rules give it: bounded here, its row stays small.
    const tags = new Set(set.rules.flatMap((rule) => rule.actions.flatMap((action) => (action.type === "tag" ? action.tags : []))));
    if (tags.size > MAX_TAGS)
      ctx.addIssue({ code: "custom", path: ["rules"], message: `the rules name at most ${MAX_TAGS} distinct tags` });
    const seen = new Set<string>();
    set.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id '${rule.id}'` });
      seen.add(rule.id);
      rule.actions.forEach((action, j) => {
        const needed = action.type === "reply_template" ? [action.template] : action.type === "reply_order_status" ? ORDER_TEMPLATES : [];
        for (const template of needed) {
          if (!set.templates[template] && !DEFAULT_TEMPLATES[template]) {
            ctx.addIssue({ code: "custom", path: ["rules", i, "actions", j], message: `no template named '${template}'` });
          }
        }
      });
    });
  });

/**
 * What `PUT /v1/rules` accepts: also every pattern the engine will run (`rulePatterns`, the
 * very function routing uses). Stored versions are read without this check, so one saved
 * before it loses only the patterns routing skips, not the whole set.
 */
export const RuleSetSchema = StoredRulesSchema.superRefine((set, ctx) => {
  for (const { path, message } of rulePatterns(set).problems) ctx.addIssue({ code: "custom", path, message });
});
export type RuleSet = z.infer<typeof RuleSetSchema>;

export const ORDER_TEMPLATES = ["order_status", "order_not_found", "order_lookup_failed"];

/** The built-in texts; a workspace's `templates` override them one by one. */
export const DEFAULT_TEMPLATES: Record<string, z.infer<typeof TemplateSchema>> = {
  order_status: {
    en: "Your order {orderId} is {status}.{tracking}",
    vi: "Đơn hàng {orderId} của bạn: {status}.{tracking}",
    th: "คำสั่งซื้อ {orderId} ของคุณ: {status}{tracking}",
    id: "Pesanan {orderId} kamu: {status}.{tracking}",
  },
  order_not_found: {
    en: "We could not find order {orderId}. Could you check the number? A teammate can help too.",
    vi: "Chúng tôi không tìm thấy đơn hàng {orderId}. Bạn kiểm tra lại mã đơn giúp nhé.",
    th: "ไม่พบคำสั่งซื้อ {orderId} กรุณาตรวจสอบหมายเลขอีกครั้งค่ะ",
    id: "Pesanan {orderId} tidak ditemukan. Boleh dicek lagi nomornya, kak?",
  },
  order_lookup_failed: {
    en: "We are checking order {orderId} and will get back to you shortly.",
    vi: "Chúng tôi đang kiểm tra đơn hàng {orderId} và sẽ phản hồi bạn ngay.",
    th: "เรากำลังตรวจสอบคำสั่งซื้อ {orderId} และจะแจ้งกลับโดยเร็วค่ะ",
    id: "Kami sedang mengecek pesanan {orderId} dan akan segera mengabari kak.",
  },
  ask_order_number: {
    en: "Happy to check! Could you send your order number?",
    vi: "Bạn gửi giúp mình mã đơn hàng để kiểm tra nhé!",
    th: "ยินดีตรวจสอบให้ค่ะ รบกวนส่งหมายเลขคำสั่งซื้อด้วยนะคะ",
    id: "Siap dicek, kak! Boleh kirim nomor pesanannya?",
  },
  shipping: {
    en: "Orders ship within 1–2 days and usually arrive in 3–5 days.",
    vi: "Đơn hàng được gửi đi trong 1–2 ngày và thường đến nơi sau 3–5 ngày.",
    th: "สินค้าจะจัดส่งภายใน 1–2 วัน และมักได้รับภายใน 3–5 วันค่ะ",
    id: "Pesanan dikirim dalam 1–2 hari dan biasanya sampai dalam 3–5 hari.",
  },
  change_order: {
    en: "To change the size, colour or address, reply with your order number and the change; we will update it before it ships.",
    vi: "Để đổi size, màu hoặc địa chỉ, bạn gửi mã đơn hàng và thông tin cần đổi; shop sẽ cập nhật trước khi giao.",
    th: "หากต้องการเปลี่ยนไซซ์ สี หรือที่อยู่ กรุณาส่งหมายเลขคำสั่งซื้อและสิ่งที่ต้องการเปลี่ยน เราจะแก้ไขก่อนจัดส่งค่ะ",
    id: "Untuk ganti ukuran, warna, atau alamat, kirim nomor pesanan dan perubahannya ya; kami ubah sebelum dikirim.",
  },
  cancel: {
    en: "You can cancel an order that has not shipped from the order page; send us the order number if you need help.",
    vi: "Bạn có thể hủy đơn chưa giao ngay trong trang đơn hàng; cần hỗ trợ thì gửi mã đơn cho shop nhé.",
    th: "สามารถยกเลิกคำสั่งซื้อที่ยังไม่จัดส่งได้ในหน้าคำสั่งซื้อ หากต้องการความช่วยเหลือ ส่งหมายเลขคำสั่งซื้อมาได้เลยค่ะ",
    id: "Pesanan yang belum dikirim bisa dibatalkan dari halaman pesanan; kirim nomor pesanan kalau butuh bantuan ya.",
  },
  refund: {
    en: "Refunds go back to your original payment method within 5–7 days of approval. Send your order number and we will check it.",
    vi: "Tiền hoàn sẽ về phương thức thanh toán ban đầu trong 5–7 ngày sau khi duyệt. Bạn gửi mã đơn để shop kiểm tra nhé.",
    th: "เงินคืนจะเข้าช่องทางชำระเงินเดิมภายใน 5–7 วันหลังอนุมัติ ส่งหมายเลขคำสั่งซื้อมาให้เราตรวจสอบได้เลยค่ะ",
    id: "Dana dikembalikan ke metode pembayaran awal dalam 5–7 hari setelah disetujui. Kirim nomor pesanan untuk kami cek ya.",
  },
  greeting: {
    en: "Hi! How can we help you today?",
    vi: "Xin chào! Shop có thể giúp gì cho bạn?",
    th: "สวัสดีค่ะ มีอะไรให้ช่วยไหมคะ",
    id: "Halo kak! Ada yang bisa kami bantu?",
  },
};

/**
 * Below the classifier's own cut for `negative` (0.5): a message this likely to be a complaint
 * goes to a person. Chosen on the training corpus's dev split; the README shows the trade-off.
 */
export const MAYBE_NEGATIVE_THRESHOLD = 0.3;

/** The rules in force until a workspace sets its own (CONTRACT.md "Default rules"). */
export const DEFAULT_RULE_SET: RuleSet = RuleSetSchema.parse({
  rules: [
    {
      id: "new-contact",
      description: "First message from a new contact: CRM write, tag new, assign to sales",
      when: { newContact: true },
      actions: [
        { type: "tag", tags: ["new"] },
        { type: "assign", queue: "sales" },
      ],
    },
    {
      id: "unhappy-or-human",
      description: "Negative sentiment or an ask for a human: open a ticket, stop auto-replies",
      when: { sentiment: ["negative"] },
      actions: [{ type: "escalate", reason: "negative sentiment" }],
      stop: true,
    },
    {
      id: "asks-for-human",
      when: { intent: ["human"] },
      actions: [{ type: "escalate", reason: "asked for a human" }],
      stop: true,
    },
    {
      id: "maybe-unhappy",
      description: "Plausibly a complaint though not surely one: a person answers rather than a template",
      when: { negativeAtLeast: MAYBE_NEGATIVE_THRESHOLD },
      actions: [{ type: "escalate", reason: "possibly negative sentiment" }],
      stop: true,
    },
    {
      id: "order-status",
      description: "A message that names an order: look it up and answer with its status",
      when: { hasOrderId: true },
      actions: [{ type: "reply_order_status" }],
      stop: true,
    },
    {
      id: "ask-order-number",
      when: { intent: ["order_status"] },
      actions: [{ type: "reply_template", template: "ask_order_number" }],
      stop: true,
    },
    { id: "faq-shipping", when: { intent: ["shipping"] }, actions: [{ type: "reply_template", template: "shipping" }], stop: true },
    { id: "faq-change", when: { intent: ["change_order"] }, actions: [{ type: "reply_template", template: "change_order" }], stop: true },
    { id: "faq-cancel", when: { intent: ["cancel"] }, actions: [{ type: "reply_template", template: "cancel" }], stop: true },
    { id: "faq-refund", when: { intent: ["refund"] }, actions: [{ type: "reply_template", template: "refund" }], stop: true },
    { id: "greeting", when: { intent: ["greeting"] }, actions: [{ type: "reply_template", template: "greeting" }], stop: true },
  ],
});
