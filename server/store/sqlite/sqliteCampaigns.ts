import type Database from 'better-sqlite3';
import type { CampaignBaselineSpan, CampaignScope, CampaignStatus, CampaignTarget } from '../../../shared/index.js';
import type { CampaignRepository, StoredCampaign, StoredCampaignMeasure } from '../campaignStore.js';

interface CampaignRow {
  id: string;
  name_zh: string;
  name_en: string;
  description: string;
  scope: string;
  target: string;
  baseline: string;
  start_at: number;
  deadline_at: number;
  unit_code: string;
  status: CampaignStatus;
  closed_at: number | null;
  created_at: number;
  created_by: string;
  updated_at: number;
  updated_by: string;
}

const COLUMNS = 'id, name_zh, name_en, description, scope, target, baseline, start_at, deadline_at, unit_code, status, closed_at, created_at, created_by, updated_at, updated_by';

function campaignOf(r: CampaignRow): StoredCampaign {
  return {
    id: r.id,
    name: { zh: r.name_zh, en: r.name_en },
    description: r.description,
    scope: JSON.parse(r.scope) as CampaignScope,
    target: JSON.parse(r.target) as CampaignTarget,
    baseline: JSON.parse(r.baseline) as CampaignBaselineSpan,
    startAt: r.start_at,
    deadlineAt: r.deadline_at,
    unitCode: r.unit_code,
    status: r.status,
    closedAt: r.closed_at,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

/** Campaigns (专项整治) and their kept measures: `campaigns`, `campaign_measures` (migration 19). */
export class SqliteCampaignRepository implements CampaignRepository {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    this.q = {
      all: db.prepare(`SELECT ${COLUMNS} FROM campaigns ORDER BY start_at, id`),
      get: db.prepare(`SELECT ${COLUMNS} FROM campaigns WHERE id = ?`),
      put: db.prepare(`INSERT INTO campaigns (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, description = excluded.description,
          scope = excluded.scope, target = excluded.target, baseline = excluded.baseline, start_at = excluded.start_at,
          deadline_at = excluded.deadline_at, unit_code = excluded.unit_code, status = excluded.status, closed_at = excluded.closed_at,
          updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      measures: db.prepare('SELECT campaign_id AS campaignId, since, until, value FROM campaign_measures WHERE campaign_id = ? ORDER BY since, until'),
      putMeasure: db.prepare('INSERT INTO campaign_measures (campaign_id, since, until, value) VALUES (?, ?, ?, ?) ON CONFLICT (campaign_id, since, until) DO UPDATE SET value = excluded.value'),
      dropMeasures: db.prepare('DELETE FROM campaign_measures WHERE campaign_id = ?'),
    };
  }

  async all(): Promise<StoredCampaign[]> {
    return (this.q.all.all() as CampaignRow[]).map(campaignOf);
  }

  async get(id: string): Promise<StoredCampaign | undefined> {
    const row = this.q.get.get(id) as CampaignRow | undefined;
    return row && campaignOf(row);
  }

  async put(c: StoredCampaign): Promise<void> {
    this.q.put.run(
      c.id, c.name.zh, c.name.en, c.description, JSON.stringify(c.scope), JSON.stringify(c.target), JSON.stringify(c.baseline),
      c.startAt, c.deadlineAt, c.unitCode, c.status, c.closedAt, c.createdAt, c.createdBy, c.updatedAt, c.updatedBy,
    );
  }

  async measures(campaignId: string): Promise<StoredCampaignMeasure[]> {
    return this.q.measures.all(campaignId) as StoredCampaignMeasure[];
  }

  async putMeasures(rows: readonly StoredCampaignMeasure[]): Promise<void> {
    this.db.transaction(() => {
      for (const r of rows) this.q.putMeasure.run(r.campaignId, r.since, r.until, r.value);
    })();
  }

  async dropMeasures(campaignId: string): Promise<number> {
    return this.q.dropMeasures.run(campaignId).changes;
  }
}
