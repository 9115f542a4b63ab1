import { existsSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import compression from 'compression';
import express from 'express';
import { Server as SocketServer } from 'socket.io';
import { v7 as uuidv7 } from 'uuid';
import type { ClientToServerEvents, IncidentEvent, ServerToClientEvents } from '../shared/index.js';
import { loadCatalog } from './catalog/loadCatalog.js';
import { loadCalendarDefaults, WorkCalendarService } from './calendar/workCalendarService.js';
import { TeamShiftService } from './team/teamShifts.js';
import { calendarRouter } from './http/calendar.js';
import { responsibilityRouter } from './http/responsibility.js';
import { CellDirectory, ResponsibilityService, responsibilityCells, seedDefaultRoster, unitsOfCells } from './responsibility/index.js';
import { teamShiftsRouter } from './http/teamShifts.js';
import { loadDefaultCity } from './city/cityCache.js';
import type { Config } from './config.js';
import { GridIndex } from './grid/gridIndex.js';
import { AuthService } from './auth/authService.js';
import { authenticate, authorize, checkOrigin, limitWrites } from './auth/httpAuth.js';
import { auditRouter } from './http/audit.js';
import { streamRouter } from './http/stream.js';
import { authRouter } from './http/auth.js';
import { CaseService } from './case/caseService.js';
import { CaseClock } from './case/caseClock.js';
import { TrackRecorder } from './team/teamTrack.js';
import { rankCandidates } from './dispatch/candidates.js';
import { routeBetween } from './dispatch/directions.js';
import { buildRoadGraph } from './dispatch/roadGraph.js';
import { roadsRouter } from './http/roads.js';
import { CAMERA_HEARTBEAT_BODY_LIMIT, camerasRouter } from './http/cameras.js';
import { CameraCoverage, camerasOfLayer } from './coverage/cameraCoverage.js';
import { CameraLiveness } from './coverage/cameraLiveness.js';
import { startCameraSimulator } from './coverage/cameraSimulator.js';
import { CoverageService } from './coverage/coverageService.js';
import { PatrolCoverage } from './coverage/patrolCoverage.js';
import { coverageRouter } from './http/coverage.js';
import { blindSpotsRouter } from './http/blindSpots.js';
import { ThemePlaces } from './hotspot/themePlaces.js';
import { RecentPoints } from './incident/recentPoints.js';
import { incidentH3 } from '../shared/index.js';
import { HotspotService } from './hotspot/hotspotService.js';
import { hotspotsRouter } from './http/hotspots.js';
import { BlindSpotService } from './coverage/blindSpotService.js';
import { PATROL_BACKFILL_FIX_SECONDS, PATROL_BACKFILL_MS, pastTownDays, simulatedPatrols } from './simulation/inspectorPatrols.js';
import { localDayOf, townCoverageDay } from './coverage/townDays.js';

/** How many past days of the towns' coverage series a first start back-fills (simulated city). */
const TOWN_DAYS_BACKFILLED = 7;
/** Days of incident points held in memory: the longest window of the density layers, and a day more. */
const RECENT_POINTS_DAYS = 91;
import { modelFactors, RoadSpeeds } from './traffic/roadSpeeds.js';
import { CongestionService } from './traffic/congestionService.js';
import { loadCentre } from './traffic/centre.js';
import { congestionRouter } from './http/congestion.js';
import { casesRouter } from './http/cases.js';
import { boardRouter } from './http/board.js';
import { BoardService } from './board/boardService.js';
import { dispatchRouter } from './http/dispatch.js';
import { idempotent } from './http/idempotency.js';
import { IdempotentAnswers } from './idempotency/idempotentAnswers.js';
import { photosRouter } from './http/photos.js';
import { PhotoStore } from './photo/photoStore.js';
import { categoriesRouter } from './http/categories.js';
import { unitsRouter } from './http/units.js';
import { ComponentMatcher } from './unit/componentMatch.js';
import { unitsOf, type Team } from '../shared/index.js';
import { teamsFromBases } from './team/teamRoster.js';
import { noStoreByDefault, securityHeaders } from './http/securityHeaders.js';
import { tokensRouter } from './http/tokens.js';
import { usersRouter } from './http/users.js';
import { secureSockets } from './realtime/socketAuth.js';
import { limitSockets } from './realtime/socketLimits.js';
import { joinLivePicture, toLivePicture } from './realtime/livePicture.js';
import { TeamTasks } from './realtime/teamTasks.js';
import { OverdueWatch } from './case/overdueWatch.js';
import { teamsRouter } from './http/teams.js';
import { TRACKER_BODY_LIMIT, trackersRouter } from './http/trackers.js';
import { TrackerService } from './tracker/trackers.js';
import { inspectRouter } from './http/inspect.js';
import { InspectTaskQueue } from './inspect/inspectTasks.js';
import { isNearCity } from './city/cityExtent.js';
import { startTeamSimulator } from './simulation/teamSimulator.js';
import { Fleet } from './team/fleet.js';
import { cityRouter } from './http/city.js';
import { placesRouter } from './http/places.js';
import { buildPlaceIndex } from './place/placeIndex.js';
import { errorHandler, notFoundApi, refuseMalformedUtf8 } from './http/errors.js';
import { incidentsRouter } from './http/incidents.js';
import { IncidentService } from './incident/incidentService.js';
import type { Logger } from './log.js';
import { PROJECT_ROOT } from './paths.js';
import { IncidentStream } from './realtime/incidentStream.js';
import { backfillHistory } from './simulation/historyBackfill.js';
import { IncidentQueries } from './incident/incidentQueries.js';
import { buildSimModel } from './simulation/model.js';
import { startSimulator } from './simulation/runner.js';
import { SqliteStore } from './store/sqlite/sqliteStore.js';
import { sitesRouter } from './http/sites.js';
import { SiteFigures } from './site/siteFigures.js';
import { SiteRegistry } from './site/siteRegistry.js';
import { EvaluationService } from './evaluation/evaluationService.js';
import { evaluationDirectory } from './evaluation/directory.js';
import { evaluationRouter } from './http/evaluation.js';
import { reportsRouter } from './http/reports.js';
import { NoticeService } from './report/noticeService.js';
import { ReportArchive } from './report/reportArchive.js';
import { CampaignCases } from './campaign/campaignCases.js';
import { CampaignService } from './campaign/campaignService.js';
import { campaignsRouter } from './http/campaigns.js';
import { AssessmentService } from './evaluation/assessmentService.js';
import { evaluationRulesRouter } from './http/evaluationRules.js';
import { replayRouter } from './http/replay.js';
import { ReplayService } from './replay/replayService.js';

export interface RunningGridWatch {
  url: string;
  http: HttpServer;
  close(): Promise<void>;
}

const VERSION = '0.1.0';
/** Limits what one request may make the server parse; incident reports are a few hundred bytes. */
const JSON_BODY_LIMIT = '64kb';

/**
 * Builds and starts the whole server from a configuration: city, catalog, store, incident service,
 * HTTP API, live stream and simulator. index.ts only reads the environment and calls this, so tests
 * and benchmarks start exactly what production runs.
 */
export async function startGridWatch(config: Config, log: Logger): Promise<RunningGridWatch> {
  const started = Date.now();
  const catalog = loadCatalog();
  const { city, fromCache } = loadDefaultCity({ cacheDir: config.cityCacheDir, seed: config.citySeed });
  const grid = new GridIndex(city.layers.grid.features);
  const cells = city.layers.grid.features;
  log.info({ cells: cells.length, fromCache, ms: Date.now() - started }, 'city loaded');
  // Place search over the city's own names and cell codes (the 12345 desk's address box), built once.
  const placesStarted = Date.now();
  const places = buildPlaceIndex(city, { isInside: (lon, lat) => grid.locate(lon, lat) >= 0 });
  log.info({ places: places.size, ms: Date.now() - placesStarted }, 'place index built');

  const store = new SqliteStore(join(config.dataDir, 'gridwatch.db'), { caseNumberPrefix: config.caseNumberPrefix });
  const tracks = new TrackRecorder(store.teams);
  const teams = teamsFromBases(city.layers['team-bases'].features, catalog.categories, config.teamsPerBase);
  // The units responsible (departments and towns) and their crews; cases dispatched before units
  // existed get their team's unit.
  const units = unitsOf(catalog.departments, city.meta.towns, catalog.categories, teams);
  const unitsNamed = await store.cases.backfillUnits(new Map(teams.map((t) => [t.id, t.unitCode])));
  if (unitsNamed > 0) log.info({ cases: unitsNamed }, 'earlier dispatches given their team\'s unit');
  const roadGraph = buildRoadGraph(city.layers.roads.features);
  // Live road speeds (the seeded model, or a feed's readings): routing and the fleet's drives use them.
  // Road names for directions, by the graph's road index (the layer's order).
  const roadNameOf = (r: number) => {
    const p = city.layers.roads.features[r]!.properties;
    return { name: p.name, roadClass: p.class };
  };
  const roadSpeeds = new RoadSpeeds(roadGraph, { source: config.roadSpeeds, seed: config.simSeed, feedTtlMs: config.roadSpeedsTtlSeconds * 1000 });
  // Congestion drawn from those speeds: roads:speeds frames to the live picture, each area's index every
  // 5 minutes. A simulated city's past is the model's: 8 days of it are written at once (missing slots
  // only), so today can be read against the same weekday last week from the first start.
  const congestion = new CongestionService(
    { roads: city.layers.roads.features, towns: city.layers.towns.features, centre: loadCentre(), factorsAt: (ms) => roadSpeeds.factorsAt(ms), store: store.congestion },
    Date.now(),
  );
  if (config.sim && config.roadSpeeds === 'model') {
    const t0 = Date.now();
    const rows = await congestion.backfill(t0, 8, (ms) => modelFactors(roadGraph.roads, config.simSeed, ms));
    if (rows > 0) log.info({ rows, ms: Date.now() - t0 }, 'congestion history back-filled from the traffic model');
  }
  await congestion.prune(Date.now());
  await congestion.recordSlot(Date.now());
  // Teams' working hours: the roster's defaults with admins' edits; the fleet starts from them and
  // follows each edit once it has committed.
  const shifts = await TeamShiftService.load({
    roster: teams,
    store,
    applyShift: (teamId, shift) => fleet.setShift(teamId, shift),
    now: Date.now,
  });
  const fleet = new Fleet(roadGraph, shifts.teamsInForce(), { roadTimes: () => roadSpeeds.timesAt(Date.now()) });
  const auth = new AuthService(
    store,
    {
      sessionTtlMs: config.sessionTtlSeconds * 1000,
      wallSessionTtlMs: config.wallSessionTtlSeconds * 1000,
      maxFailuresPerAccount: config.loginMaxFailures,
      maxFailuresPerAddress: config.loginMaxFailuresPerAddress,
      failureWindowMs: config.loginBlockSeconds * 1000,
    },
    log.child({ module: 'auth' }),
    { teamExists: (teamId) => teams.some((t) => t.id === teamId), unitExists: (unitCode) => units.some((u) => u.code === unitCode) },
  );
  await auth.bootstrapAdmin(config.adminPassword);
  // The working calendar: the shipped defaults with admins' edits. Read `.current` at each use, so a
  // deadline set after an edit counts against it (deadlines already set stay as they are).
  const workCalendar = await WorkCalendarService.load({ defaults: loadCalendarDefaults(), store, now: Date.now });
  const clock = new CaseClock(catalog.stageLimits, () => workCalendar.current);
  // Who answers for each cell (责任网格): the default roster stored on the first start, admins' edits kept.
  const responsibilityCellDir = new CellDirectory(responsibilityCells(cells));
  await seedDefaultRoster({ store, cells: responsibilityCellDir, seed: config.citySeed, log });
  const responsibility = await ResponsibilityService.load({
    store,
    cells: responsibilityCellDir,
    units: unitsOfCells(responsibilityCellDir, city.layers.components.features, units),
    now: Date.now,
  });
  const cellAt = (lon: number, lat: number) => cells[grid.locate(lon, lat)]?.properties;
  const service = new IncidentService({
    store,
    categoryOf: (code) => catalog.byCode(code),
    cellAt,
    clock,
    // Only live reports call this, and they start after the stream below exists.
    onCommitted: (events) => committed(events),
    now: Date.now,
    newId: uuidv7,
    maxBatch: config.ingestMaxBatch,
    maxReportAgeMs: config.reportMaxAgeDays * 86_400_000,
  });

  const simModel = buildSimModel({
    city,
    categories: catalog.categories,
    isInsideCity: (lon: number, lat: number) => grid.locate(lon, lat) >= 0,
    townAt: (lon: number, lat: number) => cellAt(lon, lat)?.townCode,
  });
  if (config.historyDays > 0) {
    await backfillHistory({
      store,
      intake: service,
      ctx: simModel,
      teams: shifts.teamsInForce(),
      units,
      // The cell's own inspector verifies its past cases (责任网格).
      inspectorOf: (lon, lat) => {
        const person = responsibility.current.inspectorOfCell(grid.locate(lon, lat));
        return person ? { actor: `监督员 ${person.name}`, role: 'inspector' } : null;
      },
      // The crews drive the roads to their past cases: the replay of a recent day has them moving.
      roads: roadGraph,
      seed: config.simSeed, days: config.historyDays, log });
  }

  // Camera coverage: each camera's pieces of the cells it sees, computed once; which cameras are live
  // (heartbeats; silent past CAMERA_SILENT_SECONDS: out of the coverage at once).
  const cameraCoverage = new CameraCoverage(cells, camerasOfLayer(city.layers.cameras.features));
  log.info(cameraCoverage.stats, 'camera coverage precomputed');
  const cameraLog = log.child({ module: 'cameras' });
  const cameraLiveness = new CameraLiveness(cameraCoverage, { silentAfterMs: config.cameraSilentSeconds * 1000, now: Date.now, log: cameraLog });
  // Until the alerts and the socket take them: a line per change.
  cameraLiveness.onChange((c) => {
    if (c.camerasDown.length > 0) cameraLog.warn({ cameras: c.camerasDown.slice(0, 20), count: c.camerasDown.length, cells: c.changedCells.cells.length }, 'cameras silent: out of the coverage');
    if (c.camerasUp.length > 0) cameraLog.info({ cameras: c.camerasUp.slice(0, 20), count: c.camerasUp.length, cells: c.changedCells.cells.length }, 'cameras heard from again');
  });
  cameraLiveness.start();

  // Patrol and camera coverage of every cell, streamed as the cells change (coverage:cells).
  const coverage = new CoverageService(new PatrolCoverage(cells, {}, grid), cameraCoverage, cells.length);
  cameraLiveness.onChange((c) => coverage.camerasChanged(c.changedCells.cells));
  // The tracks stored in the last day (crews, inspectors' phones) are walked again: a restart keeps its coverage.
  {
    const t0 = Date.now();
    const since = t0 - PATROL_BACKFILL_MS;
    const teamPoints = await store.teams.tracksBetween(since, t0);
    const inspectorPoints = await store.inspectors.tracksBetween(since, t0);
    coverage.addFixes(teamPoints.map((p) => ({ trackerId: p.teamId, lon: p.lon, lat: p.lat, at: p.at })));
    coverage.addFixes(inspectorPoints.map((p) => ({ trackerId: `inspector:${p.username}`, lon: p.lon, lat: p.lat, at: p.at })));
    log.info({ teamPoints: teamPoints.length, inspectorPoints: inspectorPoints.length, ms: Date.now() - t0 }, 'stored tracks walked into the coverage');
  }
  // The simulated inspectors ride their areas (the roster's) in working hours; the last day is
  // back-filled at start, so coverage has data from the first minute, as incidents do.
  const patrols = config.sim ? simulatedPatrols(roadGraph, responsibility.current, cells, config.simSeed, Date.now() - PATROL_BACKFILL_MS) : undefined;
  if (patrols) {
    const t0 = Date.now();
    coverage.addFixes(patrols.advance(Date.now(), PATROL_BACKFILL_FIX_SECONDS).map(({ trackerId, fix }) => ({ trackerId, ...fix })));
    coverage.advanceTo(Date.now());
    log.info({ inspectors: patrols.inspectors, ms: Date.now() - t0, ...coverage.patrol.stats() }, 'patrols back-filled');
    // The towns' daily series of the simulated past, once per data directory (a week, or the history's days).
    const days = Math.min(TOWN_DAYS_BACKFILLED, config.historyDays);
    const today = localDayOf(Date.now());
    if (days > 0 && (await store.coverage.townDays(localDayOf(today.startMs - days * 86_400_000).day, today.day)).length === 0) {
      const t1 = Date.now();
      const rows = pastTownDays({
        g: roadGraph,
        responsibility: responsibility.current,
        cells,
        coverage: new PatrolCoverage(cells, {}, grid),
        seed: config.simSeed,
        days,
        now: Date.now(),
        cameraShare: (c) => cameraCoverage.shares[c]!,
      });
      await store.coverage.putTownDays(rows);
      log.info({ days, rows: rows.length, ms: Date.now() - t1 }, "towns' daily coverage back-filled");
    }
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.use(securityHeaders());
  app.use('/api', noStoreByDefault());
  app.use(compression());
  // Who is asking, whether they may, whether a cookie write comes from our own pages, and how often:
  // all before the body is even read.
  app.use(authenticate(auth));
  app.use(authorize());
  app.use(checkOrigin(config.publicUrl));
  app.use(limitWrites(config.writeRatePerMinute));
  app.use('/api/trackers/positions', express.json({ limit: TRACKER_BODY_LIMIT, verify: refuseMalformedUtf8 }));
  app.use('/api/cameras/heartbeat', express.json({ limit: CAMERA_HEARTBEAT_BODY_LIMIT, verify: refuseMalformedUtf8 }));
  // A registry import carries polygons: a few hundred sites are a few hundred KiB.
  app.use('/api/vacant-lots/import', express.json({ limit: '4mb', verify: refuseMalformedUtf8 }));
  app.use(express.json({ limit: JSON_BODY_LIMIT, verify: refuseMalformedUtf8 }));

  app.get('/api/health', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({
      status: 'ok',
      version: VERSION,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
      headSeq: stream.headSeq,
    });
  });
  // What the client needs to know about this installation.
  app.get('/api/settings', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json({ basemapStyle: config.basemapStyle });
  });
  const photos = new PhotoStore(join(config.dataDir, 'uploads'), store);
  const components = new ComponentMatcher(city.layers.components.features);
  const cases = new CaseService({
    store,
    teams: new Map(teams.map((t) => [t.id, t])),
    units,
    nearestComponent: (categoryCode, lon, lat) => components.nearest(categoryCode, lon, lat),
    onDuty: (teamId) => {
      const status = fleet.statusAt(teamId, Date.now());
      return status !== undefined && status !== 'off_duty' && status !== 'offline';
    },
    categoryOf: (code) => catalog.byCode(code),
    clock,
    routeBetween: (from, to) => routeBetween(roadGraph, from, to, roadNameOf, roadSpeeds.timesAt(Date.now())),
    teamPosition: (teamId) => fleet.positionOf(teamId),
    // The city's extent and 2 km around it: the router snaps to the nearest road.
    isNearCity: (lon, lat) => isNearCity(city.meta.bbox, lon, lat),
    photoCaseOf: async (photoId) => (await photos.meta(photoId))?.caseId,
    rankCandidates: (c, workloadOf, passOver, only) =>
      rankCandidates(roadGraph, c, fleet.teams(Date.now()).filter((t) => only.has(t.id)), workloadOf, { times: roadSpeeds.timesAt(Date.now()), passOver }),
    publish: (events) => committed(events),
    now: Date.now,
  });
  app.use('/api', authRouter(auth));
  // Reports, actions and photos may be retried by a phone's offline queue: their answers are replayed by key.
  app.use(['/api/incidents', '/api/cases/:id/actions', '/api/cases/:id/photos'], idempotent(new IdempotentAnswers(store)));
  app.use('/api', photosRouter(photos, cases));
  app.use('/api', casesRouter(cases, () => fleet.teams(Date.now())));
  app.use('/api', boardRouter(new BoardService({ store, crews: (now) => fleet.teams(now).map((t) => t.status), localDayStart: (ms) => clock.localDayStart(ms), now: Date.now })));
  app.use('/api', dispatchRouter(cases));
  app.use('/api', teamShiftsRouter(shifts));
  const trackers = new TrackerService({
    store,
    fleet,
    teamTracks: tracks,
    isNearCity: (lon, lat) => isNearCity(city.meta.bbox, lon, lat),
    now: Date.now,
    onFixes: (fixes) => coverage.addFixes(fixes),
  });
  app.use('/api', teamsRouter(fleet, tracks, trackers));
  app.use('/api', trackersRouter(trackers));
  app.use('/api', inspectRouter(new InspectTaskQueue({ store })));
  app.use('/api', roadsRouter(roadSpeeds));
  app.use('/api', congestionRouter(congestion));
  app.use('/api', camerasRouter(cameraCoverage, cameraLiveness));
  app.use('/api', usersRouter(auth));
  app.use('/api', tokensRouter(auth));
  app.use('/api', auditRouter(auth));
  // The stream exists once the HTTP server does (below); the route asks for it at request time.
  app.use('/api', streamRouter({ describeSockets: () => stream.describeSockets() }));
  app.use('/api', calendarRouter(workCalendar));
  app.use('/api', responsibilityRouter(responsibility));
  app.use('/api', coverageRouter(coverage));
  const blindSpots = new BlindSpotService({
    city,
    grid,
    store,
    lastPatrolAt: (c) => coverage.patrol.lastPatrolAt(c),
    cameraShare: (c) => cameraCoverage.shares[c]!,
    hasInspector: (c) => responsibility.current.inspectorOfCell(c) !== null,
    now: Date.now,
  });
  app.use('/api', blindSpotsRouter(blindSpots));
  // The score column of the coverage frames: every cell scored at start (the snapshot carries it from
  // the first request), again once the reports are counted, then each minute in the coverage tick.
  const scoreCells = () => coverage.scoresChanged(blindSpots.scores());
  scoreCells();
  // The alerts that stand at start (nobody is connected yet to hear them: pages read them on connect).
  blindSpots.patrolAlerts();
  blindSpots
    .refreshReports()
    .then(scoreCells)
    .catch((err: unknown) => log.error({ err }, 'reports per cell not counted'));
  const cellIndexByCode = new Map(cells.map((c, i) => [c.properties.code, i]));
  const themePlaces = new ThemePlaces(city);
  // The last 90 days of points in memory, for the density layers and the hotspots (appended in `committed`).
  const recentPoints = new RecentPoints({
    isNear: (place, lon, lat, m) => themePlaces.isNear(place, lon, lat, m),
    keepMs: RECENT_POINTS_DAYS * 86_400_000,
    lotsVersion: () => themePlaces.lotsVersion,
    cellIndexOf: (code) => cellIndexByCode.get(code) ?? -1,
  });
  {
    const since = Date.now() - RECENT_POINTS_DAYS * 86_400_000;
    recentPoints.load(await store.incidents.points(since, Date.now() + 86_400_000), since);
  }
  const prunePoints = setInterval(() => recentPoints.prune(Date.now()), 3_600_000);
  prunePoints.unref();
  const incidentQueries = new IncidentQueries({
    store,
    cellIndexOf: (code) => cellIndexByCode.get(code) ?? -1,
    bounds: city.meta.bbox,
    places: themePlaces,
    recent: recentPoints,
    now: Date.now,
  });
  app.use('/api/incidents', incidentsRouter(service, incidentQueries));
  app.use('/api', hotspotsRouter(new HotspotService({ city, queries: incidentQueries, now: Date.now })));
  // Vacant lots and material yards: the registry (seeded from the default city on the first start)
  // serves the basemap's vacant-lots layer too, so it goes ahead of the city's static layers.
  const siteRegistry = await SiteRegistry.load({ store, city, townAt: (lon, lat) => cellAt(lon, lat)?.townCode, now: Date.now, log });
  // The vacant-lot theme follows the registry: the admins' edits and imports move its places.
  themePlaces.followSites(siteRegistry);
  app.use('/api', sitesRouter(siteRegistry, new SiteFigures({ points: (since, until) => incidentQueries.filteredPoints(since, until, { theme: 'all' }), registry: siteRegistry, now: Date.now })));
  // 专项整治: campaigns measured from the reports, the cases and the congestion slots (the Wujin seed's
  // four stored on a fresh database).
  const centre = loadCentre();
  // The open-case measure reads the evaluation's facts (folded below, before the server listens).
  const campaignCases = new CampaignCases({ allFacts: () => evaluation.allFacts() });
  const campaigns = await CampaignService.load({
    store,
    cases: campaignCases,
    points: (since, until, theme) => incidentQueries.filteredPoints(since, until, { theme }),
    isNear: (place, lon, lat, m) => themePlaces.isNear(place, lon, lat, m),
    centre: centre.geometry,
    centreArea: centre.properties.code,
    unitExists: (code) => units.some((u) => u.code === code),
    townExists: (code) => city.meta.towns.some((t) => t.code === code),
    categoryExists: (code) => catalog.byCode(code) !== undefined,
    now: Date.now,
    log,
  });
  app.use('/api', campaignsRouter(campaigns));
  app.use('/api', cityRouter(city, (lon, lat) => grid.locate(lon, lat)));
  app.use('/api', placesRouter(places));
  app.use('/api', categoriesRouter(catalog.categories, catalog.departments));
  app.use('/api', unitsRouter(units));
  // 综合评价: every case's facts folded from the log once, then kept up to date in `committed`.
  const evaluationStarted = Date.now();
  // 考核: the rules, exclusions and appeals the evaluation reads at each request (the facts it asks for are the evaluation's).
  const assessment = await AssessmentService.load({ store, factsOf: (id) => evaluation.factsOf(id), allFacts: () => evaluation.allFacts(), now: Date.now });
  const evaluation = await EvaluationService.load({
    store,
    directory: evaluationDirectory({ city, units, roster: () => responsibility.current }),
    now: Date.now,
    rules: () => assessment.rules,
    adjustments: () => assessment.adjustments,
    exclusionsOf: (isOfPeriod) => assessment.exclusionsOf(isOfPeriod),
    checkpointPath: join(config.dataDir, 'cache', 'evaluation-facts.bin'),
  });
  log.info({ cases: evaluation.size, ms: Date.now() - evaluationStarted, ...evaluation.loaded }, 'evaluation facts folded from the log');
  // The facts checkpointed once enough events have been folded since the last checkpoint (the whole
  // log, at a first start), checked each minute and at a clean stop: the next start reads them back
  // and folds only the events after.
  let checkpointing: Promise<unknown> = Promise.resolve();
  const checkpointFacts = () => {
    if (evaluation.sinceCheckpoint < config.factsCheckpointEvents) return checkpointing;
    const started = Date.now();
    checkpointing = evaluation
      .saveCheckpoint()
      .then((saved) => saved && log.info({ ...saved, ms: Date.now() - started }, 'evaluation facts checkpointed'))
      .catch((err: unknown) => log.warn({ err }, 'evaluation facts not checkpointed'));
    return checkpointing;
  };
  const checkpointTimer = setInterval(() => void checkpointFacts(), 60_000);
  checkpointTimer.unref();
  app.use('/api', evaluationRouter(evaluation, { pdfFont: config.pdfFont }));
  // 通报 and the scheduled reports (周报, 月报), kept under DATA_DIR/reports.
  const townLabels = new Map(city.meta.towns.map((t) => [t.code, t.labelPoint]));
  const notices = new NoticeService({
    evaluate: (q) => evaluation.evaluate(q),
    facts: () => evaluation.allFacts(),
    caseOf: (id) => store.incidents.get(id),
    categoryName: (code) => catalog.byCode(code)?.name,
    townName: (code) => city.meta.towns.find((t) => t.code === code)?.name,
    unitName: (code) => units.find((u) => u.code === code)?.name,
    towns: city.layers.towns.features.map((f) => ({ code: f.properties.code, name: f.properties.name.zh, geometry: f.geometry, labelPoint: townLabels.get(f.properties.code) })),
    now: Date.now,
  });
  const reportArchive = new ReportArchive({
    store,
    dir: join(config.dataDir, 'reports'),
    notices,
    evaluate: (q) => evaluation.evaluate(q),
    pdfFont: config.pdfFont,
    since: () => evaluation.allFacts().reduce((m, f) => Math.min(m, f.reportedAt), Infinity),
    now: Date.now,
    log: log.child({ module: 'reports' }),
  });
  app.use('/api', reportsRouter({ notices, archive: reportArchive, pdfFont: config.pdfFont }));
  app.use('/api', evaluationRulesRouter(assessment));
  // 复盘: a day or a case again from the log and the stored tracks.
  app.use('/api', replayRouter(new ReplayService({ incidents: store.incidents, teams: store.teams, headSeq: () => store.headSeq(), roster: () => fleet.teams(Date.now()), now: Date.now })));
  app.use('/api', notFoundApi);

  const clientDir = join(PROJECT_ROOT, 'dist', 'client');
  if (existsSync(join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    // Client-side routes (/wall, /dispatch, …) all load the same page.
    app.get(/^\/(?!api\/|socket\.io\/).*/, (_req, res) => {
      res.set('Cache-Control', 'no-cache').sendFile(join(clientDir, 'index.html'));
    });
  }
  app.use(errorHandler(log));

  const http = createServer(app);
  const io = new SocketServer<ClientToServerEvents, ServerToClientEvents>(http, { serveClient: false });
  const sockets = secureSockets(io, auth, log.child({ module: 'sockets' }), { publicUrl: config.publicUrl });
  limitSockets(io, { perSession: config.streamMaxSocketsPerSession, perToken: config.streamMaxSocketsPerToken }, log.child({ module: 'sockets' }));
  const stream = new IncidentStream(io, store, await store.headSeq(), log.child({ module: 'stream' }), {
    maxBufferedBytes: config.streamMaxBufferedBytes,
  });
  joinLivePicture(io);
  // Field phones and unit desks hear of changes to their cases at once (team:<teamId>, unit:<unitCode> rooms).
  const teamTasks = new TeamTasks(io);
  for (const t of teams) teamTasks.track(await store.cases.ofTeam(t.id));
  for (const u of units) teamTasks.track(await store.cases.ofUnit(u.code));
  const overdue = new OverdueWatch((msg) => toLivePicture(io).emit('case:overdue', msg));
  // Cameras out of the coverage (or back) go to the dispatchers and walls, a message per change.
  cameraLiveness.onChange((c) => {
    toLivePicture(io).emit('camera:alert', {
      down: c.camerasDown.slice(0, 50),
      up: c.camerasUp.slice(0, 50),
      ...cameraLiveness.silentCount(),
      cells: c.changedCells.cells.length,
      at: new Date().toISOString(),
    });
  });
  for (const c of await store.cases.dueAfter(Date.now())) overdue.track(c);
  /** Every committed change goes to the live stream and to the overdue watch. */
  function committed(events: IncidentEvent[]): void {
    stream.publish(events);
    teamTasks.publish(events);
    for (const e of events) {
      if (e.kind !== 'created') continue;
      const i = e.incident;
      recentPoints.add({ lon: i.lon, lat: i.lat, reportedAt: Date.parse(i.reportedAt), categoryCode: i.categoryCode, source: i.source, townCode: i.townCode, gridCode: i.gridCode, h3: incidentH3(i.lon, i.lat) });
    }
    for (const e of events) overdue.track(e.incident);
    teamSim?.onCommitted(events);
    evaluation.committed(events);
  }
  // Where the teams are, a few times a minute, to everyone watching the live picture.
  // Where the teams have been: a track point per team that moved or changed status, once a tick.
  const trackLog = log.child({ module: 'tracks' });
  const positionsTimer = setInterval(() => {
    const now = Date.now();
    toLivePicture(io).emit('team:positions', fleet.message(now));
    // Crews on the move patrol too: where the fleet has them now (a reported fix was walked when it came).
    coverage.addFixes(crewsMoved(fleet.teams(now), now));
    tracks.record(fleet.teams(now), now).catch((err: unknown) => trackLog.error({ err }, 'track points not stored'));
  }, config.teamPositionsMs);
  positionsTimer.unref();
  // A crew standing at its base or on a site patrols nothing: only a move since the last tick is walked.
  const crewsLastAt = new Map<string, string>();
  // Where the crews stand at start is not a patrol: only their moves from there are.
  for (const t of fleet.teams(Date.now())) if (t.position) crewsLastAt.set(t.id, `${t.position.lon},${t.position.lat}`);
  function crewsMoved(teams: readonly Team[], now: number) {
    const moved = [];
    for (const t of teams) {
      if (!t.position || t.status === 'offline' || t.status === 'off_duty') continue;
      const where = `${t.position.lon},${t.position.lat}`;
      if (crewsLastAt.get(t.id) === where) continue;
      crewsLastAt.set(t.id, where);
      moved.push({ trackerId: t.id, lon: t.position.lon, lat: t.position.lat, at: now });
    }
    return moved;
  }
  // The cells whose coverage changed, a few times a minute, as one binary frame to the live picture.
  let coverageTicks = 0;
  let coverageDay = localDayOf(Date.now());
  const coverageTimer = setInterval(() => {
    const now = Date.now();
    if (patrols) coverage.addFixes(patrols.advance(now).map(({ trackerId, fix }) => ({ trackerId, ...fix })));
    // The first tick of a new local day records the day that ended, for the towns' series.
    const day = localDayOf(now);
    if (day.day !== coverageDay.day) {
      const ended = coverageDay;
      coverageDay = day;
      const rows = townCoverageDay(ended.day, cells, (c) => coverage.patrol.lastPatrolAt(c) >= ended.startMs, (c) => cameraCoverage.shares[c]!, (c) => responsibility.current.inspectorOfCell(c) !== null);
      store.coverage.putTownDays(rows).catch((err: unknown) => log.error({ err }, "towns' daily coverage not stored"));
    }
    if (++coverageTicks % 30 === 0) {
      coverage.advanceTo(now);
      // The reports are counted again at most hourly (off this tick); the scores use the last count.
      blindSpots.refreshReports().catch((err: unknown) => log.error({ err }, 'reports per cell not counted'));
      scoreCells();
      // Towns whose cells go unpatrolled (or are back under control): to dispatchers and walls.
      for (const a of blindSpots.patrolAlerts()) toLivePicture(io).emit('coverage:alert', a);
    }
    const frame = coverage.takeFrame(now);
    if (frame) toLivePicture(io).emit('coverage:cells', frame);
  }, config.coverageFrameMs);
  coverageTimer.unref();
  // The roads whose congestion byte moved (the model's minute, a feed's report), as one binary frame;
  // and the 5-minute slot, once it starts.
  const congestionTimer = setInterval(() => {
    const frame = congestion.takeFrame(Date.now());
    if (frame) toLivePicture(io).emit('roads:speeds', frame);
    congestion.recordSlot(Date.now()).catch((err: unknown) => log.error({ err }, 'congestion slot not stored'));
  }, config.coverageFrameMs);
  congestionTimer.unref();
  const pruneTracks = () =>
    trackers.prune(Date.now() - config.trackRetentionDays * 86_400_000).catch((err: unknown) => trackLog.error({ err }, 'tracks not pruned'));
  void pruneTracks();
  const pruneTimer = setInterval(() => void pruneTracks(), 3_600_000);
  pruneTimer.unref();
  const teamSim = config.sim
    ? startTeamSimulator({ fleet, cases, store, units: units.map((u) => u.code), seed: config.simSeed, speed: config.simSpeed, log: log.child({ module: 'teams' }) })
    : undefined;
  // Teams with open cases (back-filled history, or left when the server stopped) set off for them.
  await teamSim?.resume();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const addr = http.address() as AddressInfo;
  const url = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;
  log.info({ url, ms: Date.now() - started }, 'GridWatch listening');
  // The reports missed while the server was down, made in the background once it listens.
  void reportArchive.start();

  // The simulated cameras beat until a gateway reports, and drop out now and then.
  const cameraSim = config.sim
    ? startCameraSimulator({ liveness: cameraLiveness, cameraIds: cameraCoverage.cameraIds, seed: config.simSeed, speed: config.simSpeed, log: cameraLog })
    : undefined;
  const sim = config.sim
    ? startSimulator({ intake: service, ctx: simModel, seed: config.simSeed, speed: config.simSpeed, log: log.child({ module: 'sim' }) })
    : undefined;

  return {
    url,
    http,
    async close() {
      sim?.stop();
      cameraSim?.stop();
      clearInterval(coverageTimer);
      clearInterval(congestionTimer);
      clearInterval(prunePoints);
      cameraLiveness.stop();
      sockets.stop();
      stream.stop();
      overdue.stop();
      teamSim?.stop();
      reportArchive.stop();
      clearInterval(positionsTimer);
      clearInterval(pruneTimer);
      clearInterval(checkpointTimer);
      await checkpointing;
      await service.drain();
      await checkpointFacts();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await store.close();
    },
  };
}
