import express, { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth/httpAuth.js';
import type { CaseService } from '../case/caseService.js';
import { MAX_PHOTO_BYTES, type PhotoStore } from '../photo/photoStore.js';
import { Refusal } from '../refusal.js';
import { parseOr400 } from './errors.js';

const PhotoId = z.string().regex(/^ph_[A-Za-z0-9]{16}$/);

/** Photos of a case: uploaded as the raw image body, served only to those who may see the case. */
export function photosRouter(photos: PhotoStore, cases: CaseService): Router {
  const r = Router();
  // The body is read here and only here, as bytes, with its own limit.
  const raw = express.raw({ type: () => true, limit: MAX_PHOTO_BYTES });
  r.post('/cases/:id/photos', raw, async (req, res) => {
    const actor = principalOf(res)!;
    await cases.mayAddPhotos(req.params.id!, actor);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.status(201).json(await photos.save(req.params.id!, req.get('content-type'), body, actor.name, Date.now()));
  });
  r.get('/photos/:id', async (req, res) => {
    const id = parseOr400(PhotoId, req.params.id, 'photo id');
    const meta = await photos.meta(id);
    if (!meta) throw new Refusal(404, 'not_found', `No photo has the id ${id}.`);
    await cases.view(meta.caseId, principalOf(res)!); // refuses whoever may not see the case
    res.set({ 'Content-Type': meta.contentType, 'Cache-Control': 'private, max-age=86400', 'Content-Security-Policy': "default-src 'none'; sandbox" });
    res.send(photos.read(meta.file));
  });
  return r;
}
