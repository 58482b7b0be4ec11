/**
 * The landing page `/` (public/index.html), with Zalo's domain-verification meta tag added to
 * its head when `ZALO_SITE_VERIFICATION` is set: Zalo checks the tag on the home page of the
 * webhook's domain before it lets the webhook URL be saved (platforms/zalo.md §1). The page
 * stays a static asset; `/` runs the worker first (wrangler.toml) only to add the tag.
 */

/** The tag's name as community implementations write it; Zalo's own page is not readable (UNCONFIRMED). */
export const ZALO_META_NAME = "zalo-platform-site-verification";

export interface LandingEnv {
  ASSETS: Fetcher;
  /** The `content` of the meta tag Zalo's "Domain verification" page gives. */
  zaloSiteVerification: string | null;
}

export async function landingPage(request: Request, env: LandingEnv): Promise<Response> {
  // A plain GET of the asset: the page served depends on configuration, so no conditional request.
  const page = await env.ASSETS.fetch(new URL("/", request.url), { method: request.method });
  if (!env.zaloSiteVerification || !page.ok) return page;
  const tag = `<meta name="${ZALO_META_NAME}" content="${escapeAttribute(env.zaloSiteVerification)}" />`;
  const rewritten = new HTMLRewriter()
    .on("head", {
      element(head) {
        head.append(tag, { html: true });
      },
    })
    .transform(page);
  const response = new Response(rewritten.body, rewritten);
  // The static file's validators no longer describe this body.
  response.headers.delete("etag");
  response.headers.delete("content-length");
  return response;
}

function escapeAttribute(value: string): string {
  return value.replace(/[&"'<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
