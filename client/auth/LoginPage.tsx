import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n/index.js';
import { signInWithPassword, type SignInFailure } from './authApi.js';
import { useSession, type SignOutReason } from './session.js';

/** A message as an i18n key, so that it follows a language switch. */
interface Message {
  key: string;
  params?: Record<string, string | number>;
}

function failureMessage(failure: SignInFailure): Message {
  switch (failure.kind) {
    case 'rejected':
      return failure.status === 400 ? { key: 'auth.invalidRequest' } : { key: 'auth.wrongCredentials' };
    case 'throttled':
      return failure.retryAfterSeconds === null
        ? { key: 'auth.tooManyAttemptsLater' }
        : { key: 'auth.tooManyAttempts', params: { seconds: failure.retryAfterSeconds } };
    case 'network':
      return { key: 'auth.network' };
    case 'server':
      return { key: 'auth.serverError', params: { status: failure.status } };
  }
}

function signedOutMessage(reason: SignOutReason): Message {
  return reason === 'logged_out' ? { key: 'auth.loggedOutElsewhere' } : { key: 'auth.sessionEnded' };
}

/**
 * Sign-in with a username and password, full screen in the page's theme. The server never says
 * whether the user or the password was wrong, and neither does this page.
 */
export function LoginPage() {
  const { t, i18n } = useTranslation();
  const { signIn, reason } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Message | null>(null);
  /** Why the page was signed out, until the user tries again. */
  const [notice, setNotice] = useState<Message | null>(() => (reason ? signedOutMessage(reason) : null));
  const usernameInput = useRef<HTMLInputElement>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (submitting) return;
    setNotice(null);
    const name = username.trim();
    if (!name || !password) {
      setError({ key: 'auth.missingFields' });
      (name ? passwordInput : usernameInput).current?.focus();
      return;
    }
    setError(null);
    setSubmitting(true);
    const result = await signInWithPassword(name, password);
    if (result.ok) {
      signIn(result.user);
      return;
    }
    setSubmitting(false);
    setError(failureMessage(result.failure));
    if (result.failure.kind === 'rejected' && result.failure.status === 401) {
      setPassword('');
      passwordInput.current?.focus();
    }
  };

  const message = error ?? notice;
  return (
    <main className="login">
      <button type="button" className="login-language" data-testid="language" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
        {t('ui.language')}
      </button>
      <form className="login-card" onSubmit={(e) => void submit(e)} noValidate>
        <h1>
          GridWatch <span>{t('app.title')}</span>
        </h1>
        <label htmlFor="login-username">{t('auth.username')}</label>
        <input
          id="login-username"
          ref={usernameInput}
          data-testid="login-username"
          name="username"
          type="text"
          autoComplete="username"
          autoCapitalize="none"
          autoCorrect="off"
          spellCheck={false}
          maxLength={40}
          aria-required="true"
          autoFocus
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
        <label htmlFor="login-password">{t('auth.password')}</label>
        <input
          id="login-password"
          ref={passwordInput}
          data-testid="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          maxLength={200}
          aria-required="true"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <div className="login-message">
          {message && (
            <p className="login-error" data-testid="login-error" role="alert">
              {t(message.key, message.params)}
            </p>
          )}
        </div>
        <button type="submit" className="login-submit" data-testid="login-submit" disabled={submitting}>
          {submitting ? t('auth.submitting') : t('auth.submit')}
        </button>
      </form>
    </main>
  );
}
