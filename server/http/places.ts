import { Router } from 'express';
import { PlaceQuery, type PlaceResults } from '../../shared/index.js';
import type { PlaceIndex } from '../place/placeIndex.js';
import { parseOr400 } from './errors.js';

/** `GET /api/places?q=…&limit=`: the city's places whose names or codes match what was typed, best first. */
export function placesRouter(places: PlaceIndex): Router {
  const r = Router();
  r.get('/places', (req, res) => {
    const { q, limit } = parseOr400(PlaceQuery, req.query, 'query');
    const body: PlaceResults = { items: places.search(q, limit) };
    // The city does not change while the server runs, but answers stay out of shared caches like every
    // other API answer that is not a static file (the default no-store).
    res.json(body);
  });
  return r;
}
