import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fewestOnDutyByHour, type Department, type SessionUser, type Shift, type Team, type TeamShiftView } from '../../shared/index.js';
import type { SignOutReason } from '../auth/session.js';
import { ApiError } from '../cases/caseApi.js';
import { refusalText } from '../i18n/refusal.js';
import { useCityAndCategories } from '../cases/useCityAndCategories.js';
import { SHIFTS_PATH } from '../routing.js';
import { AdminHeader } from './AdminHeader.js';
import { fetchDepartments, fetchTeams, fetchTeamShifts, restoreTeamShift, saveTeamShift } from './teamShiftsApi.js';

const ROUND_THE_CLOCK: Shift = { start: '00:00', end: '24:00' };
const HOURS = Array.from({ length: 24 }, (_, h) => h);
const isRoundTheClock = (s: Shift) => s.start === '00:00' && s.end === '24:00';
const sameShift = (a: Shift, b: Shift) => a.start === b.start && a.end === b.end;
const shiftText = (s: Shift, allDay: string) => (isRoundTheClock(s) ? allDay : `${s.start}–${s.end}`);

type RowMessage = { kind: 'ok' | 'error'; text: string };

/**
 * 队伍排班, the teams' working hours, for admins. Outside its hours a free team is off duty and is not
 * offered for dispatch, so above the list each department's day is drawn hour by hour with how many
 * of its teams are on duty at the least, the unsaved edits included: an hour with none is red, since
 * a case of that department would then wait for the morning.
 */
export function TeamShiftsPage({ user, onSignOut }: { user: SessionUser; onSignOut: (reason?: SignOutReason) => void }) {
  const { t, i18n } = useTranslation();
  const en = i18n.language.startsWith('en');
  const onSignOutRef = useRef(onSignOut);
  onSignOutRef.current = onSignOut;
  const { city } = useCityAndCategories(() => onSignOutRef.current('unauthenticated'));

  const [teams, setTeams] = useState<Team[] | null>(null);
  const [shifts, setShifts] = useState<ReadonlyMap<string, TeamShiftView>>(new Map());
  const [departments, setDepartments] = useState<Department[]>([]);
  const [drafts, setDrafts] = useState<ReadonlyMap<string, Shift>>(new Map());
  const [department, setDepartment] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [messages, setMessages] = useState<ReadonlyMap<string, RowMessage>>(new Map());
  const [loadError, setLoadError] = useState<string | null>(null);

  const failureText = useCallback(
    (err: unknown) => {
      if (err instanceof ApiError) {
        if (err.status === 401) onSignOutRef.current('unauthenticated');
      }
      return refusalText(err, t);
    },
    [t],
  );

  const reload = useCallback(async () => {
    const [list, views, deps] = await Promise.all([fetchTeams(), fetchTeamShifts(), fetchDepartments()]);
    setTeams(list);
    setShifts(new Map(views.map((v) => [v.teamId, v])));
    setDepartments(deps);
  }, []);

  useEffect(() => {
    reload().catch((err: unknown) => setLoadError(t('shifts.loadFailed', { reason: failureText(err) })));
    // Statuses move with the hours: read them again now and then.
    const timer = setInterval(() => void reload().catch(() => undefined), 30_000);
    return () => clearInterval(timer);
  }, [reload, failureText, t]);

  /** What a team works once the page's edits are saved: its draft, else the hours in force. */
  const planned = useCallback((teamId: string) => drafts.get(teamId) ?? shifts.get(teamId)?.shift ?? ROUND_THE_CLOCK, [drafts, shifts]);

  const departmentName = (code: string) => {
    const d = departments.find((x) => x.code === code);
    return d ? (en ? d.name.en : d.name.zh) : code;
  };
  const townName = (code: string) => {
    const town = city?.towns.find((x) => x.code === code);
    return town ? (en ? town.name.en : town.name.zh) : code;
  };

  const byDepartment = useMemo(() => {
    const groups = new Map<string, Team[]>();
    for (const team of teams ?? []) groups.set(team.department, [...(groups.get(team.department) ?? []), team]);
    return groups;
  }, [teams]);
  const coverage = useMemo(
    () => [...byDepartment].map(([code, list]) => ({ code, byHour: fewestOnDutyByHour(list.map((x) => planned(x.id))), count: list.length })),
    [byDepartment, planned],
  );
  const shown = (teams ?? []).filter((x) => !department || x.department === department);
  const onDutyNow = (teams ?? []).filter((x) => x.status !== 'off_duty' && x.status !== 'offline').length;

  const setDraft = (teamId: string, shift: Shift | null) => {
    setMessages((prev) => {
      const next = new Map(prev);
      next.delete(teamId);
      return next;
    });
    setDrafts((prev) => {
      const next = new Map(prev);
      if (shift === null || sameShift(shift, shifts.get(teamId)?.shift ?? ROUND_THE_CLOCK)) next.delete(teamId);
      else next.set(teamId, shift);
      return next;
    });
  };
  const say = (teamId: string, message: RowMessage) => setMessages((prev) => new Map(prev).set(teamId, message));

  const run = async (teamId: string, call: () => Promise<TeamShiftView>, ok: string) => {
    setBusy(teamId);
    try {
      const view = await call();
      setShifts((prev) => new Map(prev).set(teamId, view));
      setDrafts((prev) => {
        const next = new Map(prev);
        next.delete(teamId);
        return next;
      });
      say(teamId, { kind: 'ok', text: ok });
      setTeams(await fetchTeams());
    } catch (err) {
      say(teamId, { kind: 'error', text: t('shifts.saveFailed', { reason: failureText(err) }) });
    } finally {
      setBusy(null);
    }
  };

  const allDay = t('shifts.allDay');
  return (
    <main className="shifts-page">
      <AdminHeader title={t('shifts.title')} here={SHIFTS_PATH} user={user} onSignOut={() => onSignOutRef.current()} />

      {loadError && (
        <p className="shifts-message shifts-message-error" role="alert">
          {loadError}
        </p>
      )}

      <section className="shifts-toolbar">
        <label>
          {t('shifts.department')}{' '}
          <select data-testid="shifts-department" value={department} onChange={(e) => setDepartment(e.target.value)}>
            <option value="">{t('shifts.allDepartments')}</option>
            {[...byDepartment.keys()].map((code) => (
              <option key={code} value={code}>
                {departmentName(code)}
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="shifts-on-duty">
          {teams ? t('shifts.onDutyNow', { count: onDutyNow, total: teams.length }) : t('shifts.loading')}
        </span>
        {drafts.size > 0 && <span className="shifts-unsaved">{t('shifts.unsaved', { count: drafts.size })}</span>}
      </section>

      <section className="shifts-coverage" data-testid="shifts-coverage" aria-label={t('shifts.coverageTitle')}>
        <h2>{t('shifts.coverageTitle')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col" />
              {HOURS.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {coverage
              .filter((c) => !department || c.code === department)
              .map((c) => (
                <tr key={c.code} data-testid="coverage-row" data-department={c.code} data-gaps={c.byHour.filter((n) => n === 0).length}>
                  <th scope="row">
                    {departmentName(c.code)} <span className="muted">({c.count})</span>
                  </th>
                  {c.byHour.map((n, h) => (
                    <td key={h} className={n === 0 ? 'gap' : n === 1 ? 'thin' : undefined} title={t('shifts.coverageCell', { hour: h, count: n })}>
                      {n}
                    </td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
        {coverage.some((c) => c.byHour.includes(0)) && <p className="shifts-gap-note">{t('shifts.gapNote')}</p>}
      </section>

      <section className="shifts-list">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('shifts.team')}</th>
              <th scope="col">{t('shifts.town')}</th>
              <th scope="col">{t('shifts.members')}</th>
              <th scope="col">{t('shifts.statusNow')}</th>
              <th scope="col">{t('shifts.hours')}</th>
              <th scope="col">{t('shifts.default')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {shown.map((team) => {
              const view = shifts.get(team.id);
              const draft = drafts.get(team.id);
              const shift = planned(team.id);
              const message = messages.get(team.id);
              const allDayChecked = isRoundTheClock(shift);
              const invalid = shift.start === shift.end;
              return (
                <tr key={team.id} data-testid="shift-row" data-team={team.id} className={draft ? 'edited' : undefined}>
                  <td>
                    <b>{en ? team.name.en : team.name.zh}</b>
                  </td>
                  <td>{townName(team.townCode)}</td>
                  <td className="num">{team.members}</td>
                  <td>
                    <span className={`team-status team-status-${team.status}`} data-testid="shift-status">
                      {t(`teamStatus.${team.status}`)}
                    </span>
                  </td>
                  <td className="shift-hours">
                    <label className="shift-all-day">
                      <input
                        type="checkbox"
                        data-testid="shift-all-day"
                        checked={allDayChecked}
                        onChange={(e) => setDraft(team.id, e.target.checked ? ROUND_THE_CLOCK : { start: '08:00', end: '17:00' })}
                      />
                      {allDay}
                    </label>
                    {!allDayChecked && (
                      <>
                        <input type="time" data-testid="shift-start" aria-label={t('shifts.start')} value={shift.start} required
                          onChange={(e) => e.target.value && setDraft(team.id, { ...shift, start: e.target.value })} />
                        –
                        <input type="time" data-testid="shift-end" aria-label={t('shifts.end')} value={shift.end === '24:00' ? '00:00' : shift.end} required
                          onChange={(e) => e.target.value && setDraft(team.id, { ...shift, end: e.target.value })} />
                        {shift.end < shift.start && <span className="muted">{t('shifts.overnight')}</span>}
                      </>
                    )}
                  </td>
                  <td className="muted">
                    {view ? shiftText(view.defaultShift, allDay) : '–'}
                    {view?.edited && (
                      <small data-testid="shift-edited">
                        {t('shifts.editedBy', { by: view.edited.by, at: new Date(view.edited.at).toLocaleString(en ? 'en' : 'zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' }) })}
                      </small>
                    )}
                  </td>
                  <td className="shift-actions">
                    <button type="button" className="act main" data-testid="shift-save" disabled={!draft || invalid || busy !== null}
                      onClick={() => void run(team.id, () => saveTeamShift(team.id, shift), t('shifts.saved'))}>
                      {t('shifts.save')}
                    </button>
                    {draft && (
                      <button type="button" className="act" data-testid="shift-undo" disabled={busy !== null} onClick={() => setDraft(team.id, null)}>
                        {t('shifts.undo')}
                      </button>
                    )}
                    {!draft && view?.edited && (
                      <button type="button" className="act" data-testid="shift-restore" disabled={busy !== null}
                        onClick={() => void run(team.id, () => restoreTeamShift(team.id), t('shifts.restored'))}>
                        {t('shifts.restore')}
                      </button>
                    )}
                    {invalid && <p className="shifts-message shifts-message-error" role="alert">{t('shifts.sameStartEnd')}</p>}
                    {message && (
                      <p className={`shifts-message shifts-message-${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="shift-message">
                        {message.text}
                      </p>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </main>
  );
}
