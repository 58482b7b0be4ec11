/**
 * The worker's typed environment. `Env` comes from `wrangler types`
 * (worker-configuration.d.ts); `readConfig` turns the plain string vars into a typed
 * Config once per isolate and fails loudly, naming the variable.
 */
import { z } from "zod";
import type { Platform } from "./events/schema.ts";
import { summarizeIssues } from "./lib/zod-issues.ts";
import type { Caller } from "./storage/agents.ts";

export interface Config {
  allowPrivateEndpoints: boolean;
  /** An OpenAI-compatible endpoint that classifies messages; the built-in classifier otherwise. */
  aiClassifier: { endpoint: string; apiKey: string; model: string; timeoutMs: number } | null;
  /** `<PLATFORM>_API_BASE` overrides: an origin that replaces the platform API's. */
  apiBase: Partial<Record<Platform, string>>;
  /** `TIKTOK_AUTH_BASE`, `ZALO_OAUTH_BASE`: an origin that replaces the platform's token host (refreshes). */
  authBase: Partial<Record<Platform, string>>;
  /** `ZALO_SITE_VERIFICATION`: the content of Zalo's domain-verification meta tag on `/`, if set. */
  zaloSiteVerification: string | null;
}

const booleanVar = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const originVar = z
  .url()
  .refine((value) => {
    const url = new URL(value);
    return url.pathname === "/" && !url.search && !url.hash;
  }, "must be an origin (scheme, host and port; no path)")
  .transform((value) => new URL(value).origin)
  .optional();

const ConfigSchema = z.object({
  ALLOW_PRIVATE_ENDPOINTS: booleanVar,
  AI_CLASSIFIER_URL: z.url().optional(),
  AI_CLASSIFIER_API_KEY: z.string().min(1).optional(),
  AI_CLASSIFIER_MODEL: z.string().min(1).optional(),
  AI_CLASSIFIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(30000).default(3000),
  TIKTOK_API_BASE: originVar,
  WHATSAPP_API_BASE: originVar,
  TELEGRAM_API_BASE: originVar,
  LINE_API_BASE: originVar,
  ZALO_API_BASE: originVar,
  X_API_BASE: originVar,
  MESSENGER_API_BASE: originVar,
  INSTAGRAM_API_BASE: originVar,
  TIKTOK_AUTH_BASE: originVar,
  ZALO_OAUTH_BASE: originVar,
  ZALO_SITE_VERIFICATION: z.string().trim().max(512).optional(),
});

let cached: { source: object; config: Config } | undefined;

export function readConfig(env: object): Config {
  if (cached?.source === env) return cached.config;
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${summarizeIssues(parsed.error)}`);
  const vars = parsed.data;
  const apiBase: Config["apiBase"] = {};
  const bases: [Platform, string | undefined][] = [
    ["tiktok", vars.TIKTOK_API_BASE],
    ["whatsapp", vars.WHATSAPP_API_BASE],
    ["telegram", vars.TELEGRAM_API_BASE],
    ["line", vars.LINE_API_BASE],
    ["zalo", vars.ZALO_API_BASE],
    ["x", vars.X_API_BASE],
    ["messenger", vars.MESSENGER_API_BASE],
    ["instagram", vars.INSTAGRAM_API_BASE],
  ];
  for (const [platform, base] of bases) if (base) apiBase[platform] = base;
  const { AI_CLASSIFIER_URL: endpoint, AI_CLASSIFIER_API_KEY: apiKey, AI_CLASSIFIER_MODEL: model } = vars;
  const config: Config = {
    allowPrivateEndpoints: vars.ALLOW_PRIVATE_ENDPOINTS,
    aiClassifier: endpoint && apiKey && model ? { endpoint, apiKey, model, timeoutMs: vars.AI_CLASSIFIER_TIMEOUT_MS } : null,
    apiBase,
    authBase: {
      ...(vars.TIKTOK_AUTH_BASE ? { tiktok: vars.TIKTOK_AUTH_BASE } : {}),
      ...(vars.ZALO_OAUTH_BASE ? { zalo: vars.ZALO_OAUTH_BASE } : {}),
    },
    zaloSiteVerification: vars.ZALO_SITE_VERIFICATION || null,
  };
  cached = { source: env, config };
  return config;
}

/** What a write route tells the audit list beyond its path: the object it created, what it changed. */
export interface AuditDetail {
  targetId?: string;
  changes?: Record<string, unknown>;
}

export type AppEnv = {
  Bindings: Env;
  /** `agent`: the calling key's agent, set with `workspaceId` by the API's authentication. */
  Variables: { workspaceId: string; agent: Caller; config: Config; auditDetail: AuditDetail | undefined };
};
