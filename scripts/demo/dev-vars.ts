/**
 * What `npm run dev` and `npm run demo` agree on through `.dev.vars`: the admin token, and
 * that every platform's API calls go to the demo's fake platform APIs on one fixed loopback
 * port (a running dev server cannot be told a port later: its vars are read at start-up).
 */
import { parse } from "dotenv";
import type { Platform } from "../../src/events/schema.ts";

export const FAKE_PLATFORM_PORT = 8790;
export const FAKE_PLATFORM_ORIGIN = `http://127.0.0.1:${FAKE_PLATFORM_PORT}`;

export const PLATFORMS: readonly Platform[] = ["tiktok", "whatsapp", "telegram", "line", "zalo", "x", "messenger", "instagram"];

export const apiBaseVar = (platform: Platform): string => `${platform.toUpperCase()}_API_BASE`;

/** The token hosts' own overrides (token refreshes), pointed at the same fakes. */
export const AUTH_BASE_VARS = ["TIKTOK_AUTH_BASE", "ZALO_OAUTH_BASE"] as const;

/** Every origin override `npm run dev` hands to `wrangler dev`. */
export const BASE_VARS: readonly string[] = [...PLATFORMS.map(apiBaseVar), ...AUTH_BASE_VARS];

/** The block `npm run dev` writes into `.dev.vars`: a comment saying why, then one line per platform. */
export function fakePlatformBlock(): string[] {
  return [
    `# Local dev talks to fake platform APIs on ${FAKE_PLATFORM_ORIGIN} (started by \`npm run demo\`),`,
    "# never to the real TikTok, WhatsApp, LINE… To reach the real platforms, comment these",
    "# lines out (deleting them makes `npm run dev` add them again) and restart `npm run dev`.",
    ...BASE_VARS.map((name) => `${name}=${FAKE_PLATFORM_ORIGIN}`),
  ];
}

/** Whether the file already says anything, set or commented out, about platform API bases. */
export function mentionsApiBases(devVars: string): boolean {
  return PLATFORMS.some((platform) => new RegExp(`^\\s*#?\\s*(?:export\\s+)?${apiBaseVar(platform)}\\s*=`, "m").test(devVars));
}

/**
 * `.dev.vars` as wrangler reads it: with dotenv's parser, at the version wrangler bundles
 * (16.3.1), so `# comments` after a value, `export NAME=` lines and quoting mean here what
 * they mean to `wrangler dev`.
 */
export function parseDevVars(text: string): Map<string, string> {
  return new Map(Object.entries(parse(text)));
}

/** The platforms whose API base in `.dev.vars` is not the demo's fake platform APIs. */
export function platformsNotOnFakes(vars: ReadonlyMap<string, string>): Platform[] {
  return PLATFORMS.filter((platform) => vars.get(apiBaseVar(platform))?.replace(/\/$/, "") !== FAKE_PLATFORM_ORIGIN);
}
