// make bench: the peer reference.  panva's oidc-provider issuing
// client_credentials JWT access tokens, the same job guised does for
// POST /oauth/token, so the benchmark can put guise beside a widely used
// implementation on the same machine.
//	node tests/bench/oidc_provider.mjs PORT ALG
// ALG is ES256 or RS256.  Listens on http://127.0.0.1:PORT; the token
// endpoint is POST /token.  Prints "ready" on stdout once listening, and
// nothing else there (oidc-provider's warnings go to stderr); SIGTERM or
// SIGINT stops it.
//
// The client "bench" authenticates with client_secret_post or
// client_secret_basic (oidc-provider 9 takes either for a client registered
// with one of them).  Its one resource server is http://127.0.0.1:PORT/api/v2/
// and it is also the default resource, so a body without "resource" gets the
// same token; "audience", an Auth0 parameter, is ignored.

import { generateKeyPairSync } from 'node:crypto';

import Provider, { errors } from 'oidc-provider';

import { serve } from '../../examples/lib/serve.mjs';

const CLIENT_ID = 'bench';
const CLIENT_SECRET = 'bench-secret-0123456789abcdef0123456789';
const SCOPE = 'read:users impersonate:users';

const [portArg, alg] = process.argv.slice(2);
const port = Number(portArg);
if (!Number.isInteger(port) || port < 1 || port > 65535 ||
    !['ES256', 'RS256'].includes(alg)) {
  console.error('usage: node oidc_provider.mjs PORT ES256|RS256');
  process.exit(2);
}

const issuer = `http://127.0.0.1:${port}`;
const resource = `${issuer}/api/v2/`;

// A fresh key each start: the benchmark verifies nothing across runs.
// RSA at 2048 bits, guisectl keygen's default, so both sign alike.
function signingKey() {
  const { privateKey } = alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `bench-${alg}`,
    alg, use: 'sig' };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    // Client metadata is checked against the keys: with one key, the
    // default RS256 would not validate under ES256.
    id_token_signed_response_alg: alg,
  }],
  jwks: { keys: [signingKey()] },
  // guised's token_ttl in etc/guise.json; a number, not the default
  // function, which prints a notice on stdout at the first token.
  ttl: { ClientCredentials: 3600 },
  features: {
    // No login pages: this provider only ever serves the token endpoint.
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => resource,
      getResourceServerInfo: async (ctx, indicator) => {
        if (indicator !== resource)
          throw new errors.InvalidTarget();
        return {
          scope: SCOPE,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg } },
        };
      },
    },
  },
});

// Keep-alive connections from the load generator are closed on SIGTERM.
serve(provider, { port, name: 'oidc_provider', ready: () => process.stdout.write('ready\n') });
