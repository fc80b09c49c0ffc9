// The single-page application's web server: nothing but static files, as a
// CDN would serve them.  The pages in spa/, oidc-client-ts's browser bundle
// from node_modules (no CDN), and /config.json (the issuer and client_id the
// pages are built with).  The SPA's origin, http://127.0.0.1:PORT, is not
// guise's, so every call the library makes to guise is a CORS request.
//
//   environment: PORT, ISSUER, CLIENT_ID.  Prints "listening" once it
//   accepts connections.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const port = Number(process.env.PORT);
const here = import.meta.dirname;
const files = {
  '/': join(here, 'spa/index.html'),
  '/index.html': join(here, 'spa/index.html'),
  '/login.html': join(here, 'spa/login.html'),
  '/callback.html': join(here, 'spa/callback.html'),
  '/spa.js': join(here, 'spa/spa.js'),
  '/oidc-client-ts.js': join(here, '../../node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js'),
};
const config = JSON.stringify({ authority: process.env.ISSUER, client_id: process.env.CLIENT_ID });

createServer((req, res) => {
  const path = new URL(req.url, 'http://x').pathname;
  if (path === '/config.json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(config);
  }
  const file = files[path];
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain' });
    return res.end('not found');
  }
  res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html; charset=utf-8' });
  res.end(readFileSync(file));
}).listen(port, '127.0.0.1', () => console.log('listening'));
