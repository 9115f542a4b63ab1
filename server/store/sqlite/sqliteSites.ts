import type Database from 'better-sqlite3';
import type { SiteGeometry, SiteKind, SiteStatus } from '../../../shared/index.js';
import type { SiteRepository, StoredAuditTrailEntry, StoredSite } from '../store.js';

interface SiteRow {
  id: string;
  kind: SiteKind;
  name_zh: string;
  name_en: string;
  geometry: string;
  owner: string | null;
  area_m2: number;
  status: SiteStatus;
  treated_at: number | null;
  town_code: string;
  updated_at: number;
  updated_by: string;
}

const COLUMNS = 'id, kind, name_zh, name_en, geometry, owner, area_m2, status, treated_at, town_code, updated_at, updated_by';

function siteOf(r: SiteRow): StoredSite {
  return {
    id: r.id,
    kind: r.kind,
    name: { zh: r.name_zh, en: r.name_en },
    geometry: JSON.parse(r.geometry) as SiteGeometry,
    owner: r.owner,
    areaM2: r.area_m2,
    status: r.status,
    treatedAt: r.treated_at,
    townCode: r.town_code,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

/** The registry of vacant lots and material yards: `sites` (migration 17). */
export class SqliteSiteRepository implements SiteRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      all: db.prepare(`SELECT ${COLUMNS} FROM sites ORDER BY id`),
      get: db.prepare(`SELECT ${COLUMNS} FROM sites WHERE id = ?`),
      put: db.prepare(`INSERT INTO sites (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name_zh = excluded.name_zh, name_en = excluded.name_en,
          geometry = excluded.geometry, owner = excluded.owner, area_m2 = excluded.area_m2, status = excluded.status,
          treated_at = excluded.treated_at, town_code = excluded.town_code, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      trail: db.prepare(`SELECT at, actor, action, detail FROM audit_log WHERE object_type = 'site' AND object_id = ? ORDER BY id`),
    };
  }

  async all(): Promise<StoredSite[]> {
    return (this.q.all.all() as SiteRow[]).map(siteOf);
  }

  async get(id: string): Promise<StoredSite | undefined> {
    const row = this.q.get.get(id) as SiteRow | undefined;
    return row && siteOf(row);
  }

  async put(sites: readonly StoredSite[]): Promise<void> {
    // All of them or none (a savepoint inside a transaction of the store's).
    this.db.transaction(() => {
      for (const s of sites) {
        this.q.put.run(s.id, s.kind, s.name.zh, s.name.en, JSON.stringify(s.geometry), s.owner, s.areaM2, s.status, s.treatedAt, s.townCode, s.updatedAt, s.updatedBy);
      }
    })();
  }

  async auditTrail(id: string): Promise<StoredAuditTrailEntry[]> {
    return (this.q.trail.all(id) as { at: number; actor: string; action: string; detail: string | null }[]).map((r) => ({
      at: r.at,
      actor: r.actor,
      action: r.action,
      detail: r.detail === null ? null : (JSON.parse(r.detail) as unknown),
    }));
  }
}
