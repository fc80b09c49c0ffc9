// Makes the fixed public JWKS of fuzz_bearer (fuzz_bearer_jwks.h) and the
// tokens of its seed corpus, and those of fuzz_idp_token (the console's
// provider's id_tokens, on the same keys), signed with throwaway keys that
// never leave this process: no private key is written anywhere.  Run it
// again and all of them change together.
//   node tests/fuzz/mkbearer.mjs   (from the top of the tree)
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';

const NOW = 1800000000;		// FUZZ_BEARER_NOW in fuzz_bearer.c
const ISS = 'https://id.example/';
const AUD = 'https://id.example/api/v2/';
const dir = 'tests/fuzz/corpus/fuzz_bearer';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecJwk = ec.publicKey.export({ format: 'jwk' });
const rsaJwk = rsa.publicKey.export({ format: 'jwk' });
const jwks = { keys: [
	{ kty: 'EC', crv: 'P-256', x: ecJwk.x, y: ecJwk.y, kid: 'fuzz-ec',
	  alg: 'ES256', use: 'sig' },
	{ kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e, kid: 'fuzz-rsa', alg: 'RS256',
	  use: 'sig' },
] };

const b64 = (x) => Buffer.from(x).toString('base64url');
const part = (o) => b64(typeof o === 'string' ? o : JSON.stringify(o));

function token(header, claims, how = 'sign') {
	const input = `${part(header)}.${part(claims)}`;
	let sig = '';
	if (how === 'sign') {
		const key = header.kid === 'fuzz-rsa' ? rsa.privateKey : ec.privateKey;
		const opts = header.kid === 'fuzz-rsa' ? { key } :
		    { key, dsaEncoding: 'ieee-p1363' };
		sig = sign('sha256', Buffer.from(input), opts).toString('base64url');
	} else if (how === 'junk')
		sig = b64(Buffer.alloc(64, 7));
	return `${input}.${sig}`;
}

const es = { alg: 'ES256', typ: 'at+jwt', kid: 'fuzz-ec' };
const rs = { alg: 'RS256', typ: 'at+jwt', kid: 'fuzz-rsa' };
const base = { iss: ISS, sub: 'auth0|alice', aud: AUD, iat: NOW - 60,
	exp: NOW + 3600, jti: 'jti-1', client_id: 'backoffice',
	scope: 'read:users impersonate:users' };
const tokens = {
	'es-valid': token(es, base),
	'rs-valid': token(rs, base),
	'es-act': token(es, { ...base, act: { sub: 'auth0|support-1' } }),
	'es-act-nosub': token(es, { ...base, act: {} }),
	'es-aud-array': token(es, { ...base, aud: ['x', AUD] }),
	'es-aud-other': token(es, { ...base, aud: [1, 'x'] }),
	'es-expired': token(es, { ...base, exp: NOW }),
	'es-exp-string': token(es, { ...base, exp: String(NOW + 10) }),
	'es-nbf-future': token(es, { ...base, nbf: NOW + 1 }),
	'es-nbf-past': token(es, { ...base, nbf: NOW - 1 }),
	'es-wrong-iss': token(es, { ...base, iss: 'https://evil.example/' }),
	'es-no-sub': token(es, { ...base, sub: undefined }),
	'es-no-scope': token(es, { ...base, scope: undefined }),
	'es-long-sub': token(es, { ...base, sub: 'x'.repeat(257) }),
	'es-claims-array': token(es, [1, 2]),
	'rs-typ-long': token({ ...rs, typ: 'Application/AT+JWT' }, base),
	'es-typ-jwt': token({ ...es, typ: 'JWT' }, base),
	'es-crit': token({ ...es, crit: ['exp'] }, base),
	'alg-none': token({ alg: 'none', typ: 'at+jwt', kid: 'fuzz-ec' }, base,
	    'none'),
	'alg-mismatch': token({ ...rs, kid: 'fuzz-ec' }, base, 'junk'),
	'hs256-on-rsa': token({ alg: 'HS256', typ: 'at+jwt', kid: 'fuzz-rsa' },
	    base, 'junk'),
	'kid-unknown': token({ ...es, kid: 'nope' }, base, 'junk'),
	'es-bad-sig': token(es, base, 'junk'),
	'header-dup': `${b64('{"alg":"ES256","alg":"ES256"}')}.${part(base)}.` +
	    b64(Buffer.alloc(64)),
	'two-parts': `${part(es)}.${part(base)}`,
	'four-parts': `${part(es)}.${part(base)}.a.b`,
	'bad-base64': 'e30=.e30.e30',
	'empty-parts': '..',
};
mkdirSync(dir, { recursive: true });
for (const [name, t] of Object.entries(tokens))
	writeFileSync(`${dir}/${name}`, t);

// fuzz_idp_token: its issuer, client and nonce (fuzz_idp_token.c).
const idpDir = 'tests/fuzz/corpus/fuzz_idp_token';
const idp = { iss: ISS, aud: 'fuzz-console', sub: 'provider|sam',
	email: 'sam@example.com', email_verified: true, nonce: 'fuzz-nonce',
	iat: NOW - 5, exp: NOW + 300 };
const idpTokens = {
	'es-valid': token({ alg: 'ES256', kid: 'fuzz-ec' }, idp),
	'rs-valid-jwt': token({ alg: 'RS256', kid: 'fuzz-rsa', typ: 'JWT' }, idp),
	'es-aud-azp': token({ alg: 'ES256', kid: 'fuzz-ec' },
	    { ...idp, aud: ['fuzz-console', 'other'], azp: 'fuzz-console' }),
	'es-aud-no-azp': token({ alg: 'ES256', kid: 'fuzz-ec' },
	    { ...idp, aud: ['fuzz-console', 'other'] }),
	'es-unverified': token({ alg: 'ES256', kid: 'fuzz-ec' },
	    { ...idp, email_verified: false }),
	'es-no-email': token({ alg: 'ES256', kid: 'fuzz-ec' },
	    { ...idp, email: undefined, email_verified: undefined }),
	'es-other-nonce': token({ alg: 'ES256', kid: 'fuzz-ec' },
	    { ...idp, nonce: 'another' }),
	'es-iat-future': token({ alg: 'ES256', kid: 'fuzz-ec' },
	    { ...idp, iat: NOW + 3600 }),
	'es-nbf': token({ alg: 'ES256', kid: 'fuzz-ec' }, { ...idp, nbf: NOW }),
	'es-expired': token({ alg: 'ES256', kid: 'fuzz-ec' },
	    { ...idp, exp: NOW }),
	'es-at-jwt': token({ alg: 'ES256', kid: 'fuzz-ec', typ: 'at+jwt' }, idp),
	'es-bad-sig': token({ alg: 'ES256', kid: 'fuzz-ec' }, idp, 'junk'),
	'alg-none': token({ alg: 'none', kid: 'fuzz-ec' }, idp, 'none'),
	'empty-parts': '..',
};
mkdirSync(idpDir, { recursive: true });
for (const [name, t] of Object.entries(idpTokens))
	writeFileSync(`${idpDir}/${name}`, t);

const text = JSON.stringify(jwks);
writeFileSync('tests/fuzz/fuzz_bearer_jwks.h',
    '/* Made by tests/fuzz/mkbearer.mjs: public keys only. */\n' +
    'static const char fuzz_jwks[] =\n' +
    text.match(/.{1,64}/g).map((l) => `    "${l.replace(/"/g, '\\"')}"`)
    .join('\n') + ';\n');
