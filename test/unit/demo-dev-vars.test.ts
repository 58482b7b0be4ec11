// How `npm run dev` and `npm run demo` share .dev.vars: the API base lines dev-setup writes,
// whether a file already has them, and reading the file as wrangler (dotenv) does.
import { describe, expect, it } from "vitest";
import { fakePlatformBlock, mentionsApiBases, parseDevVars, platformsNotOnFakes } from "../../scripts/demo/dev-vars.ts";

describe(".dev.vars for the demo's fake platform APIs", () => {
  it("writes API base lines that point every platform at the fakes, and notices them even commented out", () => {
    const block = fakePlatformBlock().join("\n");
    expect(platformsNotOnFakes(parseDevVars(block))).toEqual([]);
    expect(mentionsApiBases(block)).toBe(true);
    expect(mentionsApiBases("ADMIN_TOKEN=x\n# TIKTOK_API_BASE=http://127.0.0.1:8790\n")).toBe(true);
    expect(mentionsApiBases("ADMIN_TOKEN=x\nMASTER_KEY=y\n")).toBe(false);
    expect(mentionsApiBases("export ZALO_API_BASE=http://127.0.0.1:8790\n")).toBe(true);
    // The token hosts too, so a refresh in local dev reaches the fakes, never the real host.
    expect(parseDevVars(block).get("TIKTOK_AUTH_BASE")).toBe("http://127.0.0.1:8790");
    expect(parseDevVars(block).get("ZALO_OAUTH_BASE")).toBe("http://127.0.0.1:8790");
    const commented = block.replace(/^LINE_API_BASE/m, "# LINE_API_BASE");
    expect(platformsNotOnFakes(parseDevVars(commented))).toEqual(["line"]);
  });

  it("reads .dev.vars as dotenv does: comments skipped, quotes removed", () => {
    const vars = parseDevVars('# c\nADMIN_TOKEN="abc=="\n  MASTER_KEY = xyz \nnot a line\n');
    expect([...vars]).toEqual([
      ["ADMIN_TOKEN", "abc=="],
      ["MASTER_KEY", "xyz"],
    ]);
  });

  it("drops a # comment after an unquoted value, and keeps a # inside quotes", () => {
    const vars = parseDevVars("TIKTOK_API_BASE=http://127.0.0.1:8790 # the demo's fakes\nX_TOKEN='a#b' # note\nY=\"c # d\"\n");
    expect(vars.get("TIKTOK_API_BASE")).toBe("http://127.0.0.1:8790");
    expect(vars.get("X_TOKEN")).toBe("a#b");
    expect(vars.get("Y")).toBe("c # d");
  });

  it("reads export lines, as a shell-sourced file has them", () => {
    const vars = parseDevVars("export LINE_API_BASE=http://127.0.0.1:8790\nexport  ADMIN_TOKEN=tok\n");
    expect(vars.get("LINE_API_BASE")).toBe("http://127.0.0.1:8790");
    expect(vars.get("ADMIN_TOKEN")).toBe("tok");
    expect(platformsNotOnFakes(vars)).not.toContain("line");
  });

  it("unquotes single, double and backtick quotes, expands \\n only in double quotes, and reads CRLF files", () => {
    const vars = parseDevVars("A='one two'\r\nB=\"multi\\nline\"\r\nC=`back`\r\nD='raw\\n'\r\nE=\r\n");
    expect(Object.fromEntries(vars)).toEqual({ A: "one two", B: "multi\nline", C: "back", D: "raw\\n", E: "" });
  });
});
