// Starts the API reference UI on the document this Kivo serves. A file rather
// than an inline script, so the page's CSP can allow scripts from 'self' only.
// Everything that would reach a third party (web fonts, telemetry, the AI
// agent, Scalar's request proxy) is off: /docs works offline, and "try it"
// calls the server the page came from (the document's first server is "/").
Scalar.createApiReference("#app", {
  url: "/openapi.json",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: "never",
  documentDownloadType: "json",
  // A key typed into "try it" stays in the page, never in localStorage.
  persistAuth: false,
});
