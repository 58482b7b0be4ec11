/**
 * Secret rotation: the secret a rotation replaces keeps signing next to the new one for
 * 24 h, so a subscriber can switch without losing a delivery (Standard Webhooks sends
 * both signatures, space-separated). Pure.
 */

export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

export interface SealedSecrets {
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: number | null;
}

/** The sealed secrets that sign a delivery made at `now`: the current one first. */
export function secretsInForce(endpoint: SealedSecrets, now: number): string[] {
  const previousValid =
    endpoint.previousSecretSealed !== null && endpoint.previousSecretExpiresAt !== null && now < endpoint.previousSecretExpiresAt;
  return previousValid && endpoint.previousSecretSealed ? [endpoint.secretSealed, endpoint.previousSecretSealed] : [endpoint.secretSealed];
}
