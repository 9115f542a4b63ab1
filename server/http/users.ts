import { Router } from 'express';
import { NewUser, UserChange, Username } from '../../shared/index.js';
import type { AuthService } from '../auth/authService.js';
import { addressOf, principalOf } from '../auth/httpAuth.js';
import { parseOr400 } from './errors.js';

/** User accounts, for admins. */
export function usersRouter(auth: AuthService): Router {
  const r = Router();
  r.get('/users', async (_req, res) => {
    res.json(await auth.listUsers());
  });
  r.post('/users', async (req, res) => {
    const input = parseOr400(NewUser, req.body, 'user');
    res.status(201).json(await auth.createUser(input, { principal: principalOf(res), address: addressOf(req) }));
  });
  r.patch('/users/:username', async (req, res) => {
    const username = parseOr400(Username, req.params.username, 'username');
    const change = parseOr400(UserChange, req.body, 'change');
    res.json(await auth.updateUser(username, change, { principal: principalOf(res), address: addressOf(req) }));
  });
  return r;
}
