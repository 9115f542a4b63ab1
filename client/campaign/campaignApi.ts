import type { CampaignDetail, CampaignsAnswer } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';

/** `GET /api/campaigns`: every campaign with its progress now. */
export function fetchCampaigns(signal?: AbortSignal): Promise<CampaignsAnswer> {
  return request<CampaignsAnswer>('/api/campaigns', signal ? { signal } : undefined);
}

/** `GET /api/campaigns/:id`: one, with its weekly series. */
export function fetchCampaign(id: string, signal?: AbortSignal): Promise<CampaignDetail> {
  return request<CampaignDetail>(`/api/campaigns/${encodeURIComponent(id)}`, signal ? { signal } : undefined);
}
