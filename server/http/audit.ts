import { Router } from 'express';
import { z } from 'zod';
import type { AuthService } from '../auth/authService.js';
import { parseOr400 } from './errors.js';

const AuditQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(200), before: z.coerce.number().int().positive().optional() }).strict();

/** The append-only audit log, newest first, paged by `before` (an entry id). */
export function auditRouter(auth: AuthService): Router {
  const r = Router();
  r.get('/audit', async (req, res) => {
    const q = parseOr400(AuditQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await auth.readAudit(q.limit, q.before));
  });
  return r;
}
