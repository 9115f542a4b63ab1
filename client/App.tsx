import { Component, lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { KIOSK_PATH } from './auth/kioskLink.js';
import { SessionProvider, useSession, type SignOutReason } from './auth/session.js';
import { CALENDAR_PATH, DISPATCH_PATH, FIELD_PATH, HOTLINE_PATH, INSPECT_PATH, navigate, REPLAY_PATH, RESPONSIBILITY_PATH, REVIEW_NOTICE_PATH, REVIEW_PATH, SHIFTS_PATH, siteIdOfPath, usePath } from './routing.js';
import type { SessionUser } from '../shared/index.js';

// Every screen is its own chunk, so that a page loads only the code it shows: above all, a field
// team's phone on a patchy mobile connection never downloads the map (MapLibre and deck.gl, most of
// the app's weight), which only the dashboard and the dispatch console draw.
const Dashboard = lazy(() => import('./dashboard/Dashboard.js').then((m) => ({ default: m.Dashboard })));
// Loaded only by a page that is not signed in.
const LoginPage = lazy(() => import('./auth/LoginPage.js').then((m) => ({ default: m.LoginPage })));
const KioskPage = lazy(() => import('./auth/KioskPage.js').then((m) => ({ default: m.KioskPage })));
// The dispatch console and the field teams' phone view: each its own chunk, loaded only there.
const DispatchPage = lazy(() => import('./dispatch/DispatchPage.js').then((m) => ({ default: m.DispatchPage })));
const FieldPage = lazy(() => import('./field/FieldPage.js').then((m) => ({ default: m.FieldPage })));
// The admins' working calendar and the teams' working hours: their own chunks too.
const CalendarPage = lazy(() => import('./admin/CalendarPage.js').then((m) => ({ default: m.CalendarPage })));
const TeamShiftsPage = lazy(() => import('./admin/TeamShiftsPage.js').then((m) => ({ default: m.TeamShiftsPage })));
// The responsibility editor draws a map: its own chunk, sharing MapLibre and deck.gl with the consoles.
const ResponsibilityPage = lazy(() => import('./admin/ResponsibilityPage.js').then((m) => ({ default: m.ResponsibilityPage })));
// The leaders' review, with ECharts: its own chunk.
const ReviewPage = lazy(() => import('./review/ReviewPage.js').then((m) => ({ default: m.ReviewPage })));
// 通报 and the scheduled reports: a page of tables, its own small chunk.
const NoticePage = lazy(() => import('./review/NoticePage.js').then((m) => ({ default: m.NoticePage })));
// The after-action replay (复盘): its own chunk, sharing MapLibre and deck.gl with the consoles.
const ReplayPage = lazy(() => import('./replay/ReplayPage.js').then((m) => ({ default: m.ReplayPage })));
// The 12345 hotline desk: its own chunk (its small map shares MapLibre and deck.gl with the consoles).
const HotlinePage = lazy(() => import('./hotline/HotlinePage.js').then((m) => ({ default: m.HotlinePage })));
// A unit's desk (二级派遣) and the inspectors' phone (城管通): phone- and desk-sized, no map library.
const UnitDeskPage = lazy(() => import('./unit/UnitDeskPage.js').then((m) => ({ default: m.UnitDeskPage })));
const InspectPage = lazy(() => import('./inspect/InspectPage.js').then((m) => ({ default: m.InspectPage })));
// A vacant lot's or material yard's page (/sites/:id): its own chunk, with its small map and ECharts.
const SitePage = lazy(() => import('./site/SitePage.js').then((m) => ({ default: m.SitePage })));

type Screen = 'dashboard' | 'dispatch' | 'field' | 'calendar' | 'shifts' | 'responsibility' | 'hotline' | 'unitDesk' | 'inspect' | 'site' | 'review' | 'replay' | 'notice';

/**
 * The screen a signed-in user gets at a path. A field account has no live picture (no `live.read`):
 * wherever it goes it gets its tasks. The dispatch console needs `case.dispatch`, or `case.verify` for
 * an inspector, who gets it as the verification desk (核查台); the working calendar
 * (/admin/calendar) `settings.manage`, the teams' working hours (/admin/shifts) `team.manage`, the
 * responsibility editor (/admin/responsibility) `city.manage`, the 12345
 * desk (/hotline) `personal.read` (dispatchers and admins; filing there needs `incident.report`); anyone else asking for a screen they may not use gets the
 * dashboard.
 */
function screenFor(user: SessionUser, path: string): Screen {
  const may = (p: SessionUser['permissions'][number]) => user.permissions.includes(p);
  if (path === CALENDAR_PATH && may('settings.manage')) return 'calendar';
  if (path === SHIFTS_PATH && may('team.manage')) return 'shifts';
  if (path === RESPONSIBILITY_PATH && may('city.manage')) return 'responsibility';
  // The leaders' review: rankings and indicators (analytics.read: leaders, admins, dispatchers).
  if (path === REVIEW_PATH && may('analytics.read') && may('live.read')) return 'review';
  if (path === REVIEW_NOTICE_PATH && may('analytics.read') && may('live.read')) return 'notice';
  if (path === REPLAY_PATH && may('analytics.read') && may('live.read')) return 'replay';
  // A unit's desk works its own queue at /dispatch, wherever it goes (it has no live picture).
  if (user.role === 'unit') return 'unitDesk';
  if (!may('live.read')) return may('task.handle') ? 'field' : 'dashboard';
  // A site's page reads its incidents: the live picture's readers.
  if (siteIdOfPath(path) !== null) return 'site';
  // The inspectors' phone: report, confirm (核实), verify (核查), fix on the spot.
  if (path === INSPECT_PATH && may('case.confirm') && may('incident.report')) return 'inspect';
  if (path === DISPATCH_PATH && (may('case.dispatch') || may('case.verify'))) return 'dispatch';
  // The 12345 desk shows callers' contacts: for those who may read them (filing needs incident.report too).
  if (path === HOTLINE_PATH && may('personal.read')) return 'hotline';
  if (path === FIELD_PATH && may('task.handle')) return 'field';
  return 'dashboard';
}

const PATH_OF: Record<Screen, string> = {
  dashboard: '/',
  dispatch: DISPATCH_PATH,
  field: FIELD_PATH,
  calendar: CALENDAR_PATH,
  shifts: SHIFTS_PATH,
  responsibility: RESPONSIBILITY_PATH,
  review: REVIEW_PATH,
  notice: REVIEW_NOTICE_PATH,
  replay: REPLAY_PATH,
  hotline: HOTLINE_PATH,
  unitDesk: DISPATCH_PATH,
  inspect: INSPECT_PATH,
  // Its path carries the site's id: kept as it is.
  site: '',
};

/** The signed-in screens, by path; the address bar is corrected to the screen shown. */
function SignedIn({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const path = usePath();
  const screen = screenFor(user, path);
  useEffect(() => {
    if (screen !== 'site' && PATH_OF[screen] !== path) navigate(PATH_OF[screen], { replace: true });
  }, [screen, path]);
  switch (screen) {
    case 'dispatch':
      return (
        <Lazy>
          <DispatchPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'field':
      return (
        <Lazy>
          <FieldPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'calendar':
      return (
        <Lazy>
          <CalendarPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'shifts':
      return (
        <Lazy>
          <TeamShiftsPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'review':
      return (
        <Lazy>
          <ReviewPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'notice':
      return (
        <Lazy>
          <NoticePage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'replay':
      return (
        <Lazy>
          <ReplayPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'responsibility':
      return (
        <Lazy>
          <ResponsibilityPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'hotline':
      return (
        <Lazy>
          <HotlinePage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'unitDesk':
      return (
        <Lazy>
          <UnitDeskPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'site':
      return (
        <Lazy>
          <SitePage user={user} id={siteIdOfPath(path)!} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'inspect':
      return (
        <Lazy>
          <InspectPage user={user} onSignOut={onSignOut} />
        </Lazy>
      );
    case 'dashboard':
      return (
        <Lazy>
          <Dashboard user={user} onSignOut={onSignOut} />
        </Lazy>
      );
  }
}

/** An empty page in the app's background: no flash of the login form while the session is asked. */
function Blank({ unreachable = false }: { unreachable?: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="session-blank" aria-busy="true">
      {unreachable && <p data-testid="session-unreachable">{t('auth.reconnecting')}</p>}
    </div>
  );
}

/**
 * A lazy screen that failed to load (the server was restarted with a newer build, whose chunks have
 * other names, or the network dropped): say so and offer a reload instead of leaving a blank page.
 */
class ScreenLoadBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? <ScreenLoadFailed /> : this.props.children;
  }
}

function ScreenLoadFailed() {
  const { t } = useTranslation();
  return (
    <main className="login">
      <div className="login-card">
        <p className="login-error" role="alert">
          {t('ui.loadFailed')}
        </p>
        <button type="button" className="login-submit" data-testid="reload" onClick={() => location.reload()}>
          {t('ui.reload')}
        </button>
      </div>
    </main>
  );
}

/** A lazily loaded screen, with the blank page while it loads. */
function Lazy({ children }: { children: ReactNode }) {
  return (
    <ScreenLoadBoundary>
      <Suspense fallback={<Blank />}>{children}</Suspense>
    </ScreenLoadBoundary>
  );
}

/**
 * Shows the screen the session allows: the login page when signed out; signed in, the dashboard, the
 * dispatch console or the field view by path and role.
 */
function SessionGate() {
  const session = useSession();
  // A display's link (/kiosk#token=…) signs in with its token even over an existing session: the
  // browser of a wall display may still hold the session of whoever set it up.
  const [kioskLink, setKioskLink] = useState(() => location.pathname === KIOSK_PATH);
  if (kioskLink) {
    return (
      <Lazy>
        <KioskPage onFinished={() => setKioskLink(false)} />
      </Lazy>
    );
  }
  switch (session.state) {
    case 'loading':
      return <Blank unreachable={session.unreachable} />;
    case 'signed-out':
      return (
        <Lazy>
          <LoginPage />
        </Lazy>
      );
    case 'signed-in':
      return <SignedIn user={session.user!} onSignOut={session.signOut} />;
  }
}

export function App() {
  return (
    <SessionProvider>
      <SessionGate />
    </SessionProvider>
  );
}
