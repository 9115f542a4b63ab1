import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { signInWithDisplayToken, type SignInResult } from './authApi.js';
import { displayTokenOf, forgetKioskLink } from './kioskLink.js';
import { useSession } from './session.js';

type Status =
  | { kind: 'working' }
  /** The link cannot work: no token, or the server refused it. */
  | { kind: 'refused' }
  /** No answer yet (network, 5xx, throttled): trying again with the token held in memory. */
  | { kind: 'retrying'; status: number | null };

/** Waits between tries while the server does not answer: 2 s, 4 s, … at most 30 s. */
const retryDelay = (attempt: number) => Math.min(30_000, 2000 * 2 ** attempt);

/**
 * `/kiosk#token=…`: an unattended wall display signs in with its API token. The token is read from
 * the fragment and the fragment dropped from the address bar at once; then the token is traded for
 * a session cookie and the dashboard shows. `onFinished` hands back to the app: after signing in,
 * or when the user leaves a refused link for the login page.
 */
export function KioskPage({ onFinished }: { onFinished: () => void }) {
  const { t } = useTranslation();
  const { signIn } = useSession();
  // Read once, before the effect below takes the fragment away.
  const [token] = useState(() => displayTokenOf(location.hash));
  const [status, setStatus] = useState<Status>(() => (token ? { kind: 'working' } : { kind: 'refused' }));
  const finish = useRef({ signIn, onFinished });
  finish.current = { signIn, onFinished };
  /** The request in flight, shared by a remount in development (StrictMode) rather than sent twice. */
  const inFlight = useRef<Promise<SignInResult> | null>(null);

  useEffect(() => {
    forgetKioskLink();
    if (!token) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const attempt = async (n: number) => {
      inFlight.current ??= signInWithDisplayToken(token);
      const result = await inFlight.current;
      inFlight.current = null;
      if (cancelled) return;
      if (result.ok) {
        finish.current.signIn(result.user);
        finish.current.onFinished();
        return;
      }
      const { failure } = result;
      if (failure.kind === 'rejected') {
        setStatus({ kind: 'refused' });
        return;
      }
      setStatus({ kind: 'retrying', status: failure.kind === 'server' ? failure.status : null });
      const wait = failure.kind === 'throttled' && failure.retryAfterSeconds !== null ? failure.retryAfterSeconds * 1000 : retryDelay(n);
      timer = setTimeout(() => void attempt(n + 1), wait);
    };
    void attempt(0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [token]);

  return (
    <main className="login kiosk">
      <div className="login-card">
        <h1>
          GridWatch <span>{t('app.title')}</span>
        </h1>
        {status.kind === 'working' && <p className="kiosk-status">{t('kiosk.signingIn')}</p>}
        {status.kind === 'retrying' && (
          <p className="login-error" data-testid="kiosk-error" role="alert">
            {status.status === null ? t('kiosk.network') : t('kiosk.serverError', { status: status.status })}
          </p>
        )}
        {status.kind === 'refused' && (
          <>
            <p className="login-error" data-testid="kiosk-error" role="alert">
              {t('kiosk.invalid')}
            </p>
            <button type="button" className="login-submit" onClick={onFinished}>
              {t('kiosk.toLogin')}
            </button>
          </>
        )}
      </div>
    </main>
  );
}
