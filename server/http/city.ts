import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Router } from 'express';
import { z } from 'zod';
import { LayerName, Latitude, Longitude, type City } from '../../shared/index.js';
import { Refusal } from '../refusal.js';
import { parseOr400 } from './errors.js';

interface EncodedLayer {
  json: Buffer;
  gzip: Buffer;
  etag: string;
}

/**
 * Serves the city's metadata and layers. Layers do not change while the server runs, so each is
 * encoded and gzipped once, on first request, and revalidated by ETag afterwards.
 */
export function cityRouter(city: City, cellAt: (lon: number, lat: number) => number): Router {
  const r = Router();
  const encoded = new Map<LayerName, EncodedLayer>();

  function encode(name: LayerName): EncodedLayer {
    let e = encoded.get(name);
    if (!e) {
      const json = Buffer.from(JSON.stringify(city.layers[name]));
      e = { json, gzip: gzipSync(json, { level: 6 }), etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
      encoded.set(name, e);
    }
    return e;
  }

  r.get('/city', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(city.meta);
  });

  r.get('/layers/:name', (req, res) => {
    const name = LayerName.safeParse(req.params.name);
    if (!name.success) {
      throw new Refusal(404, 'unknown_layer', `No layer is called ${req.params.name}.`, { layers: LayerName.options });
    }
    const e = encode(name.data);
    res.set({ ETag: e.etag, 'Cache-Control': 'public, max-age=300, must-revalidate', Vary: 'Accept-Encoding' });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.type('application/geo+json');
    if (req.acceptsEncodings('gzip') === 'gzip') {
      res.set('Content-Encoding', 'gzip').send(e.gzip);
    } else {
      res.send(e.json);
    }
  });

  const CellQuery = z.object({ lon: z.coerce.number().pipe(Longitude), lat: z.coerce.number().pipe(Latitude) }).strict();
  r.get('/grid/cell', (req, res) => {
    const { lon, lat } = parseOr400(CellQuery, req.query, 'query');
    const i = cellAt(lon, lat);
    const cell = city.layers.grid.features[i];
    if (i < 0 || !cell) throw new Refusal(404, 'outside_city', 'No unit grid cell holds this point.', { lon, lat });
    res.json(cell);
  });

  return r;
}
