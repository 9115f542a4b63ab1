/**
 * Planar geometry in a local metric frame centred on the city: at city scale (tens of km) an
 * equirectangular projection is accurate to well under a metre per 100 m, and it makes Gaussian
 * spreads and lengths plain arithmetic.
 */
export interface Frame {
  toXY(lon: number, lat: number): [number, number];
  toLonLat(x: number, y: number): [number, number];
}

export function localFrame(lon0: number, lat0: number): Frame {
  const mLat = 110_574;
  const mLon = 111_320 * Math.cos((lat0 * Math.PI) / 180);
  return {
    toXY: (lon, lat) => [(lon - lon0) * mLon, (lat - lat0) * mLat],
    toLonLat: (x, y) => [lon0 + x / mLon, lat0 + y / mLat],
  };
}

/** A polygon in the local frame: outer ring first, then holes; rings closed or not. */
export type XYPolygon = [number, number][][];

/** Even-odd rule over all rings, so holes come out right. */
export function pointInPolygon(x: number, y: number, poly: XYPolygon): boolean {
  let inside = false;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

export function ringArea(ring: [number, number][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0] + ring[i]![0]) * (ring[j]![1] - ring[i]![1]);
  return Math.abs(a) / 2;
}

export function polygonArea(poly: XYPolygon): number {
  return poly.reduce((s, ring, k) => s + (k === 0 ? ringArea(ring) : -ringArea(ring)), 0);
}

export function bboxOf(poly: XYPolygon): [number, number, number, number] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of poly[0]!) {
    if (x < x0) x0 = x;
    if (y < y0) y0 = y;
    if (x > x1) x1 = x;
    if (y > y1) y1 = y;
  }
  return [x0, y0, x1, y1];
}

/** Distance from a point to segment a–b. */
export function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}
