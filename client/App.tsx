import { Component, lazy, Suspense, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { KIOSK_PATH } from './auth/kioskLink.js';
import { SessionProvider, useSession } from './auth/session.js';
import { Dashboard } from './dashboard/Dashboard.js';

// Each its own chunk, loaded only by a page that is not signed in; the dashboard (with the map) is
// the first screen and loads with the app.
const LoginPage = lazy(() => import('./auth/LoginPage.js').then((m) => ({ default: m.LoginPage })));
const KioskPage = lazy(() => import('./auth/KioskPage.js').then((m) => ({ default: m.KioskPage })));

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

/** Shows the screen the session allows: the dashboard when signed in, the login page otherwise. */
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
      return <Dashboard user={session.user!} onSignOut={session.signOut} />;
  }
}

export function App() {
  return (
    <SessionProvider>
      <SessionGate />
    </SessionProvider>
  );
}
