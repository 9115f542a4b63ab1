import type { Site, SiteChange, SiteStatus } from '../../shared/index.js';
import { dayText } from './siteFormat.js';

/** The admin's form on a site page: what is typed, before it is saved. */
export interface SiteDraft {
  status: SiteStatus;
  /** '' for no owner on record. */
  owner: string;
  /** The treatment date as a China-time day, YYYY-MM-DD; '' for none. */
  treatedDay: string;
}

export type SiteDraftAction =
  | { type: 'status'; status: SiteStatus }
  | { type: 'owner'; owner: string }
  | { type: 'treatedDay'; day: string }
  | { type: 'reset'; site: Site };

export function draftOf(site: Site): SiteDraft {
  return { status: site.status, owner: site.owner ?? '', treatedDay: site.treatedAt ? dayText(site.treatedAt) : '' };
}

export function editDraft(d: SiteDraft, a: SiteDraftAction): SiteDraft {
  switch (a.type) {
    case 'status':
      return { ...d, status: a.status };
    case 'owner':
      return { ...d, owner: a.owner };
    case 'treatedDay':
      return { ...d, treatedDay: a.day };
    case 'reset':
      return draftOf(a.site);
  }
}

/**
 * The change to send: only the fields that differ from the site, null when none does. A day is sent
 * as its midnight in China time; a status leaving idle with no day typed lets the server date it now.
 */
export function changeOf(site: Site, d: SiteDraft): SiteChange | null {
  const change: SiteChange = {};
  if (d.status !== site.status) change.status = d.status;
  const owner = d.owner.trim();
  if (owner !== (site.owner ?? '')) change.owner = owner === '' ? null : owner;
  const day = site.treatedAt ? dayText(site.treatedAt) : '';
  if (d.treatedDay !== day) change.treatedAt = d.treatedDay === '' ? null : `${d.treatedDay}T00:00:00+08:00`;
  return Object.keys(change).length > 0 ? change : null;
}
