/**
 * Numbered schema migrations, applied in order inside one transaction each and recorded in
 * schema_migrations. Never edit a migration that has shipped: add the next number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'incidents and event log',
    sql: `
      CREATE TABLE incidents (
        rid            INTEGER PRIMARY KEY,  -- compact key for the log and the R*-tree
        id             TEXT NOT NULL UNIQUE,
        seq            INTEGER NOT NULL,
        version        INTEGER NOT NULL,
        category_code  TEXT NOT NULL,
        lon            REAL NOT NULL,
        lat            REAL NOT NULL,
        grid_code      TEXT NOT NULL,
        town_code      TEXT NOT NULL,
        community_code TEXT NOT NULL,
        status         TEXT NOT NULL,
        source         TEXT NOT NULL,
        description    TEXT NOT NULL,
        reported_at    INTEGER NOT NULL,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        deadline_at    INTEGER NOT NULL,
        closed_at      INTEGER
      );
      CREATE INDEX incidents_by_reported ON incidents (reported_at DESC, id DESC);
      CREATE INDEX incidents_by_status ON incidents (status, reported_at DESC);
      CREATE INDEX incidents_by_town ON incidents (town_code, reported_at DESC);
      CREATE INDEX incidents_by_category ON incidents (category_code, reported_at DESC);
      -- bbox queries go through an R*-tree keyed by rid.
      CREATE VIRTUAL TABLE incidents_rtree USING rtree (rid, min_lon, max_lon, min_lat, max_lat);

      -- The append-only log. seq is assigned by the writer (head + 1) inside the same transaction
      -- as the change, so a rolled-back change leaves no gap.
      CREATE TABLE events (
        seq         INTEGER PRIMARY KEY,
        incident_rid INTEGER NOT NULL REFERENCES incidents (rid),
        kind        TEXT NOT NULL,
        at          INTEGER NOT NULL,
        payload     TEXT NOT NULL
      );
      CREATE INDEX events_by_incident ON events (incident_rid, seq);
      CREATE TRIGGER events_are_append_only_u BEFORE UPDATE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER events_are_append_only_d BEFORE DELETE ON events
        BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
  },
  {
    version: 2,
    name: 'reporter contact; users, sessions, API tokens and the audit log',
    sql: `
      -- The reporter's contact (personal data) as JSON {name?, phone?}; null when none was given.
      ALTER TABLE incidents ADD COLUMN reporter TEXT;

      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        display_name  TEXT NOT NULL,
        role          TEXT NOT NULL,
        password_hash TEXT NOT NULL,   -- scrypt, with its parameters and salt
        disabled      INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      );

      -- Machines' tokens. Only a hash of the secret is kept: the token is shown once, at creation.
      CREATE TABLE api_tokens (
        id           TEXT PRIMARY KEY,
        name         TEXT NOT NULL,
        role         TEXT NOT NULL,
        secret_hash  TEXT NOT NULL,
        created_by   TEXT NOT NULL,
        created_at   INTEGER NOT NULL,
        last_used_at INTEGER,
        revoked_at   INTEGER
      );

      -- Sessions are keyed by a hash of the cookie's value, so a copy of the database opens none.
      -- A session belongs to a user, or (a wall display's kiosk session) to the token it came from.
      CREATE TABLE sessions (
        id_hash    TEXT PRIMARY KEY,
        user_id    INTEGER REFERENCES users (id),
        token_id   TEXT REFERENCES api_tokens (id),
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX sessions_by_user ON sessions (user_id);
      CREATE INDEX sessions_by_token ON sessions (token_id);

      CREATE TABLE audit_log (
        id          INTEGER PRIMARY KEY,
        at          INTEGER NOT NULL,
        actor       TEXT NOT NULL,
        role        TEXT NOT NULL,
        action      TEXT NOT NULL,
        object_type TEXT NOT NULL,
        object_id   TEXT NOT NULL,
        detail      TEXT,
        address     TEXT
      );
      CREATE TRIGGER audit_is_append_only_u BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_is_append_only_d BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 3,
    name: 'who reported; the workflow state of a case',
    sql: `
      ALTER TABLE incidents ADD COLUMN reported_by TEXT;      -- JSON {name, role}
      ALTER TABLE incidents ADD COLUMN team_id TEXT;
      ALTER TABLE incidents ADD COLUMN urge_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE incidents ADD COLUMN rework_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE incidents ADD COLUMN suspended_from TEXT;
      ALTER TABLE incidents ADD COLUMN closure_kind TEXT;
      ALTER TABLE incidents ADD COLUMN arrived_at INTEGER;
      CREATE INDEX incidents_by_team ON incidents (team_id, status) WHERE team_id IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'the team a field account belongs to',
    sql: `ALTER TABLE users ADD COLUMN team_id TEXT;`,
  },
  {
    version: 5,
    name: 'idempotency keys; photos',
    sql: `
      -- The first answer to a request sent with an Idempotency-Key, replayed to its retries.
      CREATE TABLE idempotency_keys (
        principal TEXT NOT NULL,
        key       TEXT NOT NULL,
        request   TEXT NOT NULL,     -- method and path: a key reused for another request is refused
        status    INTEGER NOT NULL,
        body      TEXT NOT NULL,
        at        INTEGER NOT NULL,
        PRIMARY KEY (principal, key)
      );
      CREATE INDEX idempotency_by_age ON idempotency_keys (at);

      -- Photos are files under DATA_DIR/uploads (outside the web root); this is what is known of them.
      CREATE TABLE photos (
        id           TEXT PRIMARY KEY,
        case_id      TEXT NOT NULL,
        content_type TEXT NOT NULL,
        bytes        INTEGER NOT NULL,
        file         TEXT NOT NULL,
        uploaded_by  TEXT NOT NULL,
        at           INTEGER NOT NULL
      );
      CREATE INDEX photos_by_case ON photos (case_id);
    `,
  },
  {
    version: 6,
    name: 'stage deadlines; merged duplicates',
    sql: `
      -- When the current stage (accept, register, dispatch, verify, close) must be done; NULL while
      -- handling (the handling deadline applies) and once closed.
      ALTER TABLE incidents ADD COLUMN stage_deadline_at INTEGER;
      -- A duplicate report merged into an open case: that case's id.
      ALTER TABLE incidents ADD COLUMN merged_into TEXT;
      CREATE INDEX incidents_by_merged_into ON incidents (merged_into) WHERE merged_into IS NOT NULL;
      -- Today's closures, for the board's counters.
      CREATE INDEX incidents_by_closed_at ON incidents (closed_at) WHERE closed_at IS NOT NULL;
    `,
  },
  {
    version: 7,
    name: 'the working calendar as admins edit it',
    sql: `
      -- A year listed here replaces that year of the shipped calendar (data/calendar/holidays-cn.json):
      -- its holidays and adjusted workdays are exactly the days below, none of the file's.
      CREATE TABLE calendar_years (
        year       INTEGER PRIMARY KEY,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      -- One row per special day: a day is a holiday or an adjusted workday (调休), never both.
      CREATE TABLE calendar_days (
        day  TEXT PRIMARY KEY,   -- local ISO date, YYYY-MM-DD
        year INTEGER NOT NULL REFERENCES calendar_years (year),
        kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday'))
      );
      CREATE INDEX calendar_days_by_year ON calendar_days (year);
    `,
  },
  {
    version: 8,
    name: 'team tracks',
    sql: `
      -- Where each team has been (轨迹): a point when it moved or changed status, at least once a
      -- minute while it reports; pruned after TRACK_RETENTION_DAYS.
      CREATE TABLE team_track (
        team_id TEXT NOT NULL,
        at      INTEGER NOT NULL,   -- epoch ms
        lon     REAL NOT NULL,
        lat     REAL NOT NULL,
        status  TEXT NOT NULL,
        PRIMARY KEY (team_id, at)
      ) WITHOUT ROWID;
      CREATE INDEX team_track_by_time ON team_track (at);
    `,
  },
  {
    version: 9,
    name: 'team shifts as admins set them',
    sql: `
      -- A team listed here works these hours instead of its roster default (teamRoster.defaultShift).
      CREATE TABLE team_shifts (
        team_id     TEXT PRIMARY KEY,
        shift_start TEXT NOT NULL,   -- local HH:MM
        shift_end   TEXT NOT NULL,   -- local HH:MM, or 24:00
        updated_at  INTEGER NOT NULL,
        updated_by  TEXT NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: 'callbacks to public reporters',
    sql: `
      -- The last callback (回访) after closure: {"reached": bool, "satisfaction": …|null, "at": epoch ms}.
      ALTER TABLE incidents ADD COLUMN callback TEXT;
    `,
  },
  {
    version: 11,
    name: 'case numbers a caller can quote',
    sql: `
      -- WJ-20261206-0042; cases stored before this are numbered when the store opens (SqliteStore).
      ALTER TABLE incidents ADD COLUMN number TEXT;
      CREATE UNIQUE INDEX incidents_by_number ON incidents (number);
      -- The last number given on each day (China time, YYYYMMDD).
      CREATE TABLE case_number_days (day TEXT PRIMARY KEY, last INTEGER NOT NULL);
    `,
  },
  {
    version: 12,
    name: 'inspector tracks',
    sql: `
      -- Where each inspector has been, as team_track for teams (migration 8): a point when the phone
      -- moved or stood for a minute; no status (an inspector has none). Pruned after TRACK_RETENTION_DAYS.
      CREATE TABLE inspector_track (
        username TEXT NOT NULL,
        at       INTEGER NOT NULL,   -- epoch ms
        lon      REAL NOT NULL,
        lat      REAL NOT NULL,
        PRIMARY KEY (username, at)
      ) WITHOUT ROWID;
      CREATE INDEX inspector_track_by_time ON inspector_track (at);
    `,
  },
  {
    version: 13,
    name: 'units responsible, applications, handling and closure clocks',
    sql: `
      -- The handling deadline (处置时限) now runs from the dispatch to the unit, so it is NULL before
      -- dispatch. SQLite cannot drop NOT NULL in place: the column is replaced by a nullable one.
      -- Cases a unit already has keep the deadline they had (counted from the report); earlier ones get theirs on dispatch.
      ALTER TABLE incidents ADD COLUMN handling_deadline_at INTEGER;
      UPDATE incidents SET handling_deadline_at = deadline_at
        WHERE status IN ('dispatched', 'handling', 'handled', 'verified', 'closed')
           OR (status = 'suspended' AND suspended_from IN ('dispatched', 'handling'));
      -- The closure deadline (结案时限) runs from registration. For a case registered before it
      -- existed, the old deadline (from the report, the case's only limit then) is the closest
      -- measure there is; the catalog's closeLimit applies from the next registration on.
      ALTER TABLE incidents ADD COLUMN close_deadline_at INTEGER;
      UPDATE incidents SET close_deadline_at = deadline_at WHERE status NOT IN ('reported', 'accepted', 'rejected');
      ALTER TABLE incidents DROP COLUMN deadline_at;
      ALTER TABLE incidents RENAME COLUMN handling_deadline_at TO deadline_at;
      -- The unit responsible a case is dispatched to; older dispatches get their team's unit when the
      -- server starts with its roster (CaseRepository.backfillUnits).
      ALTER TABLE incidents ADD COLUMN unit_code TEXT;
      CREATE INDEX incidents_by_unit ON incidents (unit_code, status) WHERE unit_code IS NOT NULL;
      -- A unit's application waiting for the centre: {"kind", "extendHours", "reason", "by", "at"}.
      ALTER TABLE incidents ADD COLUMN application TEXT;
      CREATE INDEX incidents_with_application ON incidents (status) WHERE application IS NOT NULL;
      -- When an inspector confirmed (核实) a report.
      ALTER TABLE incidents ADD COLUMN confirmed_at INTEGER;
      -- A unit desk account's unit.
      ALTER TABLE users ADD COLUMN unit_code TEXT;
    `,
  },
  {
    version: 14,
    name: 'responsibility roster and assignments',
    sql: `
      -- The people who answer for the grid (责任网格): inspectors (监督员), grid workers (网格员) and
      -- grid heads (网格长); username is the person's account, when they have one.
      CREATE TABLE responsibility_people (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('inspector', 'grid_worker', 'grid_head')),
        username   TEXT,
        updated_at INTEGER NOT NULL,   -- epoch ms
        updated_by TEXT NOT NULL
      ) WITHOUT ROWID;
      -- Who holds each role on a responsibility grid (scope 'grid', its code) or on one cell (scope
      -- 'cell', its 15-digit code, set when a selection split a grid); person_id NULL is nobody. A cell
      -- with no row of its own for a role inherits its grid's. Seeded from the default roster on the
      -- first start (meta responsibility_seeded_at).
      CREATE TABLE responsibility_assignments (
        scope      TEXT NOT NULL CHECK (scope IN ('grid', 'cell')),
        code       TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('inspector', 'grid_worker', 'grid_head')),
        person_id  TEXT,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (scope, code, role)
      ) WITHOUT ROWID;
      CREATE INDEX responsibility_assignments_by_person ON responsibility_assignments (person_id) WHERE person_id IS NOT NULL;
    `,
  },
  {
    version: 15,
    name: 'towns\' daily coverage',
    sql: `
      -- A town's coverage over one local day, recorded at its end (and back-filled for the simulated past).
      CREATE TABLE coverage_town_days (
        day            TEXT NOT NULL,   -- local ISO date, YYYY-MM-DD
        town_code      TEXT NOT NULL,
        patrolled      REAL NOT NULL,   -- share of its cells patrolled at least once that day
        under_camera   REAL NOT NULL,   -- share of its area under a working camera at the day's end
        with_inspector REAL NOT NULL,   -- share of its cells with an inspector at the day's end
        PRIMARY KEY (day, town_code)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 16,
    name: 'congestion every 5 minutes',
    sql: `
      -- Each area's congestion index (free-flow ÷ current travel time over its roads) in each
      -- 5-minute slot: towns by code, the centre as 'centre'. Pruned after about 15 days.
      CREATE TABLE congestion_5min (
        area  TEXT NOT NULL,
        slot  INTEGER NOT NULL,   -- epoch ms ÷ 300000: the slot's start
        "index" REAL NOT NULL,    -- 0–1, 1 free-flow
        PRIMARY KEY (area, slot)
      ) WITHOUT ROWID;
      CREATE INDEX congestion_5min_by_slot ON congestion_5min (slot);
    `,
  },
  {
    version: 17,
    name: 'vacant lots and material yards',
    sql: `
      -- The registry of vacant lots (闲置地块) and material yards (堆物堆料), seeded from the default
      -- city on the first start (meta sites_seeded_at), kept by admins and imports.
      CREATE TABLE sites (
        id         TEXT PRIMARY KEY,
        kind       TEXT NOT NULL CHECK (kind IN ('vacant_lot', 'material_yard')),
        name_zh    TEXT NOT NULL,
        name_en    TEXT NOT NULL,
        geometry   TEXT NOT NULL,   -- GeoJSON Polygon or MultiPolygon, WGS-84
        owner      TEXT,
        area_m2    REAL NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('idle', 'fenced', 'greened', 'under_construction', 'returned_to_use')),
        treated_at INTEGER,         -- epoch ms: when its status last changed from idle
        town_code  TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      ) WITHOUT ROWID;
      -- A site's status changes are read back from the audit log, object by object.
      CREATE INDEX audit_log_by_object ON audit_log (object_type, object_id, id);
    `,
  },
  {
    version: 18,
    name: "incidents' H3 cells",
    sql: `
      -- Each incident's H3 cell (resolution 8), stored at ingest for the hexagon maps and hotspots;
      -- the cases stored before it get theirs on open (fillIncidentH3), in one pass.
      ALTER TABLE incidents ADD COLUMN h3_8 TEXT;
    `,
  },
  {
    version: 19,
    name: 'campaigns',
    sql: `
      -- 专项整治: campaigns set by leaders and admins (audited), the Wujin seed's four stored on the
      -- first start (meta campaigns_seeded_at). Scope, target and baseline span are JSON as the wire
      -- carries them (shared/schema/campaign.ts).
      CREATE TABLE campaigns (
        id           TEXT PRIMARY KEY,
        name_zh      TEXT NOT NULL,
        name_en      TEXT NOT NULL,
        description  TEXT NOT NULL,
        scope        TEXT NOT NULL,
        target       TEXT NOT NULL,
        baseline     TEXT NOT NULL,
        start_at     INTEGER NOT NULL,
        deadline_at  INTEGER NOT NULL,
        unit_code    TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('active', 'closed')),
        closed_at    INTEGER,
        created_at   INTEGER NOT NULL,
        created_by   TEXT NOT NULL,
        updated_at   INTEGER NOT NULL,
        updated_by   TEXT NOT NULL
      ) WITHOUT ROWID;
      -- A campaign's measure over spans already past (its baseline, its weeks), kept once measured:
      -- the incident points are held 91 days and the congestion slots 15, and a campaign runs months.
      -- Dropped when the campaign's scope, target, baseline or start change.
      CREATE TABLE campaign_measures (
        campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
        since       INTEGER NOT NULL,
        until       INTEGER NOT NULL,
        value       REAL NOT NULL,
        PRIMARY KEY (campaign_id, since, until)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 20,
    name: "the evaluation's rules, exclusions and appeals",
    sql: `
      -- The composite's weights, rule and grade bounds as an admin last set them (one row; none: the shipped default).
      CREATE TABLE evaluation_rules (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        rules      TEXT NOT NULL,     -- JSON, EvaluationRules
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL
      );
      -- Cases excluded from assessment (不纳入考核); a revoked exclusion is deleted (the audit log keeps both).
      CREATE TABLE assessment_exclusions (
        case_id     TEXT PRIMARY KEY,
        case_number TEXT,
        reason      TEXT NOT NULL,
        excluded_by TEXT NOT NULL,
        excluded_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- Units' appeals (申诉) against a judgement on their turn with a case, decided by the centre.
      CREATE TABLE case_appeals (
        id            INTEGER PRIMARY KEY,
        case_id       TEXT NOT NULL,
        case_number   TEXT,
        unit_code     TEXT NOT NULL,
        judgement     TEXT NOT NULL CHECK (judgement IN ('overdue', 'rework', 'extension', 'returned')),
        reason        TEXT NOT NULL,
        status        TEXT NOT NULL CHECK (status IN ('pending', 'upheld', 'rejected')),
        filed_by      TEXT NOT NULL,
        filed_at      INTEGER NOT NULL,
        decided_by    TEXT,
        decided_at    INTEGER,
        decision_note TEXT
      );
      -- One pending appeal per case, unit and judgement: a second request, however close, is refused.
      CREATE UNIQUE INDEX case_appeals_one_pending ON case_appeals (case_id, unit_code, judgement) WHERE status = 'pending';
    `,
  },
  {
    version: 21,
    name: 'scheduled reports',
    sql: `
      -- 周报 and 月报 the server generated on schedule (or caught up at start), one per kind and
      -- period; the files lie under DATA_DIR/reports, named in files (JSON [{format, name, bytes}]).
      CREATE TABLE reports (
        id           TEXT PRIMARY KEY,
        kind         TEXT NOT NULL CHECK (kind IN ('weekly', 'monthly')),
        period       TEXT NOT NULL,
        due_at       INTEGER NOT NULL,
        generated_at INTEGER NOT NULL,
        files        TEXT NOT NULL,
        UNIQUE (kind, period)
      ) WITHOUT ROWID;
    `,
  },
];
