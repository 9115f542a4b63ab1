import { Router } from 'express';
import { z } from 'zod';
import { NewApiToken } from '../../shared/index.js';
import type { AuthService } from '../auth/authService.js';
import { addressOf, principalOf } from '../auth/httpAuth.js';
import { parseOr400 } from './errors.js';

const TokenId = z.string().regex(/^[A-Za-z0-9]{12}$/);

/** Machines' API tokens, for admins: created (the secret shown once), listed, revoked. */
export function tokensRouter(auth: AuthService): Router {
  const r = Router();
  r.get('/tokens', async (_req, res) => {
    res.json(await auth.listTokens());
  });
  r.post('/tokens', async (req, res) => {
    const input = parseOr400(NewApiToken, req.body, 'token');
    res.status(201).set('Cache-Control', 'no-store').json(await auth.createToken(input, { principal: principalOf(res), address: addressOf(req) }));
  });
  r.delete('/tokens/:id', async (req, res) => {
    const id = parseOr400(TokenId, req.params.id, 'token id');
    res.json(await auth.revokeToken(id, { principal: principalOf(res), address: addressOf(req) }));
  });
  return r;
}
