// HTML for the examples' pages: a tagged template that escapes every value
// put into it (a value made by html`` itself goes in as it is), and the one
// page layout they share: a language, a viewport for phones, a stylesheet
// of their own, a skip link, and the banner, main and footer landmarks.
// No script anywhere, so the pages run under a CSP without 'unsafe-inline'.

class Html {
  constructor(text) { this.text = text; }
  toString() { return this.text; }
}

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function render(v) {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return String(v).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => { out += render(v) + strings[i + 1]; });
  return new Html(out);
}

// The headers of every page: nothing but the site's own files, no frames,
// forms only to the site itself and to the origins in formTargets (Chrome
// holds the redirects after a form's POST to form-action too).
export function securityHeaders(formTargets = []) {
  return {
    'Content-Security-Policy': `default-src 'self'; base-uri 'none'; form-action ${["'self'", ...formTargets].join(' ')}; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };
}

// A whole document.  site: the name in the header; header: more of the
// header (the signed-in user, a banner); main: the page's content; footer:
// one line about the site.
export function page({ title, site, stylesheet, header = '', main, footer }) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} — ${site}</title>
<link rel="stylesheet" href="${stylesheet}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<p class="site">${site}</p>
${header}
</header>
<main id="main">
${main}
</main>
<footer>
<p>${footer}</p>
</footer>
</body>
</html>
`.toString();
}
