import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../shared/index.js';
import { LookButtons, SignedInUser } from '../auth/HeaderControls.js';
import type { Theme } from '../map/palette.js';
import { CALENDAR_PATH, DASHBOARD_PATH, Link, RESPONSIBILITY_PATH, REVIEW_PATH, SHIFTS_PATH } from '../routing.js';
import { applyTheme, savedTheme } from '../theme.js';

/**
 * The header of the admin pages: the page's title, links back to the dashboard and to the other
 * admin pages this user may open, the look (theme, language) and who is signed in.
 */
export function AdminHeader({ title, here, user, onSignOut }: { title: string; here: string; user: SessionUser; onSignOut: () => void }) {
  const { t } = useTranslation();
  const [theme, setTheme] = useState<Theme>(savedTheme);
  useEffect(() => applyTheme(theme), [theme]);
  const pages = [
    { path: CALENDAR_PATH, permission: 'settings.manage', label: t('calendar.nav'), testId: 'nav-calendar' },
    { path: SHIFTS_PATH, permission: 'team.manage', label: t('shifts.nav'), testId: 'nav-shifts' },
    { path: REVIEW_PATH, permission: 'analytics.read', label: t('review.nav'), testId: 'nav-review' },
    { path: RESPONSIBILITY_PATH, permission: 'city.manage', label: t('responsibility.nav'), testId: 'nav-responsibility' },
  ] as const;
  return (
    <header>
      <h1>
        GridWatch <span>{title}</span>
      </h1>
      <nav className="nav">
        <Link to={DASHBOARD_PATH} className="nav-link" data-testid="nav-dashboard">
          {t('nav.dashboard')}
        </Link>
        {pages
          .filter((p) => p.path !== here && user.permissions.includes(p.permission))
          .map((p) => (
            <Link key={p.path} to={p.path} className="nav-link" data-testid={p.testId}>
              {p.label}
            </Link>
          ))}
      </nav>
      <LookButtons theme={theme} onTheme={setTheme} />
      <SignedInUser user={user} onSignOut={onSignOut} />
    </header>
  );
}
