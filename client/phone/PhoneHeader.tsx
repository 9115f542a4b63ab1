import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../shared/index.js';
import { isEnglish } from '../cases/format.js';
import { setLanguage } from '../i18n/index.js';
import type { Theme } from '../map/palette.js';
import { applyTheme, savedTheme } from '../theme.js';

/**
 * The top line of a phone page. Not the desks' SignedInUser: a thumb needs the phone's larger
 * sign-out button.
 */
export function PhoneTitle({ title, titleTestId, user, onSignOut }: { title: string; titleTestId?: string; user: SessionUser; onSignOut: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="field-title">
      <h1>
        GridWatch <span data-testid={titleTestId}>{title}</span>
      </h1>
      <div className="user" data-testid="user" title={user.username}>
        <span className="user-name">{user.displayName}</span>
        <span className="user-role">{t(`roles.${user.role}`)}</span>
      </div>
      <button type="button" className="field-small" data-testid="logout" onClick={onSignOut}>
        {t('auth.logout')}
      </button>
    </div>
  );
}

/** Online only while the page's list is fresh too: a phone with a network but a failing server is as good as offline. */
export function LinkState({ live, pendingCount }: { live: boolean; pendingCount: number }) {
  const { t } = useTranslation();
  return (
    <div className={`link ${live ? 'link-live' : 'link-offline'}`} data-testid="link-state">
      {live ? t('field.online') : t('field.offline')}
      {pendingCount > 0 ? ` · ${t('field.pendingCount', { count: pendingCount })}` : ''}
    </div>
  );
}

/** A phone page has no map to theme, so these buttons own the theme instead of the page. */
export function PhoneLookButtons() {
  const { t, i18n } = useTranslation();
  const [theme, setTheme] = useState<Theme>(savedTheme);
  useEffect(() => applyTheme(theme), [theme]);
  return (
    <>
      <button type="button" className="field-small" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
        {theme === 'dark' ? t('ui.themeLight') : t('ui.themeDark')}
      </button>
      <button type="button" className="field-small" data-testid="language" onClick={() => setLanguage(isEnglish(i18n.language) ? 'zh-CN' : 'en')}>
        {t('ui.language')}
      </button>
    </>
  );
}
