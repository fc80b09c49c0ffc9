// Who is really at the keyboard, read from the claims guise puts in the
// id_token of an impersonated login (doc/integrating.md section 6):
// "impersonated": true, "impersonator": {"user_id", "email"}, and RFC 8693's
// "act": {"sub"}.  Any one of them makes the session impersonated: an
// application that refuses sensitive actions fails closed, it does not
// trust the absence of one claim when another is there.
//
// Returns null for a user signed in as themself, or { id, email, label }:
// the impersonator's user id (act.sub first, the standard claim), their
// email, and what to call them on a page.
export function impersonation(claims) {
  if (!claims) return null;
  const { impersonated, impersonator, act } = claims;
  const claimed = (impersonated !== undefined && impersonated !== false) ||
    impersonator != null || act != null;
  if (!claimed) return null;
  const id = act?.sub ?? impersonator?.user_id;
  const email = impersonator?.email;
  return { id, email, label: email ?? id ?? 'someone guise did not name' };
}
