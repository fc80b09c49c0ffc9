// guise's support console (DESIGN.md section 7): one page, hash routes,
// no framework.  It runs under "Content-Security-Policy: default-src
// 'self'", so it never writes markup from strings: the views are the
// <template> elements of index.html, cloned, and every value that came from
// guise (a user's name is whatever the user typed) goes in as textContent
// or as a text node.  Every request goes through api(), which ends the
// page's session on a 401 wherever it comes from.
'use strict';

(() => {
  const API = '/console/api';
  const PER_PAGE = 20;
  const RETURN_KEY = 'guise.console.return';

  const state = {
    session: null,	// GET /console/api/session, while signed in
    hadSession: false,	// signed in at some point since the page loaded
    outShown: false,	// the signed-out view is shown
    view: null,		// { name, arg, update } of the view shown
    controller: null,	// aborts the requests of the view shown
    apps: null,		// a promise of GET /console/api/applications
    lastSeen: 0,	// Date.now() of the last answer from guise
    idleTimer: 0,	// shows the signed-out view once idle_ttl has passed
    inFlight: 0,	// requests not answered yet
    search: '#/users',	// the last search shown, where a profile leads back to
  };

  // ---- Sections and routes ------------------------------------------
  //
  // A section is a view function and one entry in the navigation:
  //   section('active', 'Active impersonations', activeView);
  // shows it in the navigation and serves #/active?....  A page that is
  // not in the navigation (a user's profile) names the section it belongs
  // to, whose entry is then marked as the current one.
  //
  // A view is called as view(route, ctx): it fills ctx.root (usually from a
  // <template> of index.html), passes ctx.signal to api(), and may return
  // update(route), called instead of a new view when only the query of the
  // same page changes (a new search, another page of results), so that the
  // focus stays where it is.

  const sections = [];
  const routes = new Map();

  function section(name, label, view) {
    sections.push({ name, label });
    routes.set(name, { view, nav: name });
  }

  function page(name, nav, view) {
    routes.set(name, { view, nav });
  }

  // ---- DOM helpers ---------------------------------------------------

  const $ = (id) => document.getElementById(id);

  // h('a', { href: '#/users', class: 'x' }, 'text', node): an element with
  // attributes and children; strings become text nodes, never markup.
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs ?? {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'style' || k.startsWith('on')) throw new Error(`h: no ${k} attribute under the CSP`);
      if (k === 'class') el.className = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : String(c));
    }
    return el;
  }

  // A copy of <template id=id>.
  function fromTemplate(id) {
    return document.importNode($(id).content, true);
  }

  // The elements of root that have data-field, by name.
  function fields(root) {
    const f = {};
    for (const el of root.querySelectorAll('[data-field]')) f[el.dataset.field] = el;
    return f;
  }

  // What to show for a missing value: a dash, read out as "none".
  function none() {
    return h('span', { class: 'none' }, h('span', { 'aria-hidden': 'true' }, '—'),
      h('span', { class: 'visually-hidden' }, 'none'));
  }

  function text(v) {
    return v === undefined || v === null || v === '' ? none() : String(v);
  }

  function badge(label, kind) {
    return h('span', { class: `badge badge-${kind}` }, label);
  }

  // A link to a user's profile, the user_id shown as code.
  function userLink(id, label) {
    if (id === undefined || id === null || id === '') return none();
    return h('a', { href: userHash(id), class: label ? null : 'id-link' },
      label ? String(label) : h('code', null, String(id)));
  }

  // A table keeps its meaning for screen readers when the narrow layout
  // displays its rows as blocks: explicit roles, and a data-label on each
  // cell that the CSS shows before the value.
  function tableRoles(table) {
    table.setAttribute('role', 'table');
    for (const g of table.querySelectorAll('thead, tbody')) g.setAttribute('role', 'rowgroup');
    for (const tr of table.querySelectorAll('tr')) tr.setAttribute('role', 'row');
    for (const th of table.querySelectorAll('thead th')) th.setAttribute('role', 'columnheader');
    for (const td of table.querySelectorAll('tbody td')) td.setAttribute('role', 'cell');
  }

  // A table row: cells as [label, ...content]; the content is in one
  // element so that the narrow layout has two parts, label and value.
  function row(cells) {
    return h('tr', null, cells.map(([label, ...content]) =>
      h('td', { 'data-label': label }, h('div', { class: 'cell' }, ...content))));
  }

  const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
  const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

  // A time element for an RFC 3339 string or unix seconds; split: the day
  // and the time of day in spans of their own (a table's narrow column).
  function time(v, split = false) {
    if (v === undefined || v === null || v === '') return none();
    const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v);
    if (Number.isNaN(d.getTime())) return String(v);
    if (!split) return h('time', { datetime: d.toISOString() }, dateFormat.format(d));
    return h('time', { datetime: d.toISOString(), class: 'split' },
      h('span', { class: 'day' }, dayFormat.format(d)), ' ', h('span', { class: 'clock' }, clockFormat.format(d)));
  }

  // A dotted name (an event) that may break after its dots.
  function dotted(name) {
    const parts = String(name).split('.');
    return h('code', { class: 'event' }, parts.flatMap((p, i) => (i ? ['.', h('wbr'), p] : [p])));
  }

  function displayName(u) {
    for (const v of [u?.name, u?.nickname, u?.email, u?.user_id]) {
      if (typeof v === 'string' && v.trim() !== '') return v;
    }
    return 'Unnamed user';
  }

  function shorten(s, max) {
    return s.length > max ? `${s.slice(0, max - 1)}…` : s;
  }

  function plural(n, one, many) {
    return `${n.toLocaleString()} ${n === 1 ? one : many}`;
  }

  // ---- Status: the one live region -----------------------------------
  //
  // say() announces to screen readers only (the page shows the same thing
  // in its own place); show() and fail() are also seen.

  function setStatus(message, kind) {
    const s = $('status');
    s.className = `status status-${kind}`;
    // The same words again are a new message: make them differ, or the
    // screen reader stays silent.
    s.textContent = message !== '' && s.textContent === message ? `${message}\u00a0` : message;
  }

  function say(message) { setStatus(message, 'quiet'); }
  function show(message) { setStatus(message, 'info'); }
  function fail(message) { setStatus(message, 'error'); }
  function clearStatus() { setStatus('', 'quiet'); }

  // ---- The API -------------------------------------------------------

  class SignedOut extends Error {}

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  // Every request of the console.  form: an object sent as
  // application/x-www-form-urlencoded.  Answers the JSON body of a 2xx;
  // throws SignedOut after a 401 (the signed-out view is then shown),
  // ApiError with the server's words for any other failure, and the
  // AbortError of signal.
  async function api(path, { method = 'GET', form, signal } = {}) {
    const init = {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { Accept: 'application/json' },
      signal,
    };
    if (form) init.body = new URLSearchParams(form);
    let res;
    state.inFlight++;
    try {
      res = await fetch(path, init);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', 'guise could not be reached. Check the connection, then try again.');
    } finally {
      state.inFlight--;
    }
    let body;
    if (/^application\/([a-z.+-]*\+)?json\b/i.test(res.headers.get('Content-Type') ?? '')) {
      try { body = await res.json(); } catch (e) { if (e.name === 'AbortError') throw e; }
    }
    if (res.status !== 401) touch();
    if (res.status === 401) {
      // Several requests may end at once: one signed-out view.
      if (state.session || !state.outShown) signedOut(state.hadSession ? 'ended' : 'none');
      throw new SignedOut('signed out');
    }
    if (!res.ok) {
      const words = body?.error_description || body?.message || body?.error;
      throw new ApiError(res.status, body?.error ?? body?.errorCode ?? null,
        typeof words === 'string' && words !== ''
          ? words : `guise answered ${res.status} ${res.statusText}`.trim());
    }
    if (body === undefined) {
      throw new ApiError(res.status, 'bad_response', 'guise answered something the console does not understand.');
    }
    return body;
  }

  // Every answer keeps the session alive on the server for idle_ttl more
  // seconds.  Once that has passed without one, the session has ended
  // there: say so now, rather than when the next request is refused
  // (someone coming back to the tab would type a reason for nothing).  No
  // request is made to find out, since a request would keep it alive.
  function touch() {
    state.lastSeen = Date.now();
    clearTimeout(state.idleTimer);
    const idle = state.session?.idle_ttl;
    if (typeof idle === 'number' && idle > 0) {
      state.idleTimer = setTimeout(idleCheck, (idle + 5) * 1000);
    }
  }

  function idleCheck() {
    const idle = state.session?.idle_ttl;
    // A request on its way will be answered, or refused with a 401.
    if (typeof idle !== 'number' || idle <= 0 || !state.session || state.inFlight > 0) return;
    const left = state.lastSeen + (idle + 5) * 1000 - Date.now();
    if (left > 0) {
      clearTimeout(state.idleTimer);
      state.idleTimer = setTimeout(idleCheck, left);
      return;
    }
    signedOut('ended');
  }

  // After a failed request: nothing to say when the session ended (the
  // signed-out view says it) or when the view was left; otherwise the
  // message, in the live region, or in place and announced.
  function report(e, where) {
    if (e instanceof SignedOut || e?.name === 'AbortError') return;
    const message = e instanceof ApiError ? e.message : `Something went wrong in the console: ${e?.message ?? e}`;
    if (!(e instanceof ApiError)) console.error(e);
    if (where) {
      where.textContent = message;
      where.hidden = false;
      say(message);
    } else {
      fail(message);
    }
  }

  function applications() {
    if (!state.apps) {
      state.apps = api(`${API}/applications`).catch((e) => {
        state.apps = null;
        throw e;
      });
    }
    return state.apps;
  }

  // ---- Routing -------------------------------------------------------

  function userHash(id) {
    return `#/user/${encodeURIComponent(id)}`;
  }

  function hashOf(name, params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    }
    const s = q.toString();
    return `#/${name}${s ? `?${s}` : ''}`;
  }

  // location.hash as { name, arg, params }: #/user/<id>, #/users?q=...
  function currentRoute() {
    const hash = location.hash.startsWith('#/') ? location.hash.slice(2) : 'users';
    const i = hash.indexOf('?');
    const path = i < 0 ? hash : hash.slice(0, i);
    const params = new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
    const [name, ...rest] = path.split('/');
    let arg = rest.join('/');
    try {
      arg = decodeURIComponent(arg);
    } catch {
      return { name: '', arg: '', params };
    }
    return { name: name || 'users', arg, params };
  }

  // Go to hash; the same hash again runs its view's update (a search run
  // once more).
  function go(hash) {
    if (location.hash === hash) render({ focus: false });
    else location.hash = hash;
  }

  function markNav(name) {
    for (const a of $('nav-list').querySelectorAll('a')) {
      if (a.dataset.section === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
  }

  function setTitle(title) {
    document.title = `${title} · Support console · guise`;
  }

  function focusHeading(root) {
    const h1 = [...root.querySelectorAll('h1')].find((e) => !e.closest('[hidden]'));
    (h1 ?? $('main')).focus({ preventScroll: false });
  }

  function render({ focus }) {
    if (!state.session) return;
    const r = currentRoute();
    const entry = routes.get(r.name);
    markNav(entry?.nav);
    const v = state.view;
    if (v && v.update && v.name === r.name && v.arg === r.arg) {
      v.update(r);
      return;
    }
    state.controller?.abort();
    state.controller = new AbortController();
    clearStatus();
    const root = $('view');
    root.replaceChildren();
    const ctx = { root, signal: state.controller.signal, setTitle };
    const update = (entry?.view ?? notFoundView)(r, ctx);
    state.view = { name: r.name, arg: r.arg, update };
    if (focus) focusHeading(root);
    window.scrollTo(0, 0);
  }

  // ---- Signed in, signed out -----------------------------------------

  function showChrome(on) {
    $('sections').hidden = !on;
    $('who').hidden = !on;
  }

  function signedIn(session) {
    state.session = session;
    state.hadSession = true;
    state.outShown = false;
    $('who-name').textContent = session.name || session.email || session.user_id || 'unknown';
    showChrome(true);
    touch();
    let back = null;
    try {
      back = sessionStorage.getItem(RETURN_KEY);
      sessionStorage.removeItem(RETURN_KEY);
    } catch { /* storage refused: start at the default page */ }
    if (back && back.startsWith('#/') && !location.hash.startsWith('#/')) {
      history.replaceState(null, '', back);
    }
    render({ focus: false });
  }

  const SIGNED_OUT = {
    none: ['Support console',
      'Sign in with your organization\'s account to find customers and act on their behalf.'],
    ended: ['Your console session has ended',
      'Console sessions end after a while without activity, and at the latest after a fixed time. Sign in again to continue.'],
    'signed-out': ['You have signed out',
      'You have signed out of the support console.'],
  };

  // The signed-out view; why: none (never signed in), ended (the server
  // ended the session), signed-out (the Sign out button).
  function signedOut(why) {
    const wasShown = state.session !== null;
    state.session = null;
    state.outShown = true;
    clearTimeout(state.idleTimer);
    state.view = null;
    state.apps = null;
    state.controller?.abort();
    state.controller = null;
    showChrome(false);
    $('who-name').textContent = '';
    const root = $('view');
    root.replaceChildren(fromTemplate('t-signed-out'));
    const f = fields(root);
    const [title, words] = SIGNED_OUT[why] ?? SIGNED_OUT.none;
    f.title.textContent = title;
    f.text.textContent = words;
    setTitle(why === 'none' ? 'Sign in' : title);
    f['sign-in'].addEventListener('click', () => {
      try {
        if (location.hash.startsWith('#/')) sessionStorage.setItem(RETURN_KEY, location.hash);
      } catch { /* nothing to remember then */ }
    });
    clearStatus();
    say(title);
    if (wasShown) f.title.focus();
  }

  function unreachable(message) {
    showChrome(false);
    const root = $('view');
    root.replaceChildren(fromTemplate('t-unreachable'));
    const f = fields(root);
    f.text.textContent = message;
    setTitle('guise could not be reached');
    say(message);
    f.retry.addEventListener('click', () => {
      f.retry.disabled = true;
      start();
    });
  }

  async function start() {
    let session;
    try {
      session = await api(`${API}/session`);
    } catch (e) {
      if (e instanceof SignedOut) return;
      unreachable(e instanceof ApiError ? e.message : String(e));
      return;
    }
    signedIn(session);
  }

  async function signOut() {
    const button = $('sign-out');
    if (!state.session) return;
    button.disabled = true;
    try {
      await api('/console/logout', { method: 'POST', form: { csrf: state.session.csrf } });
      signedOut('signed-out');
    } catch (e) {
      report(e);
    } finally {
      button.disabled = false;
    }
  }

  // ---- Users: #/users?q=...&page=N (N counts from 0) -----------------

  function usersView(route, ctx) {
    ctx.root.append(fromTemplate('t-users'));
    ctx.setTitle('Find users');
    const form = $('users-form');
    const input = $('users-q');
    const results = $('users-results');
    const prev = $('users-prev');
    const next = $('users-next');
    let shown = { q: '', page: 0 };
    let loads = 0;

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      go(hashOf('users', { q: input.value.trim(), page: 0 }));
    });
    prev.addEventListener('click', () => go(hashOf('users', { q: shown.q, page: shown.page - 1 })));
    next.addEventListener('click', () => go(hashOf('users', { q: shown.q, page: shown.page + 1 })));

    function clear() {
      $('users-rows').replaceChildren();
      $('users-table-wrap').hidden = true;
      $('users-empty').hidden = true;
      $('users-pager').hidden = true;
      $('users-count').textContent = '';
    }

    async function update(r) {
      const q = (r.params.get('q') ?? '').trim();
      const n = Number.parseInt(r.params.get('page') ?? '0', 10);
      const pageNo = Number.isFinite(n) && n > 0 ? n : 0;
      input.value = q;
      const load = ++loads;
      const focused = document.activeElement;
      results.setAttribute('aria-busy', 'true');
      $('users-count').textContent = 'Searching…';
      say('Searching…');
      const query = { page: pageNo, per_page: PER_PAGE, include_totals: 'true' };
      if (q !== '') query.q = q;
      let data;
      try {
        data = await api(`${API}/users?${new URLSearchParams(query)}`, { signal: ctx.signal });
      } catch (e) {
        if (load !== loads || ctx.signal.aborted) return;
        results.setAttribute('aria-busy', 'false');
        clear();
        $('users-count').textContent = 'The search was not run: see the message above.';
        report(e);
        return;
      }
      if (load !== loads || ctx.signal.aborted) return;
      clearStatus();
      shown = { q, page: pageNo };
      state.search = hashOf('users', { q, page: pageNo || null });
      const users = Array.isArray(data?.users) ? data.users : [];
      const start = Number.isInteger(data?.start) ? data.start : pageNo * PER_PAGE;
      const total = Number.isInteger(data?.total) ? data.total : start + users.length;
      const limit = Number.isInteger(data?.limit) && data.limit > 0 ? data.limit : PER_PAGE;

      $('users-caption').textContent = q === '' ? 'All users' : `Users matching ${q}`;
      const rows = users.map((u) => row([
        ['Name', userLink(u?.user_id ?? '', displayName(u))],
        ['Email', text(u?.email), u?.email && u.email_verified === false ? [' ', badge('unverified', 'warn')] : null],
        ['User ID', u?.user_id ? h('code', { class: 'id' }, String(u.user_id)) : none()],
        ['Blocked', u?.blocked === true ? badge('Blocked', 'danger') : 'No'],
      ]));
      $('users-rows').replaceChildren(...rows);
      tableRoles($('users-table'));
      $('users-table-wrap').hidden = users.length === 0;
      $('users-empty').hidden = users.length !== 0;

      let summary;
      if (users.length === 0) summary = total === 0 ? 'No users found' : `No users on this page (${plural(total, 'user', 'users')} in all)`;
      else summary = `Showing ${(start + 1).toLocaleString()}–${(start + users.length).toLocaleString()} of ${plural(total, 'user', 'users')}`;
      $('users-count').textContent = summary;
      const pages = Math.max(1, Math.ceil(total / limit));
      $('users-where').textContent = `Page ${(pageNo + 1).toLocaleString()} of ${pages.toLocaleString()}`;
      prev.disabled = pageNo === 0;
      next.disabled = start + users.length >= total;
      $('users-pager').hidden = prev.disabled && next.disabled;
      results.setAttribute('aria-busy', 'false');
      say(`${summary}.`);
      // A paging button that the last page disabled loses the focus: give
      // it to the other one, or to the results' heading.
      if (focused === prev || focused === next) {
        const to = !focused.disabled && !$('users-pager').hidden ? focused
          : [prev, next].find((b) => !b.disabled && !$('users-pager').hidden);
        if (to) to.focus();
        else {
          const heading = $('users-results-title');
          heading.tabIndex = -1;
          heading.focus();
        }
      }
    }

    update(route);
    return update;
  }

  // ---- A user's profile: #/user/<user_id> ----------------------------

  // app_metadata or user_metadata: its keys, each with its value as text
  // or as indented JSON.
  function metadata(value) {
    if (value === undefined || value === null) return h('p', { class: 'empty' }, 'None.');
    if (typeof value !== 'object' || Array.isArray(value)) {
      return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
    }
    const entries = Object.entries(value);
    if (entries.length === 0) return h('p', { class: 'empty' }, 'None.');
    return h('dl', { class: 'facts facts-meta' }, entries.map(([k, v]) => [
      h('dt', null, k),
      h('dd', null, v !== null && typeof v === 'object'
        ? h('pre', { class: 'json' }, JSON.stringify(v, null, 2))
        : v === null ? h('code', null, 'null') : String(v)),
    ]));
  }

  function fact(label, ...value) {
    return [h('dt', null, label), h('dd', null, ...value)];
  }

  function userView(route, ctx) {
    const id = route.arg;
    ctx.root.append(fromTemplate('t-user'));
    ctx.setTitle('User');
    const f = fields(ctx.root);
    f.back.href = state.search;
    if (!id) return notFoundView(route, ctx);

    const load = (async () => {
      let user;
      try {
        user = await api(`${API}/users/${encodeURIComponent(id)}`, { signal: ctx.signal });
      } catch (e) {
        if (ctx.signal.aborted) return;
        if (e instanceof ApiError && e.status === 404) {
          f.missing.hidden = false;
          f['missing-text'].textContent = `No user has the ID “${id}”. It may have been deleted, or the ID may be mistyped.`;
          ctx.setTitle('User not found');
          say('User not found.');
          if (document.activeElement === document.body || document.activeElement === $('main')
              || document.activeElement?.tagName === 'H1') f['missing-title'].focus();
          return;
        }
        report(e);
        return;
      }
      if (ctx.signal.aborted) return;
      showUser(user);
    })();
    load.catch(report);

    function showUser(u) {
      const name = displayName(u);
      const userId = typeof u?.user_id === 'string' ? u.user_id : id;
      ctx.setTitle(name);
      f.title.textContent = name;
      const badges = [];
      if (u?.blocked === true) badges.push(badge('Blocked', 'danger'));
      if (u?.email && u.email_verified === true) badges.push(badge('Email verified', 'ok'));
      if (u?.email && u.email_verified === false) badges.push(badge('Email not verified', 'warn'));
      f.badges.replaceChildren(...badges.flatMap((b) => [b, ' ']));
      f['user-id'].textContent = userId;
      f['audit-link'].href = hashOf('audit', { user_id: userId });
      f.copy.addEventListener('click', () => copy(userId, f.copy));

      f.facts.replaceChildren(...[
        fact('Name', text(u?.name)),
        fact('Email', text(u?.email),
          u?.email ? [' ', u.email_verified === true ? '(verified)' : u.email_verified === false ? '(not verified)' : ''] : null),
        u?.nickname !== undefined ? fact('Nickname', text(u.nickname)) : [],
        fact('Blocked', u?.blocked === true ? badge('Blocked: cannot sign in', 'danger') : 'No'),
        fact('Created', time(u?.created_at)),
        fact('Last login', time(u?.last_login)),
        u?.logins_count !== undefined ? fact('Logins', text(u.logins_count)) : [],
        u?.last_ip !== undefined ? fact('Last IP address', text(u.last_ip)) : [],
      ].flat());

      const identities = Array.isArray(u?.identities) ? u.identities : [];
      f.identities.replaceChildren(...identities.map((i) => row([
        ['Provider', text(i?.provider)],
        ['Connection', text(i?.connection)],
        ['User ID at the provider', i?.user_id !== undefined && i?.user_id !== null && i?.user_id !== ''
          ? h('code', { class: 'id' }, String(i.user_id)) : none()],
        ['Social', i?.isSocial === true ? 'Yes' : i?.isSocial === false ? 'No' : none()],
      ])));
      tableRoles(f.identities.closest('table'));
      f.identities.closest('.table-wrap').hidden = identities.length === 0;
      f['no-identities'].hidden = identities.length !== 0;

      f['app-metadata'].replaceChildren(metadata(u?.app_metadata));
      f['user-metadata'].replaceChildren(metadata(u?.user_metadata));
      f.body.hidden = false;
      impersonateForm(u, userId, name);
      if (document.activeElement === document.body || document.activeElement === $('main')) f.title.focus();
      say(`Profile of ${name}.`);
    }

    function impersonateForm(u, userId, name) {
      const form = $('impersonate-form');
      const select = $('impersonate-app');
      const reason = $('impersonate-reason');
      const error = $('impersonate-error');
      const button = f['impersonate-button'];
      const required = state.session?.require_reason === true;
      reason.required = required;
      f['reason-need'].textContent = required ? '(required)' : '(optional)';
      const label = `Impersonate ${shorten(name, 40)}`;
      button.textContent = label;
      let ready = false;
      select.disabled = true;
      button.disabled = true;
      select.replaceChildren(h('option', { value: '' }, 'Loading applications…'));

      applications().then((apps) => {
        if (ctx.signal.aborted) return;
        apps = Array.isArray(apps) ? apps.filter((a) => a && typeof a.client_id === 'string') : [];
        const hint = f['apps-hint'];
        if (apps.length === 0) {
          select.replaceChildren(h('option', { value: '' }, 'No application available'));
          hint.textContent = 'No application allows impersonation. An administrator decides which ones do.';
          hint.hidden = false;
          select.setAttribute('aria-describedby', hint.id);
          return;
        }
        const options = apps.map((a) => h('option', { value: a.client_id },
          a.name ? `${a.name} (${a.client_id})` : a.client_id));
        if (apps.length > 1) options.unshift(h('option', { value: '' }, 'Choose an application'));
        select.replaceChildren(...options);
        select.disabled = false;
        button.disabled = false;
        ready = true;
      }).catch((e) => {
        if (ctx.signal.aborted) return;
        select.replaceChildren(h('option', { value: '' }, 'Applications unavailable'));
        report(e instanceof ApiError
          ? new ApiError(e.status, e.code, `The applications could not be listed: ${e.message}`) : e, error);
      });

      function invalid(el, message) {
        el.setAttribute('aria-invalid', 'true');
        error.textContent = message;
        error.hidden = false;
        say(message);
        el.focus();
      }

      for (const el of [select, reason]) {
        el.addEventListener('input', () => el.removeAttribute('aria-invalid'));
      }

      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        if (!ready || button.disabled) return;
        error.hidden = true;
        error.textContent = '';
        const clientId = select.value;
        const why = reason.value.trim();
        if (clientId === '') return invalid(select, 'Choose the application to sign in to.');
        if (required && why === '') return invalid(reason, 'Give the reason, such as the ticket number: it is required for the record.');
        const body = { csrf: state.session?.csrf ?? '', user_id: userId, client_id: clientId };
        if (why !== '') body.reason = why;
        button.disabled = true;
        button.textContent = 'Asking guise for a link…';
        form.setAttribute('aria-busy', 'true');
        say('Asking guise for a sign-in link…');
        f['approval-pending'].hidden = true;
        let link;
        try {
          const answer = await api(`${API}/impersonate`, { method: 'POST', form: body, signal: ctx.signal });
          // A customer who needs a second person's approval (202): the
          // request waits under Approvals, where it is opened once approved.
          if (typeof answer?.approval_id === 'string' && answer.approval_id !== '') {
            form.removeAttribute('aria-busy');
            button.disabled = false;
            button.textContent = label;
            f['approval-pending'].hidden = false;
            show(`An approver must agree before you can impersonate ${name}. Your request waits under Approvals.`);
            return;
          }
          if (typeof answer?.link !== 'string' || answer.link === '') throw new TypeError('no link');
          link = new URL(answer.link, location.href);
          if (link.protocol !== 'https:' && link.protocol !== 'http:') throw new ApiError(200, 'bad_response', 'guise answered a link the console will not follow.');
        } catch (err) {
          if (err instanceof TypeError) err = new ApiError(200, 'bad_response', 'guise answered without a usable link.');
          form.removeAttribute('aria-busy');
          button.disabled = false;
          button.textContent = label;
          report(err, error);
          return;
        }
        const app = select.selectedOptions[0]?.textContent ?? 'the application';
        show(`Opening ${app} as ${name}…`);
        location.assign(link.href);
      });
    }

    return null;
  }

  function copy(value, button) {
    const done = (message) => {
      button.textContent = message;
      say(message);
      setTimeout(() => { button.textContent = 'Copy user ID'; }, 2000);
    };
    if (!navigator.clipboard) {
      done('Copying is not available here');
      return;
    }
    navigator.clipboard.writeText(value).then(() => done('Copied'), () => done('Could not copy'));
  }

  // ---- The audit trail: #/audit?impersonator_id=&user_id=&since=&until=

  // datetime-local values are in the browser's time zone; the API takes
  // unix seconds.  until names a minute and includes all of it.
  function localInput(seconds) {
    const d = new Date(seconds * 1000);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }

  function unixOf(value, endOfMinute) {
    if (!value) return null;
    const ms = new Date(value).getTime();
    if (Number.isNaN(ms)) return NaN;
    return Math.floor(ms / 1000) + (endOfMinute ? 59 : 0);
  }

  function seconds(param) {
    if (param === null || !/^\d{1,12}$/.test(param)) return null;
    return Number(param);
  }

  const OUTCOMES = { allowed: 'ok', ok: 'ok', denied: 'danger', refused: 'danger' };

  function auditView(route, ctx) {
    ctx.root.append(fromTemplate('t-audit'));
    ctx.setTitle('Audit trail');
    const form = $('audit-form');
    const impersonator = $('audit-impersonator');
    const user = $('audit-user');
    const since = $('audit-since');
    const until = $('audit-until');
    const results = $('audit-results');
    let zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone ?? ''; } catch { /* unnamed */ }
    $('audit-zone').textContent = `From and To are in this browser's time zone${zone ? ` (${zone})` : ''}; To includes its whole minute.`;
    let loads = 0;

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const from = unixOf(since.value, false);
      const to = unixOf(until.value, true);
      for (const [el, v] of [[since, from], [until, to]]) {
        if (Number.isNaN(v) || (v === null && el.validity.badInput)) {
          el.setAttribute('aria-invalid', 'true');
          fail(`The ${el === since ? 'From' : 'To'} time is not a complete date and time.`);
          el.focus();
          return;
        }
        el.removeAttribute('aria-invalid');
      }
      if (from !== null && to !== null && from > to) {
        until.setAttribute('aria-invalid', 'true');
        fail('From is after To: no record can be in between.');
        until.focus();
        return;
      }
      go(hashOf('audit', {
        impersonator_id: impersonator.value.trim(), user_id: user.value.trim(), since: from, until: to,
      }));
    });
    $('audit-clear').addEventListener('click', () => {
      form.reset();
      go('#/audit');
      impersonator.focus();
    });

    async function update(r) {
      const p = r.params;
      const filter = {
        impersonator_id: (p.get('impersonator_id') ?? '').trim(),
        user_id: (p.get('user_id') ?? '').trim(),
        since: seconds(p.get('since')),
        until: seconds(p.get('until')),
      };
      impersonator.value = filter.impersonator_id;
      user.value = filter.user_id;
      since.value = filter.since === null ? '' : localInput(filter.since);
      until.value = filter.until === null ? '' : localInput(filter.until);
      const load = ++loads;
      results.setAttribute('aria-busy', 'true');
      $('audit-count').textContent = 'Loading…';
      say('Loading the audit trail…');
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(filter)) if (v !== null && v !== '') query.set(k, String(v));
      const qs = query.toString();
      const [records, apps] = await Promise.allSettled([
        api(`${API}/audit${qs ? `?${qs}` : ''}`, { signal: ctx.signal }),
        applications(),
      ]);
      if (load !== loads || ctx.signal.aborted) return;
      results.setAttribute('aria-busy', 'false');
      if (records.status === 'rejected') {
        $('audit-rows').replaceChildren();
        $('audit-table-wrap').hidden = true;
        $('audit-empty').hidden = true;
        $('audit-truncated').hidden = true;
        $('audit-count').textContent = '';
        report(records.reason);
        return;
      }
      clearStatus();
      const names = new Map();
      if (apps.status === 'fulfilled' && Array.isArray(apps.value)) {
        for (const a of apps.value) if (a?.client_id && a.name) names.set(a.client_id, a.name);
      }
      const list = Array.isArray(records.value?.records) ? records.value.records.slice() : [];
      const when = (x) => { const t = Date.parse(x?.time ?? ''); return Number.isNaN(t) ? 0 : t; };
      list.sort((a, b) => (when(b) - when(a)) || ((b?.seq ?? 0) - (a?.seq ?? 0)));

      $('audit-rows').replaceChildren(...list.map((x) => row([
        ['Time', time(x?.time, true)],
        ['Event', x?.event ? dotted(x.event) : none()],
        ['Outcome', x?.outcome ? badge(String(x.outcome), OUTCOMES[x.outcome] ?? 'neutral') : none(),
          x?.rule ? h('span', { class: 'rule' }, h('span', { class: 'visually-hidden' }, 'rule: '), h('code', null, String(x.rule))) : null],
        ['Impersonator', userLink(x?.impersonator_id)],
        ['Customer', userLink(x?.user_id)],
        ['Application', x?.client_id
          ? (names.has(x.client_id) ? [h('span', { class: 'app-name' }, names.get(x.client_id)), ' ', h('code', { class: 'id subtle' }, x.client_id)] : h('code', { class: 'id' }, String(x.client_id)))
          : none()],
        ['Reason', text(x?.reason)],
        ['IP address', text(x?.ip)],
      ])));
      tableRoles(results.querySelector('table'));
      $('audit-table-wrap').hidden = list.length === 0;
      $('audit-empty').hidden = list.length !== 0;
      const truncated = records.value?.truncated === true;
      $('audit-truncated').hidden = !truncated;
      const summary = list.length === 0 ? 'No records' : plural(list.length, 'record', 'records') + (truncated ? ', the most recent ones' : '');
      $('audit-count').textContent = summary;
      say(`${summary}.`);
    }

    update(route);
    return update;
  }

  // ---- Active impersonations: #/active --------------------------------

  function activeView(route, ctx) {
    ctx.root.append(fromTemplate('t-active'));
    ctx.setTitle('Active impersonations');
    const results = $('active-results');
    let loads = 0;

    async function end(s, button) {
      button.disabled = true;
      button.textContent = 'Ending…';
      say('Ending the impersonation…');
      try {
        await api(`${API}/impersonations/end`, { method: 'POST', form: { csrf: state.session?.csrf ?? '', sid: s.sid }, signal: ctx.signal });
        await update();
        show(`The impersonation of ${s.user_id} has ended.`);
        $('active-title').focus();
      } catch (e) {
        button.disabled = false;
        button.textContent = 'End';
        report(e);
      }
    }

    async function update() {
      const load = ++loads;
      results.setAttribute('aria-busy', 'true');
      $('active-count').textContent = 'Loading…';
      const [list, apps] = await Promise.allSettled([
        api(`${API}/impersonations`, { signal: ctx.signal }),
        applications(),
      ]);
      if (load !== loads || ctx.signal.aborted) return;
      results.setAttribute('aria-busy', 'false');
      if (list.status === 'rejected') {
        $('active-rows').replaceChildren();
        $('active-table-wrap').hidden = true;
        $('active-empty').hidden = true;
        $('active-count').textContent = '';
        report(list.reason);
        return;
      }
      const names = new Map();
      if (apps.status === 'fulfilled' && Array.isArray(apps.value)) {
        for (const a of apps.value) if (a?.client_id && a.name) names.set(a.client_id, a.name);
      }
      const sessions = Array.isArray(list.value) ? list.value : [];
      const me = state.session?.user_id;
      $('active-rows').replaceChildren(...sessions.map((x) => {
        let action = none();
        if (x?.impersonator_id === me && typeof x?.sid === 'string') {
          const button = h('button', { type: 'button', class: 'button button-danger', 'aria-label': `End the impersonation of ${x.user_id}` }, 'End');
          button.addEventListener('click', () => end(x, button));
          action = button;
        }
        return row([
          ['Started', time(x?.started_at, true)],
          ['Impersonator', userLink(x?.impersonator_id)],
          ['Customer', userLink(x?.user_id)],
          ['Application', x?.client_id
            ? (names.has(x.client_id) ? [h('span', { class: 'app-name' }, names.get(x.client_id)), ' ', h('code', { class: 'id subtle' }, x.client_id)] : h('code', { class: 'id' }, String(x.client_id)))
            : none()],
          ['Reason', text(x?.reason)],
          ['Ends by itself', time(x?.expires_at, true)],
          ['Action', action],
        ]);
      }));
      tableRoles(results.querySelector('table'));
      $('active-table-wrap').hidden = sessions.length === 0;
      $('active-empty').hidden = sessions.length !== 0;
      const summary = sessions.length === 0 ? 'None going on' : `${plural(sessions.length, 'impersonation', 'impersonations')} going on`;
      $('active-count').textContent = summary;
      say(`${summary}.`);
    }

    $('active-refresh').addEventListener('click', () => update());
    update();
    return () => update();
  }

  // ---- Approvals: #/approvals ------------------------------------------
  //
  // Four-eyes approval (DESIGN.md section 8): the requests of others that
  // wait for a second person, with Approve and Reject, and this console
  // session's own requests with their status and, once approved, Open.
  // guise decides who may approve (an approver, never the requester): the
  // buttons only ask, and its refusal is shown as any other.

  const APPROVAL_STATUS = {
    pending: ['Waiting for an approver', 'warn'],
    approved: ['Approved', 'ok'],
    rejected: ['Rejected', 'danger'],
    expired: ['Expired', 'neutral'],
  };

  function approvalsView(route, ctx) {
    ctx.root.append(fromTemplate('t-approvals'));
    ctx.setTitle('Approvals');
    const results = $('approvals-results');
    let loads = 0;

    async function decide(x, approve, buttons) {
      for (const b of buttons) b.disabled = true;
      say(approve ? 'Approving…' : 'Rejecting…');
      try {
        await api(`${API}/approvals/decide`, { method: 'POST', form: { csrf: state.session?.csrf ?? '', approval_id: x.approval_id, approve: String(approve) }, signal: ctx.signal });
        await update();
        show(`You ${approve ? 'approved' : 'rejected'} the impersonation of ${x.user_id} by ${x.impersonator_id}.`);
        $('approvals-title').focus();
      } catch (e) {
        for (const b of buttons) b.disabled = false;
        report(e);
      }
    }

    // The link, once: the browser goes along it as Impersonate does.
    async function open(x, button) {
      button.disabled = true;
      button.textContent = 'Asking guise for a link…';
      say('Asking guise for a sign-in link…');
      let link;
      try {
        const answer = await api(`${API}/approvals/open`, { method: 'POST', form: { csrf: state.session?.csrf ?? '', approval_id: x.approval_id }, signal: ctx.signal });
        if (typeof answer?.link !== 'string' || answer.link === '') throw new TypeError('no link');
        link = new URL(answer.link, location.href);
        if (link.protocol !== 'https:' && link.protocol !== 'http:') throw new ApiError(200, 'bad_response', 'guise answered a link the console will not follow.');
      } catch (err) {
        if (err instanceof TypeError) err = new ApiError(200, 'bad_response', 'guise answered without a usable link.');
        report(err);
        // Opened or expired meanwhile: show it as it is now.
        if (!(err instanceof SignedOut) && err?.name !== 'AbortError') update();
        return;
      }
      show(`Opening the application as ${x.user_id}…`);
      location.assign(link.href);
    }

    function action(x, me) {
      if (x?.asked_here === true) {
        if (x.status === 'approved' && x.opened !== true) {
          const button = h('button', { type: 'button', class: 'button button-primary button-small', 'aria-label': `Open the application as ${x.user_id}` }, 'Open');
          button.addEventListener('click', () => open(x, button));
          return button;
        }
        return x.status === 'approved' ? 'Opened' : none();
      }
      if (x?.status !== 'pending' || x.impersonator_id === me) return none();
      const approve = h('button', { type: 'button', class: 'button button-primary button-small', 'aria-label': `Approve the impersonation of ${x.user_id} by ${x.impersonator_id}` }, 'Approve');
      const reject = h('button', { type: 'button', class: 'button button-danger button-small', 'aria-label': `Reject the impersonation of ${x.user_id} by ${x.impersonator_id}` }, 'Reject');
      approve.addEventListener('click', () => decide(x, true, [approve, reject]));
      reject.addEventListener('click', () => decide(x, false, [approve, reject]));
      return h('div', { class: 'row-actions' }, approve, reject);
    }

    async function update() {
      const load = ++loads;
      results.setAttribute('aria-busy', 'true');
      $('approvals-count').textContent = 'Loading…';
      const [list, apps] = await Promise.allSettled([
        api(`${API}/approvals`, { signal: ctx.signal }),
        applications(),
      ]);
      if (load !== loads || ctx.signal.aborted) return;
      results.setAttribute('aria-busy', 'false');
      if (list.status === 'rejected') {
        $('approvals-rows').replaceChildren();
        $('approvals-table-wrap').hidden = true;
        $('approvals-empty').hidden = true;
        $('approvals-count').textContent = '';
        report(list.reason);
        return;
      }
      const names = new Map();
      if (apps.status === 'fulfilled' && Array.isArray(apps.value)) {
        for (const a of apps.value) if (a?.client_id && a.name) names.set(a.client_id, a.name);
      }
      const approvals = Array.isArray(list.value) ? list.value : [];
      const me = state.session?.user_id;
      $('approvals-rows').replaceChildren(...approvals.map((x) => {
        const [label, kind] = x?.status === 'approved' && x.opened === true ? ['Opened', 'neutral']
          : APPROVAL_STATUS[x?.status] ?? [String(x?.status ?? 'unknown'), 'neutral'];
        return row([
          ['Requested', time(x?.requested_at, true)],
          ['Asked by', userLink(x?.impersonator_id)],
          ['Customer', userLink(x?.user_id)],
          ['Application', x?.client_id
            ? (names.has(x.client_id) ? [h('span', { class: 'app-name' }, names.get(x.client_id)), ' ', h('code', { class: 'id subtle' }, x.client_id)] : h('code', { class: 'id' }, String(x.client_id)))
            : none()],
          ['Reason', text(x?.reason)],
          ['Expires', time(x?.expires_at, true)],
          ['Status', badge(label, kind)],
          ['Action', action(x, me)],
        ]);
      }));
      tableRoles(results.querySelector('table'));
      $('approvals-table-wrap').hidden = approvals.length === 0;
      $('approvals-empty').hidden = approvals.length !== 0;
      const waiting = approvals.filter((x) => x?.status === 'pending').length;
      const summary = waiting === 0 ? 'None waiting for an approver' : `${plural(waiting, 'request', 'requests')} waiting for an approver`;
      $('approvals-count').textContent = summary;
      say(`${summary}.`);
    }

    $('approvals-refresh').addEventListener('click', () => update());
    update();
    return () => update();
  }

  function notFoundView(route, ctx) {
    ctx.root.replaceChildren(fromTemplate('t-not-found'));
    ctx.setTitle('Page not found');
    return null;
  }

  // ---- The console's sections, in the order of the navigation --------

  section('users', 'Users', usersView);
  section('active', 'Active impersonations', activeView);
  section('approvals', 'Approvals', approvalsView);
  section('audit', 'Audit trail', auditView);
  page('user', 'users', userView);

  function buildNav() {
    $('nav-list').replaceChildren(...sections.map(({ name, label }) =>
      h('li', null, h('a', { href: `#/${name}`, 'data-section': name }, label))));
  }

  document.addEventListener('DOMContentLoaded', () => {
    buildNav();
    $('skip-link').addEventListener('click', (e) => {
      e.preventDefault();
      focusHeading($('view'));
    });
    $('sign-out').addEventListener('click', signOut);
    window.addEventListener('hashchange', () => render({ focus: true }));
    // Timers wait longer than asked while a computer sleeps: look again
    // when the page is seen.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') idleCheck();
    });
    // Back from the application: a page from the back/forward cache shows
    // again as it was left (an Impersonate button still busy): draw it anew.
    window.addEventListener('pageshow', (e) => {
      if (e.persisted && state.session) {
        state.view = null;
        render({ focus: false });
      }
    });
    start();
  });
})();
