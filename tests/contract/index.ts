import { describeAuditRepository } from './audit.js';
import { describeAuthRepository } from './auth.js';
import { describeCalendarRepository } from './calendar.js';
import { describeCampaignRepository } from './campaigns.js';
import { describeCaseRepository } from './cases.js';
import { describeCoverageRepository } from './coverage.js';
import { describeCongestionRepository } from './congestion.js';
import { describeIdempotencyRepository } from './idempotency.js';
import { describeIncidentRepository } from './incidents.js';
import { describeInspectionQueue } from './inspection.js';
import { describeInspectorRepository } from './inspectors.js';
import { describeMetaRepository } from './meta.js';
import { describePhotoRepository } from './photos.js';
import type { OpenStore } from './records.js';
import { describeReportRepository } from './reports.js';
import { describeResponsibilityRepository } from './responsibility.js';
import { describeSiteRepository } from './sites.js';
import { describeTeamRepository } from './teams.js';
import { describeTransactions } from './transactions.js';

export type { OpenStore } from './records.js';
export {
  describeAuditRepository, describeAuthRepository, describeCalendarRepository, describeCaseRepository, describeCoverageRepository, describeCongestionRepository, describeIdempotencyRepository, describeInspectionQueue,
  describeIncidentRepository, describeInspectorRepository, describeMetaRepository, describePhotoRepository, describeResponsibilityRepository, describeSiteRepository, describeTeamRepository, describeTransactions,
};

/**
 * The whole store contract: every repository's suite and the transaction API's, written against the
 * interfaces of server/store/ only. An engine's runner calls this with a function that opens a fresh,
 * empty store for each test (tests/unit/store-contract-sqlite.test.ts); the runner cleans up after.
 */
export function describeStoreContract(open: OpenStore): void {
  describeIncidentRepository(open);
  describeCaseRepository(open);
  describeInspectionQueue(open);
  describeAuthRepository(open);
  describeAuditRepository(open);
  describeTeamRepository(open);
  describeInspectorRepository(open);
  describeCalendarRepository(open);
  describePhotoRepository(open);
  describeIdempotencyRepository(open);
  describeMetaRepository(open);
  describeResponsibilityRepository(open);
  describeCoverageRepository(open);
  describeSiteRepository(open);
  describeCampaignRepository(open);
  describeCongestionRepository(open);
  describeReportRepository(open);
  describeTransactions(open);
}
