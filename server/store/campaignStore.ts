import type { CampaignBaselineSpan, CampaignScope, CampaignStatus, CampaignTarget, LocalizedName } from '../../shared/index.js';

/** A campaign (专项整治) as the store keeps it (migration 19); times in epoch ms. */
export interface StoredCampaign {
  id: string;
  name: LocalizedName;
  description: string;
  scope: CampaignScope;
  target: CampaignTarget;
  baseline: CampaignBaselineSpan;
  startAt: number;
  deadlineAt: number;
  unitCode: string;
  status: CampaignStatus;
  closedAt: number | null;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
}

/** A campaign's measure over a span already past, kept once measured. */
export interface StoredCampaignMeasure {
  campaignId: string;
  since: number;
  until: number;
  value: number;
}

/** Campaigns and the measures of their past spans. */
export interface CampaignRepository {
  /** Every campaign, by start then id. */
  all(): Promise<StoredCampaign[]>;
  get(id: string): Promise<StoredCampaign | undefined>;
  /** Adds a campaign, or replaces the one with the same id. */
  put(c: StoredCampaign): Promise<void>;
  /** The measures kept for a campaign. */
  measures(campaignId: string): Promise<StoredCampaignMeasure[]>;
  /** Keeps measures; one already kept for the same span is replaced. */
  putMeasures(rows: readonly StoredCampaignMeasure[]): Promise<void>;
  /** Drops every measure of a campaign (its scope or target changed); answers how many went. */
  dropMeasures(campaignId: string): Promise<number>;
}
