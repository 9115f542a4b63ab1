import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../shared/index.js';
import type { SignOutReason } from '../auth/session.js';
import { CALENDAR_PATH } from '../routing.js';
import { AdminHeader } from './AdminHeader.js';
import { ApiError, fetchCalendarYear, saveCalendarYear, type CalendarYearView } from './calendarApi.js';
import { refusalText } from '../i18n/refusal.js';
import { isWeekend, listsOf, marksOf, monthWeeks, nextKind, sameMarks, workingDaysOf, type DayKind, type YearMarks } from './calendarModel.js';

type Message = { kind: 'ok' | 'error'; text: string };

const MONTHS = Array.from({ length: 12 }, (_, m) => m);

/**
 * 工作日历, the working calendar deadlines are counted against, for admins: a year as twelve month
 * grids. A click moves a day from normal to holiday (休) to adjusted workday (班) and back; the count
 * of working days follows at once, and Save replaces the year on the server. Deadlines set from then
 * on use it; deadlines already set stay as they are.
 */
export function CalendarPage({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const { t, i18n } = useTranslation();
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const zh = i18n.language !== 'en';
  const locale = zh ? 'zh-CN' : 'en';

  /** null until the server has said which year it is. */
  const [year, setYear] = useState<number | null>(null);
  const [view, setView] = useState<CalendarYearView | null>(null);
  const [marks, setMarks] = useState<YearMarks>(new Map());
  const [loading, setLoading] = useState(true);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<Message | null>(null);

  const savedMarks = useMemo(() => (view ? marksOf(view.holidays, view.adjustedWorkdays) : new Map<string, Exclude<DayKind, 'normal'>>()), [view]);
  const dirty = !!view && !sameMarks(marks, savedMarks);

  const failureText = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError) {
        if (err.status === 401) onSignOutRef.current('unauthenticated');
      }
      // The calendar's own words for its codes (which dates), the general ones for the rest.
      return refusalText(err, t, { scope: 'calendar.errors' });
    },
    [t],
  );

  // Read through a ref by the loader below, so that switching the language does not reload the year
  // (and drop its unsaved marks).
  const loadFailedRef = useRef<(err: unknown) => string>(String);
  loadFailedRef.current = (err: unknown) => t('calendar.loadFailed', { reason: failureText(err) });
  /** The year whose marks are on the page; a year is loaded only when another is asked for. */
  const loadedYear = useRef<number | null>(null);

  // The year shown: loaded whenever it changes (the first time, whichever year it is on the server).
  useEffect(() => {
    if (year !== null && year === loadedYear.current) return;
    let stale = false;
    setLoading(true);
    fetchCalendarYear(year).then(
      (v) => {
        if (stale) return;
        loadedYear.current = v.year;
        setView(v);
        setMarks(marksOf(v.holidays, v.adjustedWorkdays));
        if (year === null) setYear(v.year);
        setLoading(false);
      },
      (err: unknown) => {
        if (stale) return;
        setMessage({ kind: 'error', text: loadFailedRef.current(err) });
        setLoading(false);
      },
    );
    return () => {
      stale = true;
    };
  }, [year]);

  // Unsaved marks are not lost to a closed tab without a question.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const shown = view && view.year === year ? view : null;
  const [minYear, maxYear] = view?.yearRange ?? [2000, 2100];
  const goToYear = (next: number) => {
    if (next < minYear || next > maxYear || next === year) return;
    if (dirty && !window.confirm(t('calendar.confirmDiscard'))) return;
    setMessage(null);
    setYear(next);
  };

  const toggle = (date: string) => {
    setMessage(null);
    setMarks((prev) => {
      const next = new Map(prev);
      const kind = nextKind(prev.get(date) ?? 'normal');
      if (kind === 'normal') next.delete(date);
      else next.set(date, kind);
      return next;
    });
  };

  const save = async () => {
    if (!shown || saving) return;
    setSaving(true);
    setMessage(null);
    try {
      const v = await saveCalendarYear(shown.year, listsOf(marks));
      setView(v);
      setMarks(marksOf(v.holidays, v.adjustedWorkdays));
      setMessage({ kind: 'ok', text: t('calendar.saved') });
    } catch (err) {
      setMessage({ kind: 'error', text: t('calendar.saveFailed', { reason: failureText(err) }) });
    } finally {
      setSaving(false);
    }
  };

  const workingDays = useMemo(() => (shown ? workingDaysOf(shown.year, marks, shown.workingPeriods) : null), [shown, marks]);
  const counts = useMemo(() => {
    const { holidays, adjustedWorkdays } = listsOf(marks);
    return { holidays: holidays.length, workdays: adjustedWorkdays.length };
  }, [marks]);

  const monthName = useMemo(() => {
    const f = new Intl.DateTimeFormat(locale, { month: 'long', timeZone: 'UTC' });
    return (m: number) => f.format(Date.UTC(2001, m, 1));
  }, [locale]);
  const weekdayNames = useMemo(() => {
    const f = new Intl.DateTimeFormat(locale, { weekday: zh ? 'narrow' : 'short', timeZone: 'UTC' });
    // 2024-01-01 was a Monday.
    return Array.from({ length: 7 }, (_, i) => f.format(Date.UTC(2024, 0, 1 + i)));
  }, [locale, zh]);
  const today = shown ? new Date(Date.now() + shown.timezoneOffsetMinutes * 60_000).toISOString().slice(0, 10) : '';
  const mark = (kind: DayKind) => (kind === 'holiday' ? t('calendar.holidayMark') : kind === 'workday' ? t('calendar.workdayMark') : '');

  return (
    <main className="calendar-page">
      <AdminHeader title={t('calendar.title')} here={CALENDAR_PATH} user={user} onSignOut={() => onSignOutRef.current()} />

      <section className="calendar-toolbar" aria-busy={loading}>
        <div className="calendar-year">
          <button type="button" data-testid="calendar-prev" aria-label={t('calendar.prevYear')} disabled={!year || year <= minYear} onClick={() => year && goToYear(year - 1)}>
            ‹
          </button>
          <b data-testid="calendar-year">{year ?? '—'}</b>
          <button type="button" data-testid="calendar-next" aria-label={t('calendar.nextYear')} disabled={!year || year >= maxYear} onClick={() => year && goToYear(year + 1)}>
            ›
          </button>
        </div>
        <div className="calendar-figures">
          <div>
            <b data-testid="calendar-working-days">{workingDays ?? '–'}</b>
            {t('calendar.workingDays')}
          </div>
          <div>
            <b className="calendar-figure-holiday">{shown ? counts.holidays : '–'}</b>
            {t('calendar.holidays')}
          </div>
          <div>
            <b className="calendar-figure-workday">{shown ? counts.workdays : '–'}</b>
            {t('calendar.adjustedWorkdays')}
          </div>
        </div>
        <div className="calendar-actions">
          <button type="button" className="act calendar-revert" data-testid="calendar-revert" disabled={!dirty || saving} onClick={() => setMarks(savedMarks)}>
            {t('calendar.revert')}
          </button>
          <button type="button" className="act main calendar-save" data-testid="calendar-save" disabled={!dirty || saving} onClick={() => void save()}>
            {saving ? t('calendar.saving') : t('calendar.save')}
          </button>
        </div>
      </section>

      <section className="calendar-info">
        {shown && (
          <p data-testid="calendar-source">
            {shown.source === 'edited'
              ? t('calendar.source.edited', { by: shown.updatedBy, at: new Date(shown.updatedAt!).toLocaleString(locale, { hour12: false, timeZone: 'Asia/Shanghai' }) })
              : t(`calendar.source.${shown.source}`)}
            {' · '}
            {t('calendar.workingPeriods', { periods: shown.workingPeriods.map(([a, b]) => `${a}–${b}`).join(zh ? '、' : ', ') })}
          </p>
        )}
        <p className="calendar-legend">
          <span className="calendar-swatch day-holiday">{t('calendar.holidayMark')}</span> {t('calendar.legendHoliday')}
          <span className="calendar-swatch day-workday">{t('calendar.workdayMark')}</span> {t('calendar.legendWorkday')}
          <span className="calendar-swatch day-weekend" /> {t('calendar.legendWeekend')}
          <span className="calendar-hint">{t('calendar.hint')}</span>
        </p>
        {/* One line kept for what is unsaved, saved or refused, so the months do not jump. */}
        <div className="calendar-status">
          {dirty && !message && <p className="calendar-unsaved">{t('calendar.unsaved')}</p>}
          {message && (
            <p className={`calendar-message calendar-message-${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="calendar-message">
              {message.text}
            </p>
          )}
        </div>
      </section>

      {shown && (
        <section className="calendar-months" data-testid="calendar-months">
          {MONTHS.map((m) => (
            <table key={m} className="calendar-month">
              <caption>{monthName(m)}</caption>
              <thead>
                <tr>
                  {weekdayNames.map((w, i) => (
                    <th key={i} scope="col" className={i >= 5 ? 'weekend' : undefined}>
                      {w}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {monthWeeks(shown.year, m).map((week, wi) => (
                  <tr key={wi}>
                    {week.map((date, di) => {
                      if (!date) return <td key={di} />;
                      const kind: DayKind = marks.get(date) ?? 'normal';
                      const classes = ['day', `day-${kind}`];
                      if (isWeekend(date)) classes.push('day-weekend');
                      if (date === today) classes.push('day-today');
                      const label = `${date} · ${t(`calendar.states.${kind}`)}`;
                      return (
                        <td key={di}>
                          <button type="button" className={classes.join(' ')} data-testid={`day-${date}`} data-kind={kind} title={label} aria-label={label} onClick={() => toggle(date)}>
                            {Number(date.slice(8))}
                            {kind !== 'normal' && <i>{mark(kind)}</i>}
                          </button>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </section>
      )}
    </main>
  );
}
