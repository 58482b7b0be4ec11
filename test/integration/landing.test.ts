// The landing page `/`: the static public/index.html, with Zalo's domain-verification meta tag
// in its head when ZALO_SITE_VERIFICATION is set (the test runtime sets it, vitest.config.ts).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig } from "../../src/env.ts";
import { landingPage } from "../../src/landing.ts";
import { call } from "./helpers.ts";

/** TEST_ZALO_SITE_VERIFICATION of vitest.config.ts (that file cannot be imported into workerd). */
const CODE = "zVerify_Test-Code123";
const TAG = `<meta name="zalo-platform-site-verification" content="${CODE}" />`;

async function asset(): Promise<string> {
  return (await env.ASSETS.fetch("https://gw.example/")).text();
}

describe("GET /", () => {
  it("serves the landing page with the configured Zalo verification tag inside its head", async () => {
    expect(readConfig(env).zaloSiteVerification).toBe(CODE);
    const response = await call("GET", "/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain("<h1>Switchboard</h1>");
    const head = html.slice(html.indexOf("<head>"), html.indexOf("</head>"));
    expect(head).toContain(TAG);
    expect(html.split("zalo-platform-site-verification")).toHaveLength(2);
  });

  it("serves the page unchanged when no code is configured", async () => {
    const response = await landingPage(new Request("https://gw.example/"), { ASSETS: env.ASSETS, zaloSiteVerification: null });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toBe(await asset());
    expect(html).not.toContain("zalo-platform-site-verification");
  });

  it("escapes a code that would break out of the attribute", async () => {
    const response = await landingPage(new Request("https://gw.example/"), {
      ASSETS: env.ASSETS,
      zaloSiteVerification: `x" /><script>alert(1)</script>`,
    });
    const html = await response.text();
    expect(html).toContain('content="x&#34; /&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
    expect(html).not.toContain("<script>");
    expect(response.headers.get("etag")).toBeNull();
  });
});
