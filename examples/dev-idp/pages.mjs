// The development identity provider's pages: its sign-in form and its
// error page (../lib/html.mjs escapes every value).
import { html, page } from '../lib/html.mjs';

const SITE = 'Development identity provider';
const STYLESHEET = '/dev-idp/style.css';
const FOOTER = 'For tests and make demo only: accounts and passwords come from a file.';

// The sign-in form of one interaction.  client: the application asking;
// email: what to fill in (a login_hint, or what was typed); error: why the
// last try failed.
export function login({ uid, client, email = '', error }) {
  return page({
    title: 'Sign in',
    site: SITE,
    stylesheet: STYLESHEET,
    footer: FOOTER,
    main: html`<h1>Sign in</h1>
<p>to continue to <strong>${client}</strong></p>
${error ? html`<p class="error" role="alert" id="error">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<p><label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required autocapitalize="off" spellcheck="false" value="${email}"
${error ? html`aria-describedby="error"` : ''}></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button type="submit">Sign in</button></p>
</form>`,
  });
}

export function problem({ title, text }) {
  return page({
    title,
    site: SITE,
    stylesheet: STYLESHEET,
    footer: FOOTER,
    main: html`<h1>${title}</h1>
<p role="alert">${text}</p>`,
  });
}
