/**
 * GET /docs: Swagger UI over /openapi.json. Its bundle is vendored in public/docs/vendor and
 * served by the assets layer from our own origin (`npm run docs:vendor` refreshes it), so the
 * page works offline and under a CSP that forbids other origins.
 */

export const DOCS_ASSETS = {
  script: "/docs/vendor/swagger-ui-bundle.js",
  stylesheet: "/docs/vendor/swagger-ui.css",
  init: "/docs/init.js",
} as const;

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Switchboard API</title>
    <link rel="stylesheet" href="${DOCS_ASSETS.stylesheet}" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_ASSETS.script}"></script>
    <script src="${DOCS_ASSETS.init}"></script>
  </body>
</html>
`;

/** Same origin only; Swagger UI sets inline styles and shows inline SVG images. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");
