import { describe, expect, it } from "vitest";
import { devLaunch } from "../../scripts/lib/dev-launch.ts";

describe("npm run dev's launch of wrangler dev", () => {
  it("runs as quick as the bench's dev server by default: no local tracing, warnings only", () => {
    const launch = devLaunch([], { PATH: "/bin", X_LOCAL_OBSERVABILITY: "true" });
    expect(launch.args).toEqual(["--log-level", "warn"]);
    expect(launch.env).toEqual({ PATH: "/bin", X_LOCAL_OBSERVABILITY: "false" });
    expect(launch.url).toBe("http://127.0.0.1:8787");
    expect(launch.note).toMatch(/--trace/);
  });

  it("turns local tracing and wrangler's own logs back on, one flag each, and passes the rest on", () => {
    const launch = devLaunch(["--trace", "--verbose", "--port", "8788"], { X_LOCAL_OBSERVABILITY: "false" });
    expect(launch.args).toEqual(["--port", "8788"]);
    expect(launch.env).toEqual({});
    expect(launch.url).toBe("http://127.0.0.1:8788");
  });

  it("leaves a log level the user chose alone, and reads --ip, --port= and --persist-to", () => {
    const launch = devLaunch(["--log-level=debug", "--ip", "0.0.0.0", "--port=9000", "--persist-to", "/tmp/state"], {});
    expect(launch.args).toEqual(["--log-level=debug", "--ip", "0.0.0.0", "--port=9000", "--persist-to", "/tmp/state"]);
    expect(launch.url).toBe("http://0.0.0.0:9000");
    expect(launch.persistTo).toBe("/tmp/state");
    expect(devLaunch([], {}).persistTo).toBeUndefined();
  });
});
