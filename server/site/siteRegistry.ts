import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import * as turf from '@turf/turf';
import type { City, Site, SiteChange, SiteGeometry, SiteImport, SiteImportAnswer, SiteStatus, SiteStatusChange } from '../../shared/index.js';
import type { AuditContext } from '../auth/authService.js';
import { auditEntry, oneAtATime, writeAudited } from '../auth/auditedChange.js';
import type { Logger } from '../log.js';
import { Refusal } from '../refusal.js';
import type { Store, StoredSite } from '../store/store.js';
import { defaultSites } from './defaultSites.js';

const SEEDED_KEY = 'sites_seeded_at';
/** A site larger than this is a district, not a lot: refused on import (a likely unit or projection mistake). */
const MAX_SITE_M2 = 2_000_000;
const SITE_FIELDS = ['name', 'owner', 'status', 'treatedAt'] as const;

export interface SiteRegistryDeps {
  store: Pick<Store, 'sites' | 'meta' | 'transaction'>;
  /** The town code of the unit grid cell holding a point, or undefined outside the city. */
  townAt(lon: number, lat: number): string | undefined;
  now(): number;
}

/** A GeoJSON layer ready to send: the vacant-lots basemap layer, re-encoded after each change. */
export interface EncodedLayer {
  json: Buffer;
  gzip: Buffer;
  etag: string;
}

/**
 * The registry of vacant lots and material yards: what the store keeps, held in memory for reads and
 * replaced after each committed change; admins' edits and imports are checked in full, then written
 * with their audit entries in one transaction, one change at a time. `version` moves with every
 * change, so the figures and the basemap layer know when to recount and re-encode.
 */
export class SiteRegistry {
  private sites: Map<string, StoredSite>;
  private layer: EncodedLayer | null = null;
  private changes = 0;
  private readonly serially = oneAtATime();

  /** Loads the registry, seeding it from the default city on the first start. */
  static async load(deps: SiteRegistryDeps & { city: City; log: Logger }): Promise<SiteRegistry> {
    if (!(await deps.store.meta.get(SEEDED_KEY))) {
      const at = deps.now();
      const seeded = await deps.store.transaction(async (tx) => {
        if (await tx.meta.get(SEEDED_KEY)) return 0;
        const sites = defaultSites(deps.city, at);
        await tx.sites.put(sites);
        await tx.meta.set(SEEDED_KEY, new Date(at).toISOString());
        return sites.length;
      });
      if (seeded > 0) deps.log.info({ sites: seeded }, 'vacant lots and material yards seeded from the default city');
    }
    return new SiteRegistry(deps, await deps.store.sites.all());
  }

  private constructor(
    private readonly deps: SiteRegistryDeps,
    sites: readonly StoredSite[],
  ) {
    this.sites = new Map(sites.map((s) => [s.id, s]));
  }

  get version(): number {
    return this.changes;
  }

  all(): StoredSite[] {
    return [...this.sites.values()];
  }

  get(id: string): StoredSite | undefined {
    return this.sites.get(id);
  }

  /** The basemap's `vacant-lots` layer, in the shape the city's layer has (id, areaM2, townCode), plus name and status. */
  vacantLotLayer(): EncodedLayer {
    if (!this.layer) {
      const features = this.all()
        .filter((s) => s.kind === 'vacant_lot')
        .map((s) => ({ type: 'Feature', geometry: s.geometry, properties: { id: s.id, areaM2: s.areaM2, townCode: s.townCode, name: s.name, status: s.status } }));
      const json = Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
      this.layer = { json, gzip: gzipSync(json, { level: 6 }), etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
    }
    return this.layer;
  }

  /** A site's status changes, oldest first, from the audit log (edits and imports alike). */
  async statusChanges(id: string): Promise<SiteStatusChange[]> {
    const out: SiteStatusChange[] = [];
    for (const e of await this.deps.store.sites.auditTrail(id)) {
      const status = (e.detail as { changes?: { status?: { from: SiteStatus; to: SiteStatus } } } | null)?.changes?.status;
      if (status) out.push({ at: new Date(e.at).toISOString(), by: e.actor, from: status.from, to: status.to });
    }
    return out;
  }

  /**
   * An admin's edit of one site. A status leaving idle dates the treatment now, unless the edit gives
   * the date (a fence put up last month, recorded today). Audited with what changed, before and after.
   */
  async change(id: string, change: SiteChange, ctx: AuditContext): Promise<Site> {
    return this.serially(async () => {
      const before = this.sites.get(id);
      if (!before) throw new Refusal(404, 'not_found', `No site has the id ${id}.`);
      const at = this.deps.now();
      const next: StoredSite = {
        ...before,
        ...(change.name ? { name: change.name } : {}),
        ...(change.owner !== undefined ? { owner: change.owner } : {}),
        ...(change.status ? { status: change.status } : {}),
        treatedAt: treatmentOf(before, change.status ?? before.status, change.treatedAt, at),
        updatedAt: at,
        updatedBy: ctx.principal?.name ?? 'anonymous',
      };
      const changes = differences(before, next);
      if (Object.keys(changes).length === 0) return siteView(before);
      await writeAudited(this.deps.store, { ctx, action: 'site.update', objectType: 'site', objectId: id, detail: { changes }, at }, (tx) => tx.sites.put([next]));
      this.replace([next]);
      return siteView(next);
    });
  }

  /**
   * Sites from a GeoJSON import, upserted by id: every feature is checked (a polygon of some area, in
   * the city, ids unique) before anything is written, and then all are written, each with its audit
   * entry, in one transaction. The area is measured here; a town left out is the grid's at the polygon.
   */
  async import(fc: SiteImport, ctx: AuditContext): Promise<SiteImportAnswer> {
    return this.serially(async () => {
      const at = this.deps.now();
      const by = ctx.principal?.name ?? 'anonymous';
      const seen = new Set<string>();
      const next: StoredSite[] = [];
      fc.features.forEach((f, index) => {
        const p = f.properties;
        if (seen.has(p.id)) throw new Refusal(422, 'duplicate_id', `The id ${p.id} is given twice.`, { index, id: p.id });
        seen.add(p.id);
        const areaM2 = Math.round(turf.area(f.geometry));
        if (!(areaM2 > 0) || areaM2 > MAX_SITE_M2) {
          throw new Refusal(422, 'invalid_area', `Feature ${index} (${p.id}) covers ${areaM2} m²: a site covers more than nothing and at most ${MAX_SITE_M2} m².`, { index, id: p.id, areaM2 });
        }
        const [lon, lat] = turf.pointOnFeature(f.geometry as never).geometry.coordinates as [number, number];
        const town = this.deps.townAt(lon, lat);
        if (town === undefined) throw new Refusal(422, 'outside_city', `Feature ${index} (${p.id}) lies outside the city's grid.`, { index, id: p.id });
        const before = this.sites.get(p.id);
        const status = p.status ?? before?.status ?? 'idle';
        next.push({
          id: p.id,
          kind: p.kind,
          name: p.name,
          geometry: f.geometry as SiteGeometry,
          owner: p.owner !== undefined ? p.owner : (before?.owner ?? null),
          areaM2,
          status,
          treatedAt: before ? treatmentOf(before, status, p.treatedAt, at) : p.treatedAt ? Date.parse(p.treatedAt) : null,
          townCode: p.townCode ?? town,
          updatedAt: at,
          updatedBy: by,
        });
      });
      let created = 0;
      await this.deps.store.transaction(async (tx) => {
        await tx.sites.put(next);
        for (const s of next) {
          const before = this.sites.get(s.id);
          if (!before) created += 1;
          // A new site counts as having been idle until now: a status other than idle is its first change.
          const changes = before ? differences(before, s) : s.status === 'idle' ? {} : { status: { from: 'idle', to: s.status } };
          await tx.audit.append(auditEntry(ctx, before ? 'site.update' : 'site.create', 'site', s.id, { import: true, changes }, at));
        }
      });
      this.replace(next);
      return { created, updated: next.length - created };
    });
  }

  private replace(sites: readonly StoredSite[]): void {
    const map = new Map(this.sites);
    for (const s of sites) map.set(s.id, s);
    this.sites = map;
    this.layer = null;
    this.changes += 1;
  }
}

/**
 * The treatment date after a change: the one given when given; else now when the status leaves idle;
 * else what it was (a site fenced, then greened, was treated when it was fenced).
 */
function treatmentOf(before: StoredSite, status: SiteStatus, given: string | null | undefined, at: number): number | null {
  if (given !== undefined) return given === null ? null : Date.parse(given);
  if (before.status === 'idle' && status !== 'idle') return at;
  return before.treatedAt;
}

/** What changed between two versions of a site, field by field (the geometry as a flag: it is too big for the log). */
function differences(a: StoredSite, b: StoredSite): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of SITE_FIELDS) {
    const from = k === 'treatedAt' ? isoOrNull(a.treatedAt) : a[k];
    const to = k === 'treatedAt' ? isoOrNull(b.treatedAt) : b[k];
    if (JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from, to };
  }
  if (a.kind !== b.kind) out.kind = { from: a.kind, to: b.kind };
  if (JSON.stringify(a.geometry) !== JSON.stringify(b.geometry)) out.geometry = { from: `${a.areaM2} m²`, to: `${b.areaM2} m²` };
  return out;
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A stored site as the wire carries it. */
export function siteView(s: StoredSite): Site {
  return {
    id: s.id,
    kind: s.kind,
    name: s.name,
    geometry: s.geometry,
    owner: s.owner,
    areaM2: s.areaM2,
    status: s.status,
    treatedAt: isoOrNull(s.treatedAt),
    townCode: s.townCode,
    updatedAt: new Date(s.updatedAt).toISOString(),
    updatedBy: s.updatedBy,
  };
}
