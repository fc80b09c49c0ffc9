// The support console's pages (daemon/console/), read as files: what the
// Content-Security-Policy they are served with ("default-src 'self';
// frame-ancestors 'none'") would refuse is not in them, user data is never
// written as markup, and the page keeps its promises to keyboard and
// screen reader users (a label for every control, a <main>, a live region).
// The same pages are driven in a real browser against the real daemon by
// the console's end-to-end tests; this one needs neither.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { top } from './lib/daemon.mjs';

const dir = join(top, 'daemon', 'console');
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const js = readFileSync(join(dir, 'console.js'), 'utf8');
const css = readFileSync(join(dir, 'console.css'), 'utf8');

// The markup without its comments, and its start tags with their attributes.
const markup = html.replace(/<!--[\s\S]*?-->/g, '');
const attrRe = /([^\s=>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;
const tags = [...markup.matchAll(/<([a-zA-Z][\w-]*)((?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>/g)]
  .map(([whole, name, rest]) => ({
    whole,
    name: name.toLowerCase(),
    attrs: new Map([...rest.matchAll(attrRe)].map(([, k, a, b, c]) => [k.toLowerCase(), a ?? b ?? c ?? ''])),
  }));
const ids = tags.filter((t) => t.attrs.has('id')).map((t) => t.attrs.get('id'));

test('index.html has no inline script, handler, style or javascript:/data: URL, and loads nothing from elsewhere', () => {
  const scripts = [...markup.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.ok(scripts.length >= 1, 'console.js is loaded');
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /\bsrc="\/console\/[\w.-]+\.js"/, `a script from the console's own files: <script${attrs}>`);
    assert.equal(body.trim(), '', 'no inline script');
  }
  assert.doesNotMatch(markup, /<style\b/i, 'no <style> element');
  for (const t of tags) {
    for (const [k, v] of t.attrs) {
      assert.ok(!/^on/.test(k), `no event handler attribute: ${t.whole}`);
      assert.notEqual(k, 'style', `no style attribute: ${t.whole}`);
      assert.doesNotMatch(v, /^\s*(javascript|data|vbscript):/i, `no javascript: or data: URL: ${t.whole}`);
      if (['src', 'href', 'action', 'srcset', 'poster', 'formaction'].includes(k)) {
        assert.doesNotMatch(v, /^\s*(https?:)?\/\//i, `nothing from another origin: ${t.whole}`);
      }
    }
  }
  assert.ok(tags.some((t) => t.name === 'link' && t.attrs.get('rel') === 'stylesheet'
    && t.attrs.get('href') === '/console/console.css'), 'console.css is linked');
});

test('console.js builds the page without markup strings, eval or inline style', () => {
  for (const [what, re] of [
    ['innerHTML', /\binnerHTML\b/],
    ['outerHTML', /\bouterHTML\b/],
    ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
    ['document.write', /\bdocument\s*\.\s*write(ln)?\b/],
    ['eval', /\beval\s*\(/],
    ['new Function', /\bnew\s+Function\b/],
    ['Function(...)', /(^|[^\w.])Function\s*\(/m],
    ['a string given to setTimeout or setInterval', /\bset(Timeout|Interval)\s*\(\s*['"`]/],
    ['a style attribute', /setAttribute\s*\(\s*['"`]style['"`]/],
    ['style.cssText', /\.cssText\b/],
    ['a javascript: URL', /javascript:/i],
    ['a data: URL', /['"`]data:/i],
    ['createContextualFragment', /\bcreateContextualFragment\b/],
    ['DOMParser', /\bDOMParser\b/],
    ['srcdoc', /\bsrcdoc\b/],
    ['an import from elsewhere', /\bimport\s*\(|^\s*import\s/m],
  ]) {
    assert.doesNotMatch(js, re, `console.js uses no ${what}`);
  }
  assert.match(js, /^'use strict';$/m);
});

test('console.js asks only its own origin, with the session\'s cookie and no cache, through one function', () => {
  const fetches = [...js.matchAll(/\bfetch\s*\(/g)];
  assert.equal(fetches.length, 1, 'one fetch, in api()');
  assert.match(js, /credentials:\s*'same-origin'/);
  assert.match(js, /cache:\s*'no-store'/);
  assert.match(js, /status === 401/, 'a 401 is handled where every request goes');
  assert.doesNotMatch(js, /['"`]https?:\/\//, 'no absolute URL');
  assert.doesNotMatch(js, /\bXMLHttpRequest\b|\bWebSocket\b|\bEventSource\b|sendBeacon/);
});

test('console.css loads no font, image or style from elsewhere, and no data: URL', () => {
  assert.doesNotMatch(css, /@import\b/);
  assert.doesNotMatch(css, /@font-face\b/);
  assert.doesNotMatch(css, /url\s*\(/i, 'no url() at all');
  assert.doesNotMatch(css, /expression\s*\(/i);
});

test('every input, select and textarea in index.html has a label', () => {
  const controls = tags.filter((t) => ['input', 'select', 'textarea'].includes(t.name)
    && !['hidden', 'submit', 'button', 'reset', 'image'].includes(t.attrs.get('type')));
  assert.ok(controls.length >= 6, 'the search, impersonate and audit forms are in index.html');
  const fors = new Set(tags.filter((t) => t.name === 'label' && t.attrs.has('for')).map((t) => t.attrs.get('for')));
  for (const c of controls) {
    const id = c.attrs.get('id');
    const labelled = (id && fors.has(id)) || c.attrs.has('aria-label')
      || (c.attrs.get('aria-labelledby') ?? '').split(/\s+/).some((i) => ids.includes(i));
    assert.ok(labelled, `a label for ${c.whole}`);
  }
  for (const f of fors) assert.ok(ids.includes(f), `<label for="${f}"> names an element`);
});

test('index.html has a language, a <main>, a live region, table headers and captions', () => {
  assert.match(markup, /<html lang="[a-z]{2}/);
  assert.match(markup, /<meta name="viewport" content="width=device-width, initial-scale=1">/);
  assert.equal(tags.filter((t) => t.name === 'main').length, 1, 'one <main>');
  assert.ok(tags.some((t) => ['polite', 'assertive'].includes(t.attrs.get('aria-live'))), 'an aria-live region');
  assert.ok(tags.some((t) => t.name === 'nav' && t.attrs.has('aria-label')), 'a labelled navigation');
  assert.ok(tags.some((t) => t.name === 'header'), 'a header');
  const tables = [...markup.matchAll(/<table\b[\s\S]*?<\/table>/g)].map(([t]) => t);
  assert.ok(tables.length >= 3);
  for (const t of tables) {
    assert.match(t, /<caption\b/, 'a caption');
    assert.match(t, /<th scope="col">/, 'column headers');
  }
  for (const t of tags.filter((x) => x.name === 'button')) {
    assert.ok(t.attrs.has('type'), `a button says its type: ${t.whole}`);
  }
});

test('ids are unique and every id that console.js or an aria attribute names is there', () => {
  const seen = new Set();
  for (const id of ids) {
    assert.ok(!seen.has(id), `id "${id}" once`);
    seen.add(id);
  }
  for (const t of tags) {
    for (const k of ['aria-describedby', 'aria-labelledby', 'aria-controls']) {
      for (const i of (t.attrs.get(k) ?? '').split(/\s+/).filter(Boolean)) {
        assert.ok(ids.includes(i), `${k}="${i}" names an element: ${t.whole}`);
      }
    }
  }
  for (const [, id] of js.matchAll(/\$\('([\w-]+)'\)/g)) assert.ok(ids.includes(id), `$('${id}') is in index.html`);
  for (const [, id] of js.matchAll(/fromTemplate\('([\w-]+)'\)/g)) {
    assert.ok(tags.some((t) => t.name === 'template' && t.attrs.get('id') === id), `<template id="${id}">`);
  }
  const dataFields = new Set(tags.filter((t) => t.attrs.has('data-field')).map((t) => t.attrs.get('data-field')));
  for (const name of [...js.matchAll(/\bf(?:\.([a-z]\w*)|\['([\w-]+)'\])/g)].map((m) => m[1] ?? m[2])) {
    assert.ok(dataFields.has(name), `data-field="${name}" is in index.html`);
  }
});

test('the sections of the navigation are one list in console.js, Approvals among them with its page', () => {
  const sections = [...js.matchAll(/^\s*section\('([\w-]+)', '([^']+)', (\w+)\);/gm)].map((m) => [m[1], m[2], m[3]]);
  assert.deepEqual(sections.map(([name]) => name), ['users', 'active', 'approvals', 'audit']);
  assert.deepEqual(sections[2], ['approvals', 'Approvals', 'approvalsView']);
  assert.match(js, /function approvalsView\(/);
  assert.ok(tags.some((t) => t.name === 'template' && t.attrs.get('id') === 't-approvals'), 'its <template>');
  assert.match(markup, /<h1 id="approvals-title" tabindex="-1">Approvals<\/h1>/);
  // Approve, Reject and Open ask guise through api(), with the CSRF token.
  for (const name of ['approvals/decide', 'approvals/open']) {
    assert.match(js, new RegExp(`api\\(\`\\$\\{API\\}/${name}\`, \\{ method: 'POST', form: \\{ csrf: state\\.session\\?\\.csrf`), name);
  }
  // The profile says when a request waits for an approver.
  assert.ok(tags.some((t) => t.attrs.get('data-field') === 'approval-pending' && t.attrs.has('hidden')));
});
