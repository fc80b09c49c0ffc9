// OpenID Connect Back-Channel Logout 1.0, as the shop receives it: guise
// POSTs a logout token when an impersonation session ends (its DELETE at
// the Management API, its expiry, the impersonator's console sign-out),
// and the shop signs that session out.  The token is validated as the
// specification's section 2.6 says, with jose and guise's JWKS:
//
//   2. its signature, by a key of the JWKS, with the algorithm the shop
//      registered for its id_tokens (never "none"), and typ logout+jwt;
//   3. iss exactly guise's issuer, aud the shop's client_id, iat present
//      and not in the future, exp not past;
//   4. a sub or a sid claim (guise sends both);
//   5. events holding the member
//      http://schemas.openid.net/event/backchannel-logout, an object;
//   6. no nonce;
//   7. a jti not seen before (a replay changes nothing and is refused).
//
// The shop's sessions are cookies (express-openid-connect), which a
// server cannot delete: the ended sids are kept, and a request whose
// session carries one is signed out (isEnded).  Answers: 200 with
// Cache-Control: no-store, or 400 {"error": "invalid_request",
// "error_description"} (section 2.8).
import express from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const KEEP_MS = 24 * 3600 * 1000;	// longer than any session guise makes
const REMEMBERED_MAX = 100000;

export function backchannelLogout({ issuer, clientId, alg = 'RS256', log = console.log }) {
  const ended = new Map();	// sid -> when it may be forgotten
  const seen = new Map();	// jti -> when it may be forgotten
  let jwks;

  function remember(map, key, now) {
    for (const [k, until] of map) {
      if (until > now && map.size < REMEMBERED_MAX) break;
      map.delete(k);
    }
    map.set(key, now + KEEP_MS);
  }

  async function keys() {
    if (!jwks) {
      const r = await fetch(new URL('.well-known/openid-configuration', issuer));
      if (!r.ok) throw new Error(`discovery: ${r.status}`);
      jwks = createRemoteJWKSet(new URL((await r.json()).jwks_uri));
    }
    return jwks;
  }

  // Every rule of section 2.6 but the first (no encryption): the claims,
  // or an Error saying which rule failed.
  async function validate(token) {
    const { payload } = await jwtVerify(token, await keys(), {
      issuer, audience: clientId, algorithms: [alg], typ: 'logout+jwt',
      requiredClaims: ['iat', 'exp', 'jti'],
    });
    if (payload.iat > Math.floor(Date.now() / 1000) + 60) throw new Error('iat is in the future');
    if (typeof payload.sub !== 'string' && typeof payload.sid !== 'string') throw new Error('neither sub nor sid');
    const ev = payload.events?.[EVENT];
    if (typeof ev !== 'object' || ev === null || Array.isArray(ev)) throw new Error('no back-channel logout event');
    if ('nonce' in payload) throw new Error('a logout token has no nonce');
    if (seen.has(payload.jti)) throw new Error('this logout token was received before');
    return payload;
  }

  const route = express.Router();
  route.post('/backchannel-logout', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    res.set('Cache-Control', 'no-store');
    const token = req.body?.logout_token;
    try {
      if (typeof token !== 'string') throw new Error('no logout_token');
      const claims = await validate(token);
      const now = Date.now();
      remember(seen, claims.jti, now);
      if (claims.sid) remember(ended, claims.sid, now);
      log(`back-channel logout: session ${claims.sid ?? '(all)'} of ${claims.sub ?? '?'} ended`);
      res.status(200).end();
    } catch (e) {
      log(`back-channel logout refused: ${e.message}`);
      res.status(400).json({ error: 'invalid_request', error_description: e.message });
    }
  });

  return {
    route,
    isEnded: (sid) => typeof sid === 'string' && (ended.get(sid) ?? 0) > Date.now(),
  };
}
