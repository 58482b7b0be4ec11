// Renders /openapi.json with the vendored Swagger UI (public/docs/vendor, `npm run docs:vendor`).
// validatorUrl: null — Swagger UI would otherwise send the document to an outside validator.
window.ui = window.SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
});
