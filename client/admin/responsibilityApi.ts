import type {
  CityLayer,
  CommunityProps,
  ResponsibilityCellsAnswer,
  ResponsibilityCellsQuery,
  ResponsibilityChange,
  ResponsibilityChangeAnswer,
  ResponsibilityGapsAnswer,
  ResponsibilityPersonView,
  ResponsibilityRole,
} from '../../shared/index.js';
import { request } from '../cases/caseApi.js';
import type { GridCell } from './responsibilitySelection.js';

/** The responsibility endpoints (责任网格) as the admins' editor uses them; a refusal throws ApiError. */

const query = (q: Record<string, string | undefined>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
};

/** `GET /api/responsibility/cells`: who answers for each cell of a town, a community or a grid. */
export function fetchResponsibilityCells(q: ResponsibilityCellsQuery): Promise<ResponsibilityCellsAnswer> {
  return request<ResponsibilityCellsAnswer>(`/api/responsibility/cells${query(q)}`);
}

/** `GET /api/responsibility/people`: the roster, each person with their load now. */
export async function fetchRoster(role?: ResponsibilityRole): Promise<ResponsibilityPersonView[]> {
  return (await request<{ items: ResponsibilityPersonView[] }>(`/api/responsibility/people${query({ role })}`)).items;
}

/** `GET /api/responsibility/gaps`: the cells with no inspector (and how many lack a worker or a head). */
export function fetchGaps(q: { town?: string; community?: string } = {}): Promise<ResponsibilityGapsAnswer> {
  return request<ResponsibilityGapsAnswer>(`/api/responsibility/gaps${query(q)}`);
}

/** `PUT /api/responsibility`: an admin's change, applied all or nothing. */
export function saveResponsibility(change: ResponsibilityChange): Promise<ResponsibilityChangeAnswer> {
  return request<ResponsibilityChangeAnswer>('/api/responsibility', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(change),
  });
}

// The city's layers change only with a new city: the browser's cache may answer them (the basemap
// has just asked for the same grid).
const CACHED: RequestInit = { cache: 'default' };

/** The unit grid cells (`GET /api/layers/grid`), in the layer's order. */
export async function fetchGridCells(): Promise<GridCell[]> {
  return (await request<CityLayer<'grid'>>('/api/layers/grid', CACHED)).features;
}

/** The communities' codes, towns and names (`GET /api/layers/communities`), for the lists. */
export async function fetchCommunities(): Promise<CommunityProps[]> {
  return (await request<CityLayer<'communities'>>('/api/layers/communities', CACHED)).features.map((f) => f.properties);
}
