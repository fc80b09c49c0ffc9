// The storefront's pages.  Each takes what it shows and returns a whole
// HTML document (../lib/html.mjs escapes every value).
import { html, page } from '../lib/html.mjs';

const SITE = 'Storefront';
const STYLESHEET = '/static/style.css';
const FOOTER = 'An example application for guise. It keeps no accounts and no orders.';

function layout({ title, user, imp, main }) {
  return page({ title, site: SITE, stylesheet: STYLESHEET, header: header(user, imp), main, footer: FOOTER });
}

// The header: who is signed in, and the impersonation banner, on every
// page of a signed-in session, so that it cannot be missed.
function header(user, imp) {
  if (!user) return html`<nav aria-label="Account"><a href="/login">Sign in</a></nav>`;
  return html`${imp ? banner(user, imp) : ''}
<nav aria-label="Account"><p>Signed in as <strong>${user.name ?? user.sub}</strong></p>
<a href="/logout">Sign out</a></nav>`;
}

function banner(user, imp) {
  return html`<section class="impersonation" aria-labelledby="impersonation-title">
<p class="title" id="impersonation-title">Impersonated by ${imp.label}</p>
<p>${imp.id ?? 'A support person'} is using the shop as ${user.name ?? user.sub}, through
guise. Actions that only the customer may take are refused.</p>
</section>`;
}

export function home({ user, imp, ended }) {
  if (!user) {
    return layout({
      title: 'Welcome',
      main: html`<h1>Welcome</h1>
${ended ? html`<p class="notice" role="status">The impersonated session ended: ${ended === 'expired' ? 'its tokens expired' : 'guise ended it'}.</p>` : ''}
<p>You are not signed in.</p>
<p>This shop signs in with guise, which lets a support person in as a
customer through an impersonation link, and only through one.</p>
<p><a href="/login">Sign in</a></p>`,
    });
  }
  return layout({
    title: 'Your account',
    user,
    imp,
    main: html`<h1>Your account</h1>
<dl class="profile">
<dt>Name</dt><dd id="name">${user.name ?? '(none)'}</dd>
<dt>Email</dt><dd id="email">${user.email ?? '(none)'}${user.email_verified === true ? ' (verified)' : ''}</dd>
<dt>User ID</dt><dd id="sub"><code>${user.sub}</code></dd>
</dl>
<h2 id="delete-title">Delete your account</h2>
<p>Deleting the account removes it and its order history for good.
${imp ? html`<strong>Refused while impersonated.</strong>` : ''}</p>
<form method="post" action="/account/delete" aria-labelledby="delete-title">
<button type="submit">Delete my account</button>
</form>`,
  });
}

// 403: the sensitive action, asked for by an impersonated session.
export function refused({ user, imp }) {
  return layout({
    title: 'Not allowed while impersonated',
    user,
    imp,
    main: html`<h1>Not allowed while impersonated</h1>
<p role="alert">Deleting the account of ${user.name ?? user.sub} needs the
customer themself. This session is impersonated by ${imp.label}${imp.email && imp.id ? html` (<code>${imp.id}</code>)` : ''}:
nothing was deleted.</p>
<p><a href="/">Back to the account</a></p>`,
  });
}

// The sensitive action, done for the user themself (there is nothing to
// delete in an example).
export function deleted({ user }) {
  return layout({
    title: 'Account deleted',
    user,
    main: html`<h1>Account deleted</h1>
<p>A real shop would now delete the account of ${user.name ?? user.sub}.
This example keeps no accounts, so nothing was deleted.</p>
<p><a href="/">Back</a></p>`,
  });
}

// An error page: a refused request, or a sign-in that failed.
export function problem({ user, imp, title, text }) {
  return layout({
    title,
    user,
    imp,
    main: html`<h1>${title}</h1>
<p role="alert">${text}</p>
<p><a href="/">Back to the shop</a></p>`,
  });
}
