// An application as Auth0's own Express SDK makes one: express-openid-connect
// 3.4.0 configured exactly as its README says (issuerBaseURL, baseURL,
// clientID, clientSecret, secret, authRequired false), nothing of guise in
// it.  It shows that a library which refuses any login it did not start
// (DESIGN.md 1b) signs in through guise's third-party initiated login: guise
// sends the browser to the library's own /login (initiate_login_uri), the
// library starts an ordinary code flow with PKCE, state and nonce, and
// /profile then shows the user it got.
//
//   environment: PORT, ISSUER (guise's issuer URL), CLIENT_ID, CLIENT_SECRET
//   (NODE_EXTRA_CA_CERTS for guise's certificate).  Prints "listening" on
//   stdout once it accepts connections.
import express from 'express';
import { randomBytes } from 'node:crypto';
import eoc from 'express-openid-connect';

const { auth, requiresAuth } = eoc;
const port = Number(process.env.PORT);
const app = express();

app.use(auth({
  issuerBaseURL: process.env.ISSUER,
  baseURL: `http://127.0.0.1:${port}`,
  clientID: process.env.CLIENT_ID,
  clientSecret: process.env.CLIENT_SECRET,
  secret: randomBytes(32).toString('base64url'),
  authRequired: false,
  authorizationParams: { response_type: 'code', scope: 'openid profile email' },
}));

// The README's home page: whether this browser is logged in.
app.get('/', (req, res) => {
  res.send(req.oidc.isAuthenticated() ? 'Logged in' : 'Logged out');
});

// The README's profile page, with what /userinfo says beside the id_token.
app.get('/profile', requiresAuth(), async (req, res, next) => {
  try {
    const userinfo = await req.oidc.fetchUserInfo();
    res.json({ user: req.oidc.user, userinfo });
  } catch (e) {
    next(e);
  }
});

// An error handler of the application's own, as the README's "Error
// Handling" suggests: the OAuth error of a failed login (login_required...)
// as JSON, which needs no escaping.
app.use((err, req, res, next) => {
  res.status(err.status ?? 500).json({ error: err.error ?? err.name, error_description: err.error_description, message: err.message });
});

app.listen(port, '127.0.0.1', () => console.log('listening'));
