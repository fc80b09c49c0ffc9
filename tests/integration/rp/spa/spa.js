// What the three pages share: the UserManager of oidc-client-ts, built from
// /config.json, for a public client using the code flow (PKCE is automatic).
// loadUserInfo: the profile is completed from /userinfo, a CORS request with
// a bearer token (a preflight), beside discovery, the JWKS and the token
// endpoint.
async function userManager() {
  const cfg = await (await fetch('/config.json')).json();
  return {
    cfg,
    mgr: new oidc.UserManager({
      authority: cfg.authority,
      client_id: cfg.client_id,
      redirect_uri: `${location.origin}/callback.html`,
      response_type: 'code',
      scope: 'openid profile email',
      loadUserInfo: true,
    }),
  };
}

function show(id, value) {
  const el = document.getElementById(id);
  el.textContent = typeof value === 'string' ? value : JSON.stringify(value, null, 1);
  el.hidden = false;
}
