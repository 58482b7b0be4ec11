import { describe, expect, it } from "vitest";
import { devSettingsLaunch } from "../../../bench/dev-server.ts";

describe("devSettingsLaunch", () => {
  it("bench: warnings only and local tracing off", () => {
    const { flags, env } = devSettingsLaunch("bench", { PATH: "/bin" });
    expect(flags).toEqual(["--log-level", "warn"]);
    expect(env).toMatchObject({ PATH: "/bin", X_LOCAL_OBSERVABILITY: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" });
  });

  it("plain: wrangler's defaults, as npm run dev, even when the shell had turned tracing off", () => {
    const { flags, env } = devSettingsLaunch("plain", { PATH: "/bin", X_LOCAL_OBSERVABILITY: "false" });
    expect(flags).toEqual([]);
    expect(env).not.toHaveProperty("X_LOCAL_OBSERVABILITY");
    // Only the one-off fetch of the cf object from the internet stays off.
    expect(env).toMatchObject({ PATH: "/bin", CLOUDFLARE_CF_FETCH_ENABLED: "false" });
  });
});
