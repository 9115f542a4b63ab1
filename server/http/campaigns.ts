import { Router } from 'express';
import { CampaignChange, CampaignId, NewCampaign } from '../../shared/index.js';
import { addressOf, principalOf } from '../auth/httpAuth.js';
import type { CampaignService } from '../campaign/campaignService.js';
import { Refusal } from '../refusal.js';
import { parseOr400 } from './errors.js';

/**
 * 专项整治: `GET /api/campaigns` (every campaign with its progress now), `GET /api/campaigns/:id`
 * (one, with its weekly series), `POST /api/campaigns` and `PATCH /api/campaigns/:id` (leaders and
 * admins: create, edit, close; audited). Who may call which is in the access rules.
 */
export function campaignsRouter(campaigns: CampaignService): Router {
  const r = Router();

  r.get('/campaigns', async (req, res) => {
    if (Object.keys(req.query).length > 0) throw new Refusal(400, 'invalid_request', 'GET /api/campaigns takes no query.');
    res.json(await campaigns.list());
  });

  r.post('/campaigns', async (req, res) => {
    const input = parseOr400(NewCampaign, req.body, 'campaign');
    res.status(201).json(await campaigns.create(input, { principal: principalOf(res), address: addressOf(req) }));
  });

  r.get('/campaigns/:id', async (req, res) => {
    res.json(await campaigns.detail(campaignIdOf(req.params.id)));
  });

  r.patch('/campaigns/:id', async (req, res) => {
    const id = campaignIdOf(req.params.id);
    const change = parseOr400(CampaignChange, req.body, 'change');
    res.json(await campaigns.change(id, change, { principal: principalOf(res), address: addressOf(req) }));
  });

  return r;
}

function campaignIdOf(raw: string): string {
  const id = CampaignId.safeParse(raw);
  if (!id.success) throw new Refusal(404, 'not_found', `No campaign has the id ${raw}.`);
  return id.data;
}
