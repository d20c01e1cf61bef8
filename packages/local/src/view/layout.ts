// The page shell and the HTTP answer around it. The CSP forbids every script and remote load: the
// page needs none, and it shows untrusted text, so escaping is backed by the browser too.
import type { Reply } from '../reply.js';
import { Html, html } from './html.js';
import { STYLES } from './styles.js';

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function page(status: number, title: string, body: Html): Reply {
  // The data: icon stops the browser asking for /favicon.ico, which would land in the request log.
  const document = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title} · Nexus local</title>
<style>${new Html(STYLES) /* our own CSS: inserted as is */}</style>
</head>
<body>
<header class="topbar">
  <a class="brand" href="/view"><span class="logo"></span>Nexus <small>local</small></a>
  <nav><a class="active" href="/view">Traces</a></nav>
  <span class="hint">in-memory · every key's traces</span>
</header>
<main>
${body}
</main>
</body>
</html>
`;
  return { status, headers: { ...HEADERS }, body: document.value };
}

export function notFound(message: string): Reply {
  return page(
    404,
    'Not found',
    html`<div class="notfound"><h1>Not found</h1><p class="muted">${message}</p><p><a class="button" href="/view">All traces</a></p></div>`,
  );
}

export function forbidden(): Reply {
  return page(403, 'Forbidden', html`<div class="notfound"><h1>Forbidden</h1><p class="muted">The trace view answers loopback callers only.</p></div>`);
}
