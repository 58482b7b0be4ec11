/** The only list of channels: adding a platform is one folder and one line here. */
import type { Platform } from "../events/schema.ts";
import { line } from "./line/index.ts";
import { instagram, messenger } from "./meta/index.ts";
import { telegram } from "./telegram/index.ts";
import { tiktok } from "./tiktok/index.ts";
import { type AnyChannelAdapter, NO_REPLY_WINDOW, type ReplyWindow, type WindowFacts } from "./types.ts";
import { whatsapp } from "./whatsapp/index.ts";
import { x } from "./x/index.ts";
import { zalo } from "./zalo/index.ts";

const adapters: Partial<Record<Platform, AnyChannelAdapter>> = {
  tiktok,
  whatsapp,
  telegram,
  line,
  zalo,
  x,
  messenger,
  instagram,
};

export function getAdapter(platform: string): AnyChannelAdapter | undefined {
  return Object.hasOwn(adapters, platform) ? adapters[platform as Platform] : undefined;
}

export function supportedPlatforms(): Platform[] {
  return Object.keys(adapters) as Platform[];
}

/** The platform's reply window for a conversation; `NO_REPLY_WINDOW` where the platform has none. */
export function replyWindowOf(platform: string, facts: WindowFacts): ReplyWindow {
  return getAdapter(platform)?.replyWindow?.(facts) ?? NO_REPLY_WINDOW;
}
