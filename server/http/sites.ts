import { Router } from 'express';
import { SiteChange, SiteDetailQuery, SiteId, SiteImport, SitesQuery } from '../../shared/index.js';
import { addressOf, principalOf } from '../auth/httpAuth.js';
import { Refusal } from '../refusal.js';
import type { SiteFigures } from '../site/siteFigures.js';
import type { SiteRegistry } from '../site/siteRegistry.js';
import { parseOr400 } from './errors.js';

/**
 * Vacant lots and material yards (闲置地块, 堆物堆料): `GET /api/vacant-lots?kind=&window=&buffer=`
 * (every site with its figures, ranked), `GET /api/vacant-lots/:id` (one, with 26 weeks of history
 * and its status changes), `PUT /api/vacant-lots/:id` (an admin's edit, audited) and
 * `POST /api/vacant-lots/import` (a GeoJSON FeatureCollection, all or nothing). Also serves the
 * basemap's `GET /api/layers/vacant-lots` from the same registry, ahead of the city's static layers,
 * so the map shows what the registry holds. Who may call which is in the access rules.
 */
export function sitesRouter(registry: SiteRegistry, figures: SiteFigures): Router {
  const r = Router();

  r.get('/layers/vacant-lots', (req, res) => {
    const e = registry.vacantLotLayer();
    res.set({ ETag: e.etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/geo+json');
    if (req.acceptsEncodings('gzip') === 'gzip') res.set('Content-Encoding', 'gzip').send(e.gzip);
    else res.send(e.json);
  });

  r.get('/vacant-lots', async (req, res) => {
    res.json(await figures.list(parseOr400(SitesQuery, req.query, 'query')));
  });

  r.post('/vacant-lots/import', async (req, res) => {
    const fc = parseOr400(SiteImport, req.body, 'import');
    res.json(await registry.import(fc, { principal: principalOf(res), address: addressOf(req) }));
  });

  r.get('/vacant-lots/:id', async (req, res) => {
    res.json(await figures.detail(siteIdOf(req.params.id), parseOr400(SiteDetailQuery, req.query, 'query')));
  });

  r.put('/vacant-lots/:id', async (req, res) => {
    const change = parseOr400(SiteChange, req.body, 'change');
    res.json(await registry.change(siteIdOf(req.params.id), change, { principal: principalOf(res), address: addressOf(req) }));
  });

  return r;
}

function siteIdOf(raw: string): string {
  const id = SiteId.safeParse(raw);
  if (!id.success) throw new Refusal(404, 'not_found', `No site has the id ${raw}.`);
  return id.data;
}
