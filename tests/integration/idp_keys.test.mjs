// guisectl idp-keys against real servers: a real OpenID provider
// (oidc-provider) over https with the run's certificate and over http on
// 127.0.0.1, whose JWKS must land in idp.jwks_file as the provider
// serves it, mode 0644; then every refusal, each with its one line and
// the old file untouched: another issuer, a certificate from another CA,
// http off loopback (the issuer and the jwks_uri), a private key in the
// set, a body over the limit, a server that never answers, a redirect,
// a non-200 status, a body that is not JSON.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps, request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer as createNet } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Provider from 'oidc-provider';

import { build, freePort, makeConfig } from './lib/daemon.mjs';

const tmp = mkdtempSync(join(tmpdir(), 'guise-idp-'));
const OLD = '{"keys":[]}\n';	// what each refusal must leave as it was

// A certificate for 127.0.0.1: the run's (tests/run), or one of our own.
function selfSigned(name, san = 'IP:127.0.0.1') {
  const key = join(tmp, `${name}-key.pem`);
  const cert = join(tmp, `${name}-cert.pem`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt',
    'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert,
    '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', `subjectAltName=${san}`],
  { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  return { key, cert };
}
const tls = process.env.GUISE_TLS_CERT
  ? { key: process.env.GUISE_TLS_KEY, cert: process.env.GUISE_TLS_CERT }
  : selfSigned('run');
const other = selfSigned('other');	// signs nothing the provider serves
const named = selfSigned('named', 'DNS:localhost');	// not for 127.0.0.1

// The provider's signing keys, one of each kind guise verifies.
function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  return [{ ...rsa, kid: 'idp-rsa', alg: 'RS256', use: 'sig' },
    { ...ec, kid: 'idp-ec', alg: 'ES256', use: 'sig' }];
}

// A real provider on 127.0.0.1: https with the run's certificate, or http.
async function startProvider({ secure, slash = true, cert = tls }) {
  const port = await freePort();
  const base = `${secure ? 'https' : 'http'}://127.0.0.1:${port}`;
  const issuer = slash ? `${base}/` : base;
  const provider = new Provider(issuer, {
    jwks: { keys: signingKeys() },
    clients: [],
    features: { devInteractions: { enabled: false } },
  });
  const server = secure
    ? createHttps({ key: readFileSync(cert.key), cert: readFileSync(cert.cert) }, provider.callback())
    : createHttp(provider.callback());
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { issuer, base, port, server };
}

// A small server of our own: handler(req, res, base) answers everything.
async function fakeServer(handler) {
  const server = createHttp((req, res) => handler(req, res, `http://127.0.0.1:${server.address().port}`));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, base: `http://127.0.0.1:${server.address().port}` };
}

function json(res, body, type = 'application/json') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

// A discovery document naming base/ as issuer, jwks served by jwks().
function fakeProvider(jwks, { jwksUri } = {}) {
  return fakeServer((req, res, base) => {
    if (req.url === '/.well-known/openid-configuration')
      return json(res, { issuer: `${base}/`, authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`, jwks_uri: jwksUri ?? `${base}/jwks` });
    if (req.url === '/jwks') return jwks(req, res);
    res.writeHead(404).end();
  });
}

function get(url, ca) {
  const req = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((ok, fail) => {
    req(url, { ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (s) => { text += s; });
      res.on('end', () => ok(text));
    }).on('error', fail).end();
  });
}

// A configuration whose console.idp is idp; returns its folder and files.
async function config(idp) {
  const cfg = await makeConfig({
    mutate: (c) => {
      c.console = { idp: { client_id: 'guise-console', auth: 'private_key_jwt', match: 'email', jwks_file: 'idp.jwks', ...idp } };
    },
  });
  const jwks = join(cfg.dir, 'idp.jwks');
  writeFileSync(jwks, OLD, { mode: 0o644 });
  return { ...cfg, file: join(cfg.dir, 'guise.json'), jwks };
}

// guisectl idp-keys, not blocking the loop the servers answer from.
function idpKeys(args) {
  const started = Date.now();
  return new Promise((ok) => {
    const p = spawn(join(build, 'guisectl'), ['idp-keys', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (s) => { stdout += s; });
    p.stderr.on('data', (s) => { stderr += s; });
    p.on('close', (status) => ok({ status, stdout, stderr, ms: Date.now() - started }));
  });
}

const servers = [];
const dirs = [];
after(() => {
  for (const s of servers) { s.closeAllConnections?.(); s.close(); }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

async function fetched(idp, provider) {
  const cfg = await config(idp);
  dirs.push(cfg.dir);
  const r = await idpKeys(['-f', cfg.file]);
  assert.equal(r.status, 0, r.stderr);
  const served = JSON.parse(await get(`${provider.base}/jwks`, readFileSync(tls.cert)));
  const written = JSON.parse(readFileSync(cfg.jwks, 'utf8'));
  assert.deepEqual(written, served);
  assert.deepEqual(written.keys.map((k) => k.kid), ['idp-rsa', 'idp-ec']);
  assert.ok(written.keys.every((k) => k.d === undefined));
  assert.equal(statSync(cfg.jwks).mode & 0o7777, 0o644);
  assert.match(r.stdout, /idp\.jwks: 2 keys from .*\/jwks: idp-rsa idp-ec\n$/);
  return { cfg, r };
}

test('over https with ca_file: the provider\'s JWKS, as served, mode 0644', async () => {
  const p = await startProvider({ secure: true });
  servers.push(p.server);
  await fetched({ issuer: p.issuer, ca_file: tls.cert }, p);
});

test('over http on 127.0.0.1, and -o writes elsewhere', async () => {
  const p = await startProvider({ secure: false });
  servers.push(p.server);
  const { cfg } = await fetched({ issuer: p.issuer }, p);
  const out = join(cfg.dir, 'elsewhere.jwks');
  const r = await idpKeys(['-f', cfg.file, '-o', out]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(readFileSync(cfg.jwks, 'utf8')));
  assert.equal(statSync(out).mode & 0o7777, 0o644);
});

// A refusal: non-zero, one line on stderr matching re, the old file kept.
async function refused(idp, re, { args = [] } = {}) {
  const cfg = await config(idp);
  dirs.push(cfg.dir);
  const r = await idpKeys(['-f', cfg.file, ...args]);
  assert.notEqual(r.status, 0, r.stdout);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, re);
  assert.equal(readFileSync(cfg.jwks, 'utf8'), OLD);
  assert.equal(statSync(cfg.jwks).mode & 0o7777, 0o644);
  console.log(r.stderr.trim());
  return r;
}

test('an issuer not byte for byte the configured one is refused', async () => {
  // The provider's issuer has no trailing slash; guise's always has one.
  const p = await startProvider({ secure: false, slash: false });
  servers.push(p.server);
  await refused({ issuer: `${p.issuer}/` },
    /discovery http:\/\/127\.0\.0\.1:\d+\/\.well-known\/openid-configuration: issuer "http:\/\/127\.0\.0\.1:\d+" is not console\.idp\.issuer "http:\/\/127\.0\.0\.1:\d+\/"; refused/);
});

test('a certificate not signed by ca_file is refused', async () => {
  const p = await startProvider({ secure: true });
  servers.push(p.server);
  await refused({ issuer: p.issuer, ca_file: other.cert },
    /discovery https:.*: TLS: certificate verify failed: (self-signed certificate|unable to get local issuer certificate)/);
});

test('a certificate from ca_file for another name than the URL\'s host is refused', async () => {
  const p = await startProvider({ secure: true, cert: named });
  servers.push(p.server);
  await refused({ issuer: p.issuer, ca_file: named.cert }, /TLS: certificate verify failed: IP address mismatch/);
});

test('an https provider is refused without the CA that signs it (the system\'s CAs do not)', async () => {
  const p = await startProvider({ secure: true });
  servers.push(p.server);
  await refused({ issuer: p.issuer }, /TLS: certificate verify failed/);
});

test('an http issuer off loopback is refused by the configuration', async () => {
  await refused({ issuer: 'http://login.example.com/' }, /console\.idp\.issuer: .* must be https:\/\//);
});

test('an http jwks_uri off loopback is refused, and not fetched', async () => {
  const f = await fakeProvider((req, res) => json(res, { keys: [] }), { jwksUri: 'http://192.0.2.1/jwks' });
  servers.push(f.server);
  // Refused with the discovery document, which names it: never fetched.
  await refused({ issuer: `${f.base}/` }, /discovery .*: jwks_uri: must be https:\/\/ \(http:\/\/ only on 127\.0\.0\.0\/8, ::1 or localhost\); refused/);
});

test('a JWKS with a private key is refused whole', async () => {
  const keys = signingKeys();
  const pub = keys.map(({ d, p, q, dp, dq, qi, ...k }) => k);
  pub[1] = keys[1];	// the EC key with its "d"
  const f = await fakeProvider((req, res) => json(res, { keys: pub }, 'application/jwk-set+json'));
  servers.push(f.server);
  await refused({ issuer: `${f.base}/` }, /keys\[1\]\.d: a private key member; .* the whole set is refused; .*idp\.jwks not changed/);
});

test('a JWKS with a weak RSA key, or an encryption key, is refused whole', async () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
  const [rsa, ec] = signingKeys().map(({ d, p, q, dp, dq, qi, ...k }) => k);
  let keys = [rsa, { ...weak, kid: 'weak' }];
  const f = await fakeProvider((req, res) => json(res, { keys }));
  servers.push(f.server);
  await refused({ issuer: `${f.base}/` }, /keys\[1\]\.n: an RSA key of 1024 bits; 2048 at least/);
  keys = [rsa, { ...ec, use: 'enc' }];
  await refused({ issuer: `${f.base}/` }, /keys\[1\]\.use: "enc": only "sig"/);
});

test('a body over 256 KiB is refused', async () => {
  const big = JSON.stringify({ keys: [], pad: 'x'.repeat(300 * 1024) });
  const f = await fakeProvider((req, res) => json(res, big));
  servers.push(f.server);
  await refused({ issuer: `${f.base}/` }, /jwks_uri .*: body over 262144 bytes/);
  // The same without a length: chunked, cut off as it comes.
  const g = await fakeProvider((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < 300; i++) res.write('x'.repeat(1024));
    res.end();
  });
  servers.push(g.server);
  await refused({ issuer: `${g.base}/` }, /jwks_uri .*: body over 262144 bytes/);
});

test('a valid set the signer could not read whole (64 KiB or more) is refused, not written', async () => {
  const keys = signingKeys().map(({ d, p, q, dp, dq, qi, ...k }) => k);
  const big = JSON.stringify({ keys, pad: 'x'.repeat(65 * 1024) });
  const f = await fakeProvider((req, res) => json(res, big));
  servers.push(f.server);
  await refused({ issuer: `${f.base}/` }, /jwks_uri http:\/\/127\.0\.0\.1:\d+\/jwks: \d+ bytes; the signer reads under 65536/);
});

test('an https issuer\'s jwks_uri must be https too, even on loopback', async () => {
  const plain = await fakeProvider((req, res) => json(res, { keys: signingKeys().map(({ d, p, q, dp, dq, qi, ...k }) => k) }));
  servers.push(plain.server);
  // An https discovery document of our own that names the plain keys.
  const server = createHttps({ key: readFileSync(tls.key), cert: readFileSync(tls.cert) }, (req, res) => {
    const issuer = `https://127.0.0.1:${server.address().port}/`;
    if (req.url === '/.well-known/openid-configuration') {
      return json(res, { issuer, authorization_endpoint: `${issuer}auth`, token_endpoint: `${issuer}token`, jwks_uri: `${plain.base}/jwks` });
    }
    res.writeHead(404).end();
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  servers.push(server);
  await refused({ issuer: `https://127.0.0.1:${server.address().port}/`, ca_file: tls.cert },
    /discovery .*: jwks_uri: not https:\/\/ where the issuer is; refused/);
});

test('a server that accepts and never answers: timed out after 10 s', async () => {
  const sockets = [];
  const silent = createNet((s) => { sockets.push(s); });
  await new Promise((ok) => silent.listen(0, '127.0.0.1', ok));
  try {
    const r = await refused({ issuer: `http://127.0.0.1:${silent.address().port}/` },
      /discovery .*: timed out after 10 s/);
    assert.ok(r.ms >= 9500 && r.ms < 14000, `took ${r.ms} ms`);
    console.log(`the silent server: refused after ${r.ms} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('a redirect is not followed', async () => {
  const p = await startProvider({ secure: false });
  servers.push(p.server);
  const f = await fakeServer((req, res) => {
    res.writeHead(302, { location: `${p.base}${req.url}` }).end();
  });
  servers.push(f.server);
  await refused({ issuer: `${f.base}/` }, /discovery .*: status 302 \(redirects are not followed\)/);
});

test('a status other than 200 is refused', async () => {
  const f = await fakeProvider((req, res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{}'));
  servers.push(f.server);
  await refused({ issuer: `${f.base}/` }, /jwks_uri .*: status 500/);
});

test('a body that is not JSON by its Content-Type is refused', async () => {
  const f = await fakeProvider((req, res) => json(res, '{"keys":[]}', 'text/html'));
  servers.push(f.server);
  await refused({ issuer: `${f.base}/` }, /jwks_uri .*: Content-Type "text\/html" is not JSON/);
});

test('nothing listening: the connection is named', async () => {
  const port = await freePort();
  await refused({ issuer: `http://127.0.0.1:${port}/` }, new RegExp(`connect to 127\\.0\\.0\\.1 port ${port}`));
});

test('a configuration without console.idp is refused', async () => {
  const cfg = await makeConfig();
  dirs.push(cfg.dir);
  const r = await idpKeys(['-f', join(cfg.dir, 'guise.json')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no console\.idp/);
});
