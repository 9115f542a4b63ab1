import { Router } from 'express';
import { LoginRequest, ROLE_PERMISSIONS, type MeResponse } from '../../shared/index.js';
import type { AuthService } from '../auth/authService.js';
import { addressOf, clearSessionCookie, principalOf, setSessionCookie } from '../auth/httpAuth.js';
import type { Principal } from '../auth/principal.js';
import { parseOr400 } from './errors.js';

const me = (p: Principal): MeResponse => ({
  user: { username: p.name, displayName: p.displayName, role: p.role, teamId: p.teamId, unitCode: p.unitCode, permissions: [...ROLE_PERMISSIONS[p.role]] },
});

/** Signing in and out, who am I, and the kiosk link of wall displays. */
export function authRouter(auth: AuthService): Router {
  const r = Router();

  r.post('/auth/login', async (req, res) => {
    const { username, password } = parseOr400(LoginRequest, req.body, 'sign-in');
    const opened = await auth.login(username, password, addressOf(req));
    setSessionCookie(req, res, opened.sessionId, opened.expiresAt);
    res.set('Cache-Control', 'no-store').json(me(opened.principal));
  });

  r.post('/auth/logout', async (req, res) => {
    await auth.logout(principalOf(res)!, addressOf(req));
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  r.get('/auth/me', (_req, res) => {
    const principal = principalOf(res);
    res.set('Cache-Control', 'no-store').json(principal ? me(principal) : ({ user: null } satisfies MeResponse));
  });

  r.post('/auth/kiosk', async (req, res) => {
    const opened = await auth.openKioskSession(principalOf(res)!, addressOf(req));
    setSessionCookie(req, res, opened.sessionId, opened.expiresAt);
    res.set('Cache-Control', 'no-store').json(me(opened.principal));
  });

  return r;
}
