/**
 * One Durable Object per channel: the only place that refreshes its access token and
 * changes its health. Refresh tokens are single-use (Zalo's), so two isolates refreshing at
 * once would leave one of them holding a dead token: every caller, in any isolate, asks this
 * object, which does one thing at a time. A refresh's new pair is put in the object's own
 * storage (sealed) the moment the platform answers, then written to D1, then handed out; a
 * crash between the two writes is mended by the next call.
 */
import { DurableObject } from "cloudflare:workers";
import { writeChannelHealth } from "../actions/channel-health.ts";
import { forgetChannel, type IntakeChannel } from "../channel-cache.ts";
import { AUTHORIZATION_EXPIRES, type Health, healthAfterRefresh, healthOf, isDueForRefresh } from "../channels/health.ts";
import { getAdapter } from "../channels/registry.ts";
import type { AnyChannelAdapter, Credentials } from "../channels/types.ts";
import { readConfig } from "../env.ts";
import { sealedAt } from "../lib/secret-box.ts";
import { secretBox } from "../secrets.ts";
import { type ChannelRow, getChannelById } from "../storage/channels.ts";
import { openDb } from "../storage/db.ts";

export type TokenAnswer =
  | { ok: true; credentials: Credentials }
  /** `failed`: the channel cannot reply until a person acts; `retry`: the token host is unreachable for now. */
  | { ok: false; kind: "failed" | "retry"; reason: string };

/** What a platform told us about the shop's authorization (TikTok Shop types 6 and 7). */
export interface AuthorizationNotice {
  /** De-duplicates the platform's retries. */
  platformEventId: string;
  change: "deauthorized" | "expiring";
  /** Epoch ms the authorization ends, for `expiring`. */
  expiresAt: number | null;
}

/** A refresh answered but not yet in D1: sealed like the row's credentials, and the sealed value it replaces. */
interface PendingPair {
  sealed: string;
  replaces: string;
  tokenExpiresAt: number | null;
  health: Health;
}

const PENDING_KEY = "pending";

/**
 * Credentials for a call about to be made with `channel`'s token: renewed first (through the
 * channel's object) when the token is due; the cached ones when it is not, or when renewal
 * fails (the call then reports what the platform says).
 */
export async function credentialsForUse(
  env: Env,
  channel: Pick<IntakeChannel, "id" | "credentials" | "tokenExpiresAt">,
  now: number,
): Promise<Credentials> {
  if (!isDueForRefresh(channel.tokenExpiresAt, now)) return channel.credentials;
  const fresh = await channelHealthStub(env, channel.id).credentials(channel.id);
  forgetChannel(channel.id);
  return fresh.ok ? fresh.credentials : channel.credentials;
}

export function channelHealthStub(env: Env, channelId: string): DurableObjectStub<ChannelHealthObject> {
  const namespace = env.CHANNEL_HEALTH as unknown as DurableObjectNamespace<ChannelHealthObject>;
  return namespace.getByName(channelId);
}

export class ChannelHealthObject extends DurableObject<Env> {
  /** Input gates do not cover D1 or fetch, so calls are chained explicitly: one at a time. */
  private chain: Promise<unknown> = Promise.resolve();

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const run = this.chain.catch(() => undefined).then(work);
    this.chain = run;
    return run;
  }

  /**
   * Credentials fit to use now: refreshed first when the token is about to expire, or when
   * `rejectedToken` (the access token the platform just refused) is still the current one.
   * A refusal the gateway cannot mend by itself marks the channel `needs_attention`.
   */
  credentials(channelId: string, rejectedToken?: string): Promise<TokenAnswer> {
    return this.serially(() => this.fresh(channelId, rejectedToken));
  }

  /** The platform refused even a fresh token: a person must look (no second refresh). */
  refusedAgain(channelId: string, token: string): Promise<void> {
    return this.serially(async () => {
      const loaded = await this.load(channelId);
      if (!loaded || loaded.credentials.accessToken !== token || loaded.row.status === "disconnected") return;
      await this.setHealth(loaded.row, {
        status: "needs_attention",
        statusReason: "the platform refused a freshly refreshed access token",
      });
    });
  }

  /** TikTok Shop's SELLER_DEAUTHORIZATION and UPCOMING_AUTHORIZATION_EXPIRATION. */
  authorizationNotice(channelId: string, notice: AuthorizationNotice): Promise<void> {
    return this.serially(async () => {
      const seenKey = `notice:${notice.platformEventId}`;
      if (this.ctx.storage.kv.get(seenKey)) return;
      const loaded = await this.load(channelId);
      if (loaded) {
        const { row, credentials } = loaded;
        const now = Date.now();
        if (notice.change === "deauthorized") {
          // The platform's advice: stop, and purge the shop's tokens; new ones come with a new authorization.
          const { accessToken: _a, refreshToken: _r, ...kept } = credentials;
          const sealed = await (await secretBox(this.env)).seal(JSON.stringify(kept), sealedAt.channelCredentials(row.id));
          const health: Health = { status: "disconnected", statusReason: "the shop deauthorized the app" };
          await writeChannelHealth(openDb(this.env.DB), this.env, row, health, now, {
            credentialsSealed: sealed,
            tokenExpiresAt: null,
          });
        } else if (row.status !== "disconnected") {
          const when = notice.expiresAt === null ? "soon" : `at ${new Date(notice.expiresAt).toISOString()}`;
          await this.setHealth(row, {
            status: "needs_attention",
            statusReason: `${AUTHORIZATION_EXPIRES} ${when}; the seller must authorize the app again`,
          });
        }
        forgetChannel(channelId);
      }
      this.ctx.storage.kv.put(seenKey, Date.now());
    });
  }

  private async fresh(channelId: string, rejectedToken: string | undefined): Promise<TokenAnswer> {
    const loaded = await this.load(channelId);
    if (!loaded) return { ok: false, kind: "failed", reason: "the channel no longer exists" };
    const { row, credentials, adapter } = loaded;
    if (row.status === "disconnected")
      return { ok: false, kind: "failed", reason: `the channel is disconnected: ${row.statusReason ?? "no reason given"}` };
    // Another caller refreshed since this one read its token: the new one is already here.
    if (rejectedToken !== undefined && rejectedToken !== credentials.accessToken) return { ok: true, credentials };
    const rejected = rejectedToken !== undefined;
    const now = Date.now();
    if (!rejected && !isDueForRefresh(row.tokenExpiresAt, now)) return { ok: true, credentials };

    const canRefresh = Boolean(adapter.refreshToken && adapter.canRefresh?.(credentials));
    if (!canRefresh) {
      if (!rejected) return { ok: true, credentials };
      const reason = "the platform refused the access token as unauthorized; send a new accessToken (PATCH the channel)";
      await this.setHealth(row, { status: "needs_attention", statusReason: reason });
      return { ok: false, kind: "failed", reason };
    }

    const result = await (adapter.refreshToken as NonNullable<AnyChannelAdapter["refreshToken"]>)(credentials, {
      fetch: (input, init) => fetch(input, init),
      apiBase: readConfig(this.env).apiBase[adapter.platform],
      authBase: readConfig(this.env).authBase[adapter.platform],
      now,
    });
    if (!result.ok && result.kind === "retry") {
      // The old token may still serve until it expires; a refused one cannot.
      const usable = !rejected && row.tokenExpiresAt !== null && row.tokenExpiresAt > now;
      return usable ? { ok: true, credentials } : { ok: false, kind: "retry", reason: result.error };
    }
    if (!result.ok) {
      await this.setHealth(row, { status: "disconnected", statusReason: result.reason });
      return { ok: false, kind: "failed", reason: result.reason };
    }
    const renewed: Credentials = { ...credentials, accessToken: result.accessToken, refreshToken: result.refreshToken };
    const sealed = await (await secretBox(this.env)).seal(JSON.stringify(renewed), sealedAt.channelCredentials(row.id));
    const pending: PendingPair = {
      sealed,
      replaces: row.credentialsSealed,
      tokenExpiresAt: result.expiresAt,
      health: healthAfterRefresh(healthOf(row), result.refreshExpiresAt, now),
    };
    // Stored before it is used: the old refresh token is spent from this moment.
    this.ctx.storage.kv.put(PENDING_KEY, pending);
    if (!(await this.store(row, pending))) {
      // A PATCH replaced the credentials meanwhile: the shop's new ones win.
      const current = await this.load(channelId);
      return current
        ? { ok: true, credentials: current.credentials }
        : { ok: false, kind: "failed", reason: "the channel no longer exists" };
    }
    return { ok: true, credentials: renewed };
  }

  /** The channel's row and opened credentials, after writing a pending pair a crash left behind. */
  private async load(channelId: string): Promise<{ row: ChannelRow; credentials: Credentials; adapter: AnyChannelAdapter } | null> {
    const db = openDb(this.env.DB);
    let row = await getChannelById(db, channelId);
    const pending = this.ctx.storage.kv.get<PendingPair>(PENDING_KEY);
    if (row && pending && pending.replaces === row.credentialsSealed) {
      await this.store(row, pending);
      row = await getChannelById(db, channelId);
    } else if (pending) {
      // Written already, or overtaken by a PATCH.
      this.ctx.storage.kv.delete(PENDING_KEY);
    }
    const adapter = row ? getAdapter(row.platform) : undefined;
    if (!row || !adapter) return null;
    const credentials = JSON.parse(
      await (await secretBox(this.env)).open(row.credentialsSealed, sealedAt.channelCredentials(row.id)),
    ) as Credentials;
    return { row, credentials, adapter };
  }

  private async store(row: ChannelRow, pending: PendingPair): Promise<boolean> {
    const patch = { credentialsSealed: pending.sealed, tokenExpiresAt: pending.tokenExpiresAt };
    const written = await writeChannelHealth(openDb(this.env.DB), this.env, row, pending.health, Date.now(), patch, pending.replaces);
    this.ctx.storage.kv.delete(PENDING_KEY);
    forgetChannel(row.id);
    return written;
  }

  private async setHealth(row: ChannelRow, health: Health): Promise<void> {
    await writeChannelHealth(openDb(this.env.DB), this.env, row, health, Date.now());
    forgetChannel(row.id);
  }
}
