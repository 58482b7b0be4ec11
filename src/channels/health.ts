/**
 * A channel's health, decided purely: when its access token should be refreshed, what a
 * refusal or a refresh's answer does to its status, and whether a change is worth announcing
 * (`channel.status_changed` goes out only when `status` itself changes).
 */
import type { ChannelStatus } from "../events/schema.ts";

export const HOUR_MS = 3600 * 1000;
/** `needs_attention` when the shop's authorization (the refresh token) ends within this: only the seller can renew it. */
export const EXPIRY_WARNING_MS = 72 * HOUR_MS;
/**
 * A token this close to its expiry is refreshed before it is used. An hour leaves the
 * maintenance sweep (every 10 minutes) several chances to renew an idle channel's token.
 */
export const REFRESH_AHEAD_MS = HOUR_MS;

export interface Health {
  status: ChannelStatus;
  statusReason: string | null;
}

export const HEALTHY: Health = { status: "active", statusReason: null };

/** Whether the access token expiring at `tokenExpiresAt` should be refreshed before use at `now`. */
export function isDueForRefresh(tokenExpiresAt: number | null, now: number): boolean {
  return tokenExpiresAt !== null && tokenExpiresAt - now <= REFRESH_AHEAD_MS;
}

/** The update to write when `next` replaces `current`, or null when nothing changes. */
export function healthChange(current: Health, next: Health): { health: Health; announce: boolean } | null {
  if (current.status === next.status && current.statusReason === next.statusReason) return null;
  return { health: next, announce: current.status !== next.status };
}

/** The start of every reason that says the shop's authorization ends (only the seller can renew it). */
export const AUTHORIZATION_EXPIRES = "the shop's authorization expires";

export function healthOf(row: { status: string; statusReason: string | null }): Health {
  return { status: row.status as ChannelStatus, statusReason: row.statusReason };
}

/**
 * After a successful refresh: active, unless the refresh token itself runs out within 72 h,
 * or the platform warned that the shop's authorization ends (a refresh does not extend it).
 */
export function healthAfterRefresh(current: Health, refreshExpiresAt: number | null, now: number): Health {
  if (current.status === "needs_attention" && current.statusReason?.startsWith(AUTHORIZATION_EXPIRES)) return current;
  if (refreshExpiresAt !== null && refreshExpiresAt - now <= EXPIRY_WARNING_MS) {
    const when = new Date(refreshExpiresAt).toISOString();
    return { status: "needs_attention", statusReason: `${AUTHORIZATION_EXPIRES} at ${when}; the seller must authorize the app again` };
  }
  return HEALTHY;
}
