// The demo's HTML documents: the two app shells and the fake checkout's server-rendered pages.

/** Escapes text for HTML element content and double-quoted attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char)

/** A complete HTML document around `body` (already escaped markup). */
export function documentHtml(title: string, body: string, script?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
${script ? `<script type="module" src="${escapeHtml(script)}"></script>` : ''}
</head>
<body>
${body}
</body>
</html>
`
}

export const appPage = (): string =>
  documentHtml('Acme CRM', '<main class="loading"><p>Loading Acme CRM…</p></main>', '/assets/app.js')

export const reactPage = (): string =>
  documentHtml('Acme CRM (React host)', '<div id="root"><main class="loading"><p>Loading the React host…</p></main></div>', '/assets/react.js')

export const notFoundPage = (): string =>
  documentHtml('Not found · Acme CRM', '<main class="narrow"><h1>Not found</h1><p><a href="/">Back to Acme CRM</a></p></main>')
