import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../shared/index.js';
import { isEnglish } from '../cases/format.js';
import { setLanguage } from '../i18n/index.js';
import type { Theme } from '../map/palette.js';

/** The header's look buttons of every desk page: light or dark, Chinese or English (remembered on this device). */
export function LookButtons({ theme, onTheme }: { theme: Theme; onTheme: (theme: Theme) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <button type="button" className="theme" onClick={() => onTheme(theme === 'dark' ? 'light' : 'dark')}>
        {theme === 'dark' ? t('ui.themeLight') : t('ui.themeDark')}
      </button>
      <button type="button" className="theme" data-testid="language" onClick={() => setLanguage(isEnglish(i18n.language) ? 'zh-CN' : 'en')}>
        {t('ui.language')}
      </button>
    </>
  );
}

/** Who is signed in, and the sign-out button (left out where nobody signs out: `onSignOut` absent). */
export function SignedInUser({ user, onSignOut }: { user: SessionUser; onSignOut?: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="user" data-testid="user" title={user.username}>
        <span className="user-name">{user.displayName}</span>
        <span className="user-role">{t(`roles.${user.role}`)}</span>
      </div>
      {onSignOut && (
        <button type="button" className="logout" data-testid="logout" onClick={onSignOut}>
          {t('auth.logout')}
        </button>
      )}
    </>
  );
}
