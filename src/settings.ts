/**
 * Per-workspace settings: their schema, defaults and how a PATCH merges into them. Pure;
 * storage/settings.ts reads and writes them. Order-lookup header values are secrets: they
 * are stored sealed and `GET /v1/settings` shows only their names.
 */
import { z } from "zod";

const seconds = z.number().int().min(1);

export const DeliverySettingsSchema = z.strictObject({
  /** Delays before attempts 2…n; the default is Svix's schedule (deliver/policy.ts). */
  retryDelaysSeconds: z.array(z.number().int().min(1).max(43200)).min(1).max(20).optional(),
  /** An endpoint failing without a success for this long is disabled. */
  disableAfterFailingSeconds: seconds.default(5 * 24 * 3600),
  /** Events and attempts older than this are purged by the maintenance cron (every 10 minutes, in chunks). */
  retentionDays: z.number().int().min(1).max(3650).default(30),
});

export const SettingsSchema = z.strictObject({
  responseWindowSeconds: seconds.default(43200),
  warningRatio: z.number().gt(0).lt(1).default(0.75),
  liveSale: z.strictObject({ enabled: z.boolean().default(false), responseWindowSeconds: seconds.default(3600) }).default({
    enabled: false,
    responseWindowSeconds: 3600,
  }),
  orderLookup: z
    .strictObject({
      /** Contains `{orderId}`; called with GET. */
      url: z.string().includes("{orderId}", { message: "must contain {orderId}" }),
      /** Header name → sealed value. */
      headersSealed: z.record(z.string(), z.string()).default({}),
    })
    .nullable()
    .default(null),
  deliveries: DeliverySettingsSchema.default({ disableAfterFailingSeconds: 5 * 24 * 3600, retentionDays: 30 }),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const DEFAULT_SETTINGS: Settings = SettingsSchema.parse({});

/** What PATCH /v1/settings takes: any subset; `orderLookup.headers` in plain text (sealed before storing). */
export const SettingsPatchSchema = z.strictObject({
  responseWindowSeconds: seconds.optional(),
  warningRatio: z.number().gt(0).lt(1).optional(),
  liveSale: z.strictObject({ enabled: z.boolean().optional(), responseWindowSeconds: seconds.optional() }).optional(),
  orderLookup: z
    .strictObject({
      url: z.string().includes("{orderId}", { message: "must contain {orderId}" }),
      headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, "not a header name"), z.string()).optional(),
    })
    .nullable()
    .optional(),
  deliveries: DeliverySettingsSchema.partial().optional(),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

/** The response window in force: live-sale mode shortens it. */
export function responseWindowSeconds(settings: Settings): number {
  return settings.liveSale.enabled ? settings.liveSale.responseWindowSeconds : settings.responseWindowSeconds;
}

/** Applies a patch; `seal` turns an order-lookup header value into its stored form, bound to its (lowercase) name. */
export async function mergeSettings(
  current: Settings,
  patch: SettingsPatch,
  seal: (value: string, header: string) => Promise<string>,
): Promise<Settings> {
  const next: Settings = structuredClone(current);
  if (patch.responseWindowSeconds !== undefined) next.responseWindowSeconds = patch.responseWindowSeconds;
  if (patch.warningRatio !== undefined) next.warningRatio = patch.warningRatio;
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
  return SettingsSchema.parse(next);
}

/** The settings as the API shows them: header names, never their values. */
export function settingsView(settings: Settings) {
  const { orderLookup, ...rest } = settings;
  return {
    ...rest,
    orderLookup: orderLookup ? { url: orderLookup.url, headers: Object.keys(orderLookup.headersSealed) } : null,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
