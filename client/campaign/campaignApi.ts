import type { CampaignChange, CampaignDetail, CampaignsAnswer, NewCampaign } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';

/** `GET /api/campaigns`: every campaign with its progress now. */
export function fetchCampaigns(signal?: AbortSignal): Promise<CampaignsAnswer> {
  return request<CampaignsAnswer>('/api/campaigns', signal ? { signal } : undefined);
}

/** `GET /api/campaigns/:id`: one, with its weekly series. */
export function fetchCampaign(id: string, signal?: AbortSignal): Promise<CampaignDetail> {
  return request<CampaignDetail>(`/api/campaigns/${encodeURIComponent(id)}`, signal ? { signal } : undefined);
}

const send = (method: 'POST' | 'PATCH', url: string, body: unknown) =>
  request<CampaignDetail>(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** `POST /api/campaigns` (campaign.manage): a new one, answered with its progress. */
export function createCampaign(input: NewCampaign): Promise<CampaignDetail> {
  return send('POST', '/api/campaigns', input);
}

/** `PATCH /api/campaigns/:id` (campaign.manage): an edit, a close (`status: 'closed'`) or a reopening. */
export function changeCampaign(id: string, change: CampaignChange): Promise<CampaignDetail> {
  return send('PATCH', `/api/campaigns/${encodeURIComponent(id)}`, change);
}
