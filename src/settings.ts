/**
 * Per-workspace settings: their schema, defaults and how a PATCH merges into them. Pure;
 * storage/settings.ts reads and writes them. Order-lookup header values are secrets: they
 * are stored sealed and `GET /v1/settings` shows only their names.
 */
import { z } from "zod";

const seconds = z.number().int().min(1);
/** A response window: up to 30 days (CONTRACT, "Limits and bad input"); a longer one overflows deadlines. */
export const MAX_RESPONSE_WINDOW_SECONDS = 30 * 24 * 3600;
const windowSeconds = seconds.max(MAX_RESPONSE_WINDOW_SECONDS);
/** Order-lookup headers: a few credentials, each of a credential's size. */
export const MAX_ORDER_LOOKUP_HEADERS = 10;
const MAX_HEADER_VALUE_LENGTH = 4096;
const orderLookupUrl = z.string().max(2048).includes("{orderId}", { message: "must contain {orderId}" });

/** The AI tier's bounds: a model name, an API base URL, a key of a key's size. */
const aiModel = z.string().trim().min(1).max(200);
const aiUrl = z.string().max(2048);
const aiApiKey = z.string().min(1).max(4096);
const aiMaxReplies = z.number().int().min(1).max(50);
/** Model calls a workspace may make in a UTC day: a runaway loop or a flood costs at most this. */
const aiDailyCalls = z.number().int().min(1).max(100_000);
/** The whole turn (every model call and tool) must end within this, or a human takes over. */
const aiTimeoutSeconds = z.number().int().min(1).max(60);

export const AiSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  model: aiModel,
  /** The base of an OpenAI-compatible API; null: the deployment's Workers AI binding. */
  url: aiUrl.nullable().default(null),
  /** Sealed at `settings:<workspace>:ai.apiKey`; sent only to `url`. */
  apiKeySealed: z.string().nullable().default(null),
  maxRepliesPerConversation: aiMaxReplies.default(3),
  dailyCallBudget: aiDailyCalls.default(1000),
  timeoutSeconds: aiTimeoutSeconds.default(20),
  /** Mask phone numbers, e-mail and street addresses before anything goes to a third-party model. */
  maskPersonalData: z.boolean().default(true),
});
export type AiSettings = z.infer<typeof AiSettingsSchema>;

export const DeliverySettingsSchema = z.strictObject({
  /** Delays before attempts 2…n; the default is Svix's schedule (deliver/policy.ts). */
  retryDelaysSeconds: z.array(z.number().int().min(1).max(43200)).min(1).max(20).optional(),
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterFailingSeconds: seconds.max(90 * 24 * 3600).default(5 * 24 * 3600),
  /** Events and attempts older than this are purged by the maintenance cron (every 10 minutes, in chunks). */
  retentionDays: z.number().int().min(1).max(3650).default(30),
});

/**
 * Canned replies: a workspace's ready answers, which agents fill with the ticket's facts
 * ({{contact.name}}, {{order.id}}, …) in the console. Bounded because settings are read for
 * every message: 50 of them at a reply's size stay well under the 256 KiB body limit.
 */
export const MAX_CANNED_REPLIES = 50;
export const MAX_CANNED_REPLY_TEXT = 4096;
export const CannedReplySchema = z
  .strictObject({
    title: z.string().trim().min(1).max(100),
    text: z.string().trim().min(1).max(MAX_CANNED_REPLY_TEXT),
  })
  .meta({
    id: "CannedReply",
    description: "A ready answer; `{{contact.name}}`, `{{order.id}}`, `{{order.status}}`, `{{agent.name}}` are filled in the console",
  });
const cannedReplies = z
  .array(CannedReplySchema)
  .max(MAX_CANNED_REPLIES)
  .superRefine((replies, ctx) => {
    const seen = new Set<string>();
    replies.forEach((reply, index) => {
      const key = reply.title.toLowerCase();
      if (seen.has(key)) ctx.addIssue({ code: "custom", path: [index, "title"], message: `"${reply.title}" is already a title` });
      seen.add(key);
    });
  });

/** The longest reply window is 7 days (Messenger's ad-started one): an earlier warning says nothing. */
export const MAX_REPLY_WINDOW_WARNING_SECONDS = 7 * 24 * 3600;
const replyWindowWarningSeconds = seconds.max(MAX_REPLY_WINDOW_WARNING_SECONDS);

export const SettingsSchema = z.strictObject({
  responseWindowSeconds: windowSeconds.default(43200),
  warningRatio: z.number().gt(0).lt(1).default(0.75),
  /** `conversation.reply_window_closing` goes out this long before a platform's reply window closes unanswered. */
  replyWindowWarningSeconds: replyWindowWarningSeconds.default(7200),
  liveSale: z.strictObject({ enabled: z.boolean().default(false), responseWindowSeconds: windowSeconds.default(3600) }).default({
    enabled: false,
    responseWindowSeconds: 3600,
  }),
  orderLookup: z
    .strictObject({
      /** Contains `{orderId}`; called with GET. */
      url: orderLookupUrl,
      /** Header name → sealed value. */
      headersSealed: z.record(z.string(), z.string()).default({}),
    })
    .nullable()
    .default(null),
  deliveries: DeliverySettingsSchema.default({ disableAfterFailingSeconds: 5 * 24 * 3600, retentionDays: 30 }),
  /** The AI first tier: off (null) by default. */
  ai: AiSettingsSchema.nullable().default(null),
  cannedReplies: cannedReplies.default([]),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** What PATCH /v1/settings takes: any subset; `orderLookup.headers` in plain text (sealed before storing). */
export const SettingsPatchSchema = z.strictObject({
  responseWindowSeconds: windowSeconds.optional(),
  warningRatio: z.number().gt(0).lt(1).optional(),
  replyWindowWarningSeconds: replyWindowWarningSeconds.optional(),
  liveSale: z.strictObject({ enabled: z.boolean().optional(), responseWindowSeconds: windowSeconds.optional() }).optional(),
  orderLookup: z
    .strictObject({
      url: orderLookupUrl,
      headers: z
        .record(
          z
            .string()
            .max(64)
            .regex(/^[A-Za-z0-9-]+$/, "not a header name"),
          z.string().max(MAX_HEADER_VALUE_LENGTH),
        )
        .refine((headers) => Object.keys(headers).length <= MAX_ORDER_LOOKUP_HEADERS, {
          message: `at most ${MAX_ORDER_LOOKUP_HEADERS} headers`,
        })
        .optional(),
    })
    .nullable()
    .optional(),
  // Not DeliverySettingsSchema.partial(): its defaults would reset every field a patch leaves out.
  deliveries: z
    .strictObject({
      retryDelaysSeconds: DeliverySettingsSchema.shape.retryDelaysSeconds,
      disableAfterFailingSeconds: DeliverySettingsSchema.shape.disableAfterFailingSeconds.unwrap().optional(),
      retentionDays: DeliverySettingsSchema.shape.retentionDays.unwrap().optional(),
    })
    .optional(),
  ai: z
    .strictObject({
      enabled: z.boolean(),
      model: aiModel,
      url: aiUrl.nullable().optional().meta({ description: "The base of an OpenAI-compatible API; omitted or null: Workers AI" }),
      apiKey: aiApiKey.optional().meta({ description: "Sealed, never shown. Omitted: the stored key is kept while `url` stays the same" }),
      maxRepliesPerConversation: aiMaxReplies
        .optional()
        .meta({ description: "AI replies in a conversation before a human takes over; default 3" }),
      dailyCallBudget: aiDailyCalls.optional().meta({ description: "Model calls a day (UTC) for the workspace; default 1000" }),
      timeoutSeconds: aiTimeoutSeconds.optional().meta({ description: "The whole AI turn; default 20" }),
      maskPersonalData: z
        .boolean()
        .optional()
        .meta({ description: "Mask phone numbers, e-mail and street addresses before a third-party model sees them; default true" }),
    })
    .refine((ai) => ai.apiKey === undefined || (ai.url ?? null) !== null, {
      path: ["apiKey"],
      message: "needs url: Workers AI takes no key",
    })
    .nullable()
    .optional(),
  cannedReplies: cannedReplies.optional().meta({ description: "Replaces the whole list; `[]` removes them all" }),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/**
 * Whole-settings checks a field's schema cannot make: events must outlive their retries, or
 * the purge deletes an event before its last attempt and the retry vanishes without
 * `delivery.exhausted`. Returns the problems, each at its path.
 */
export function settingsProblems(settings: Settings, defaultRetryDelaysSeconds: readonly number[]): { path: string; message: string }[] {
  const delays = settings.deliveries.retryDelaysSeconds ?? defaultRetryDelaysSeconds;
  const retriesSeconds = delays.reduce((sum, delay) => sum + delay, 0);
  // A day of slack: attempts wait for the endpoint's rate limit and the queue's own delays.
  const minimumDays = Math.ceil(retriesSeconds / 86400) + 1;
  if (settings.deliveries.retentionDays >= minimumDays) return [];
  return [
    {
      path: "deliveries.retentionDays",
      message: `must be at least ${minimumDays} days: the retry schedule runs ${Math.ceil(retriesSeconds / 3600)} h, and events must outlive their last retry`,
    },
  ];
}

/** The response window in force: live-sale mode shortens it. */
export function responseWindowSeconds(settings: Settings): number {
  return settings.liveSale.enabled ? settings.liveSale.responseWindowSeconds : settings.responseWindowSeconds;
}

/**
 * Applies a patch; `seal` turns an order-lookup header value into its stored form, bound to
 * its (lowercase) name, and `sealAiKey` the AI provider's key.
 */
export async function mergeSettings(
  current: Settings,
  patch: SettingsPatch,
  seal: (value: string, header: string) => Promise<string>,
  sealAiKey: (value: string) => Promise<string> = () => Promise.reject(new Error("no sealer for ai.apiKey")),
): Promise<Settings> {
  const next: Settings = structuredClone(current);
  if (patch.responseWindowSeconds !== undefined) next.responseWindowSeconds = patch.responseWindowSeconds;
  if (patch.warningRatio !== undefined) next.warningRatio = patch.warningRatio;
  if (patch.replyWindowWarningSeconds !== undefined) next.replyWindowWarningSeconds = patch.replyWindowWarningSeconds;
  if (patch.cannedReplies !== undefined) next.cannedReplies = patch.cannedReplies;
  if (patch.liveSale) next.liveSale = { ...next.liveSale, ...definedOnly(patch.liveSale) };
  if (patch.deliveries) next.deliveries = { ...next.deliveries, ...definedOnly(patch.deliveries) };
  if (patch.orderLookup === null) next.orderLookup = null;
  else if (patch.orderLookup) {
    const headersSealed: Record<string, string> = {};
    for (const [name, value] of Object.entries(patch.orderLookup.headers ?? {})) {
      const header = name.toLowerCase();
      headersSealed[header] = await seal(value, header);
    }
    next.orderLookup = { url: patch.orderLookup.url, headersSealed };
  }
  if (patch.ai === null) next.ai = null;
  else if (patch.ai) next.ai = await mergeAi(current.ai, patch.ai, sealAiKey);
  return SettingsSchema.parse(next);
}

async function mergeAi(
  current: AiSettings | null,
  patch: NonNullable<SettingsPatch["ai"]>,
  sealAiKey: (value: string) => Promise<string>,
): Promise<AiSettings> {
  const { apiKey, ...fields } = patch;
  const url = patch.url ?? null;
  // A stored key follows only its own URL: pointing the tier elsewhere must not send the key there.
  const keptKey = current && current.url === url ? current.apiKeySealed : null;
  return AiSettingsSchema.parse({
    ...current,
    ...definedOnly(fields),
    url,
    apiKeySealed: apiKey !== undefined && url !== null ? await sealAiKey(apiKey) : url === null ? null : keptKey,
  });
}

/** The settings as the API shows them: header names and whether a key is set, never their values. */
export function settingsView(settings: Settings) {
  const { orderLookup, ai, ...rest } = settings;
  let aiView = null;
  if (ai) {
    const { apiKeySealed, ...shown } = ai;
    aiView = { ...shown, hasApiKey: apiKeySealed !== null };
  }
  return {
    ...rest,
    orderLookup: orderLookup ? { url: orderLookup.url, headers: Object.keys(orderLookup.headersSealed) } : null,
    ai: aiView,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
