/**
 * The demo's workspace, made through the public API as a merchant would: one channel per
 * platform, a pre-flight channel, an endpoint on the demo's receiver, the order look-up on the
 * fake order API, and live-sale mode on. Every failure names its likely cause and the fix.
 */
import { call, ENDPOINT_LIMITS } from "../../bench/api.ts";
import type { Platform } from "../../src/events/schema.ts";
import { DEFAULT_RULE_SET } from "../../src/route/rules.ts";
import { EVAL_KNOWLEDGE } from "../ai/eval-set.ts";
import { FAKE_MODEL_NAME } from "../ai/fake-model.ts";
import { PLATFORMS } from "./dev-vars.ts";
import { DEMO_PLATFORMS } from "./platforms.ts";

/** A failure with a message meant for the user: printed without a stack. */
export class DemoError extends Error {}

export interface DemoWorkspace {
  id: string;
  name: string;
  apiKey: string;
  channelIds: Record<Platform, string>;
  /** A Telegram channel for the pre-flight DM, kept out of the counts. */
  preflightChannelId: string;
  endpointSecret: string;
}

function text(json: unknown, key: string): string | null {
  const value = (json as Record<string, unknown> | null)?.[key];
  return typeof value === "string" ? value : null;
}

function must(json: unknown, key: string, what: string): string {
  const value = text(json, key);
  if (value === null) throw new DemoError(`${what}: the answer has no "${key}"`);
  return value;
}

const brief = (json: unknown) => JSON.stringify(json).slice(0, 300);

export async function isUp(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

export async function setUpWorkspace(
  baseUrl: string,
  adminToken: string,
  options: { name: string; hooksUrl: string; orderLookupUrl: string },
): Promise<DemoWorkspace> {
  const workspace = await call(baseUrl, "POST", "/v1/workspaces", adminToken, { name: options.name });
  if (workspace.status === 401 || workspace.status === 403) {
    throw new DemoError(
      `The server at ${baseUrl} refused the ADMIN_TOKEN from .dev.vars (${workspace.status}). Is it the \`npm run dev\` of this folder? Restart it here.`,
    );
  }
  if (workspace.status !== 201) throw new DemoError(`POST /v1/workspaces answered ${workspace.status}: ${brief(workspace.json)}`);
  const apiKey = must(workspace.json, "apiKey", "POST /v1/workspaces");

  const createChannel = async (platform: Platform, name: string): Promise<string> => {
    const { credentials } = DEMO_PLATFORMS[platform];
    const channel = await call(baseUrl, "POST", "/v1/channels", apiKey, { platform, name, credentials });
    if (channel.status !== 201) throw new DemoError(`POST /v1/channels (${platform}) answered ${channel.status}: ${brief(channel.json)}`);
    return must(channel.json, "id", "POST /v1/channels");
  };
  const channelIds = {} as Record<Platform, string>;
  for (const platform of PLATFORMS) channelIds[platform] = await createChannel(platform, `Demo ${DEMO_PLATFORMS[platform].channelName}`);
  const preflightChannelId = await createChannel("telegram", "Demo pre-flight check");

  // The highest limits the API allows: a merchant expecting a live sale raises the default 50/s.
  const endpoint = await call(baseUrl, "POST", "/v1/endpoints", apiKey, { url: options.hooksUrl, ...ENDPOINT_LIMITS });
  if (endpoint.status === 422) {
    throw new DemoError(
      `The server refused an endpoint on ${options.hooksUrl} (422): .dev.vars needs ALLOW_PRIVATE_ENDPOINTS=true; add it and restart \`npm run dev\`.`,
    );
  }
  if (endpoint.status !== 201) throw new DemoError(`POST /v1/endpoints answered ${endpoint.status}: ${brief(endpoint.json)}`);

  const settings = await call(baseUrl, "PATCH", "/v1/settings", apiKey, {
    orderLookup: { url: options.orderLookupUrl },
    liveSale: { enabled: true },
  });
  if (settings.status !== 200) throw new DemoError(`PATCH /v1/settings answered ${settings.status}: ${brief(settings.json)}`);

  return {
    id: must(workspace.json, "id", "POST /v1/workspaces"),
    name: options.name,
    apiKey,
    channelIds,
    preflightChannelId,
    endpointSecret: must(endpoint.json, "secret", "POST /v1/endpoints"),
  };
}

/** The rules the AI tier does not override: the CRM tags and every escalation of the defaults. */
const KEPT_RULES = new Set(["new-contact", "unhappy-or-human", "asks-for-human", "maybe-unhappy"]);

/**
 * `--ai`: the default rules' escalations stay, and everything else goes to the AI first tier,
 * answered by the scripted fake model at `modelUrl`, from the shop's knowledge entries.
 */
export async function enableAiTier(baseUrl: string, apiKey: string, modelUrl: string): Promise<void> {
  const settings = await call(baseUrl, "PATCH", "/v1/settings", apiKey, { ai: { enabled: true, model: FAKE_MODEL_NAME, url: modelUrl } });
  if (settings.status !== 200) throw new DemoError(`PATCH /v1/settings (ai) answered ${settings.status}: ${brief(settings.json)}`);
  const rules = DEFAULT_RULE_SET.rules.filter((rule) => KEPT_RULES.has(rule.id));
  rules.push({
    id: "ai-first-tier",
    description: "Everything the rules above do not escalate",
    when: {},
    actions: [{ type: "ai_reply" }],
    stop: true,
  });
  const put = await call(baseUrl, "PUT", "/v1/rules", apiKey, { rules, templates: DEFAULT_RULE_SET.templates });
  if (put.status !== 200) throw new DemoError(`PUT /v1/rules answered ${put.status}: ${brief(put.json)}`);
  for (const { title, text, language } of EVAL_KNOWLEDGE) {
    const entry = await call(baseUrl, "POST", "/v1/knowledge", apiKey, { title, text, language });
    if (entry.status !== 201) throw new DemoError(`POST /v1/knowledge answered ${entry.status}: ${brief(entry.json)}`);
  }
}
