/**
 * A per-isolate cache of look-ups by id where anyone may ask for ids that do not exist (a
 * webhook URL with a made-up channel id). What was found and what was missing are kept
 * apart, each bounded: a flood of unknown ids only pushes out other misses, never a value
 * that exists. Misses are still remembered briefly, so the same junk id does not reach the
 * store each time.
 */
export interface LookupCacheLimits {
  ttlMs: number;
  missTtlMs: number;
  maxFound: number;
  maxMissing: number;
}

export class LookupCache<V> {
  private readonly found = new Map<string, { expiresAt: number; value: V }>();
  private readonly missing = new Map<string, number>();

  constructor(private readonly limits: LookupCacheLimits) {}

  async get(id: string, now: number, load: (id: string) => Promise<V | null>): Promise<V | null> {
    const hit = this.found.get(id);
    if (hit && hit.expiresAt > now) return hit.value;
    const missUntil = this.missing.get(id);
    if (missUntil !== undefined && missUntil > now) return null;

    const value = await load(id);
    this.forget(id);
    if (value === null) setBounded(this.missing, id, now + this.limits.missTtlMs, this.limits.maxMissing);
    else setBounded(this.found, id, { expiresAt: now + this.limits.ttlMs, value }, this.limits.maxFound);
    return value;
  }

  forget(id: string): void {
    this.found.delete(id);
    this.missing.delete(id);
  }
}

/** Maps iterate in insertion order: the first key is the oldest entry. */
function setBounded<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  if (map.size >= max) map.delete(map.keys().next().value as string);
  map.set(key, value);
}
