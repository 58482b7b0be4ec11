/** The deployment's SecretBox, built once per isolate from MASTER_KEY. */
import { createSecretBox, type SecretBox } from "./lib/secret-box.ts";

let cached: { masterKey: string; box: Promise<SecretBox> } | undefined;

export function secretBox(env: Pick<Env, "MASTER_KEY">): Promise<SecretBox> {
  if (cached?.masterKey !== env.MASTER_KEY) {
    const box = createSecretBox(env.MASTER_KEY ?? "");
    // A bad key must fail every call, not be cached as a rejected promise forever.
    box.catch(() => {
      cached = undefined;
    });
    cached = { masterKey: env.MASTER_KEY, box };
  }
  return cached.box;
}
