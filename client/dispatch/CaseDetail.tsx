import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChosenClosureKind, nextDueAt, type CallbackAnswer, type CaseAction, type Category, type IncidentEvent } from '../../shared/index.js';
import { photoUrl, type Candidate, type CaseUnit, type CaseView } from '../cases/caseApi.js';
import { categoryName, dateTimeText, kmText, timeLeftText } from '../cases/format.js';
import type { TeamBoard } from './caseBoard.js';
import { CallbackForm, LastCallback } from './CallbackForm.js';
import { ApplicationDecision } from './ApplicationDecision.js';
import { UnitsResponsible } from './UnitsResponsible.js';

/** What an action may carry besides its name. */
export interface ActionDetails {
  teamId?: string;
  unitCode?: string;
  decision?: 'approve' | 'deny';
  note?: string;
  extendHours?: number;
  closureKind?: ChosenClosureKind;
  mergeInto?: string;
  callback?: CallbackAnswer;
}

export interface CaseDetailProps {
  view: CaseView;
  candidates: Candidate[] | null;
  candidatesLoading: boolean;
  /** The units responsible for the case (null: not read, or not a dispatcher's case to dispatch). */
  units: CaseUnit[] | null;
  teams: TeamBoard | null;
  teamName: (id: string) => string;
  /** A unit's name by its code (a department's or a town's). */
  unitName: (code: string) => string;
  categories: ReadonlyMap<string, Category>;
  townName: (code: string) => string;
  /** Now on the server's clock (ms). */
  now: number;
  busy: boolean;
  message: { kind: 'ok' | 'error'; text: string } | null;
  onAct: (action: CaseAction, details: ActionDetails) => void;
}

/** Actions with their own form or screen, not offered as plain buttons. */
const OWN_FORMS: readonly CaseAction[] = ['merge', 'callback', 'decide', 'assign', 'apply', 'confirm', 'self-handle'];

/** Actions that move the case along, shown first and large; the others (supervision) after them. */
const MAIN_ACTIONS: readonly CaseAction[] = ['accept', 'register', 'dispatch', 'verify', 'close', 'resume'];

/**
 * One case: what and where, the time left, every step so far (who, when, from → to, why, photos),
 * the actions this reader may take now, and for dispatch the teams that can be there soonest.
 */
export function CaseDetail(props: CaseDetailProps) {
  const { view, candidates, candidatesLoading, units, teams, teamName, unitName, categories, townName, now, busy, message, onAct } = props;
  const { t, i18n } = useTranslation();
  const c = view.case;
  const [note, setNote] = useState('');
  const [hours, setHours] = useState('24');
  const [closure, setClosure] = useState<ChosenClosureKind | ''>('');
  const [teamId, setTeamId] = useState('');
  // A fresh form for each case.
  useEffect(() => {
    setNote('');
    setHours('24');
    setClosure('');
    setTeamId('');
  }, [c.id]);

  const allowed = view.allowedActions;
  const may = (a: CaseAction) => allowed.includes(a);
  // The next deadline the case must meet: the unit's handling one, else the stage's or the closure's.
  const due = nextDueAt(c);
  const left = due === null ? null : due - now;
  const overdue = left !== null && left < 0;
  const able = teams?.teams.filter((team) => team.categories.includes(c.categoryCode)) ?? [];
  const chosenTeam = teamId || candidates?.[0]?.teamId || '';
  const details = (a: CaseAction): ActionDetails => ({
    ...(note.trim() ? { note: note.trim() } : {}),
    ...(a === 'dispatch' ? { teamId: chosenTeam } : {}),
    ...(a === 'extend' ? { extendHours: Number(hours) } : {}),
    ...(a === 'close' && closure ? { closureKind: closure } : {}),
  });
  // A stage other than handling has its own limit, shown beside the handling deadline.
  const stage = view.stage && view.stage.name !== 'handle' ? view.stage : null;
  const stageLeft = stage ? Date.parse(stage.deadlineAt) - now : 0;
  // Merging needs a case to merge into: it is offered per duplicate below, not as a plain button.
  // A callback needs its answer, a decision its application: each has its own form below. Assigning,
  // applying, confirming and fixing on the spot belong to the unit desks' and inspectors' screens.
  const ordered = [...allowed].filter((a) => !OWN_FORMS.includes(a)).sort((a, b) => Number(!MAIN_ACTIONS.includes(a)) - Number(!MAIN_ACTIONS.includes(b)));

  return (
    <section className="case-detail" data-testid="case-detail" data-id={c.id} data-status={c.status} data-version={c.version}>
      {/* Title and state on the first line; the clocks (handling, and the stage's own limit) on a
          second line under the title, so a long title or two clocks never leave a badge dangling. */}
      <div className="case-head">
        <div className="case-title">
          <h2>{t('dispatch.caseTitle', { category: categoryName(categories, c.categoryCode, i18n.language), town: townName(c.townCode) })}</h2>
          <span className={`state state-${c.status}`} data-testid="case-status">
            {t(`status.${c.status}`)}
          </span>
        </div>
        <div className="case-clocks">
          <span className={overdue ? 'clock overdue' : 'clock'}>
            <span className="clock-label">{t('dispatch.deadline')}</span>
            <span className="left" data-testid="case-time-left">
              {c.status === 'suspended' ? t('timeLeft.suspended') : left === null ? t('timeLeft.closed') : timeLeftText(t, left)}
            </span>
          </span>
          {stage && (
            <span className={stageLeft < 0 ? 'clock stage overdue' : 'clock stage'} data-testid="case-stage-left" data-stage={stage.name}>
              <span className="clock-label">{t('dispatch.stageDeadline', { stage: t(`stage.${stage.name}`) })}</span>
              <span className="left">{timeLeftText(t, stageLeft)}</span>
            </span>
          )}
        </div>
      </div>
      <p className="case-desc">{c.description}</p>
      <dl className="case-facts">
        {c.number && (
          <>
            <dt>{t('dispatch.caseNumber')}</dt>
            <dd data-testid="case-number">{c.number}</dd>
          </>
        )}
        <dt>{t('dispatch.gridLabel')}</dt>
        <dd>{c.gridCode}</dd>
        <dt>{t('dispatch.source')}</dt>
        <dd>{t(`source.${c.source}`)}</dd>
        <dt>{t('dispatch.reportedAt')}</dt>
        <dd>{dateTimeText(c.reportedAt, i18n.language)}</dd>
        {c.reportedBy && (
          <>
            <dt>{t('dispatch.reportedBy')}</dt>
            <dd>{c.reportedBy.name}</dd>
          </>
        )}
        {(c.reporter || c.reporterRedacted) && (
          <>
            <dt>{t('dispatch.reporter')}</dt>
            <dd>{c.reporter ? [c.reporter.name, c.reporter.phone].filter(Boolean).join(' ') : t('dispatch.redacted')}</dd>
          </>
        )}
        <dt>{t('dispatch.deadline')}</dt>
        <dd>{c.deadlineAt ? dateTimeText(c.deadlineAt, i18n.language) : t('dispatch.deadlineOnDispatch')}</dd>
        {c.closeDeadlineAt && (
          <>
            <dt>{t('dispatch.closeDeadline')}</dt>
            <dd>{dateTimeText(c.closeDeadlineAt, i18n.language)}</dd>
          </>
        )}
        {stage && (
          <>
            <dt>{t('dispatch.stageDeadline', { stage: t(`stage.${stage.name}`) })}</dt>
            <dd>{dateTimeText(stage.deadlineAt, i18n.language)}</dd>
          </>
        )}
        {c.mergedInto && (
          <>
            <dt>{t('dispatch.mergedInto')}</dt>
            <dd data-testid="case-merged-into">{c.mergedInto}</dd>
          </>
        )}
        <dt>{t('dispatch.unit')}</dt>
        <dd data-testid="case-unit">{c.unitCode ? unitName(c.unitCode) : t('dispatch.noUnit')}</dd>
        <dt>{t('dispatch.team')}</dt>
        <dd data-testid="case-team">{c.teamId ? teamName(c.teamId) : c.unitCode ? t('dispatch.atUnitDesk') : t('dispatch.noTeam')}</dd>
        {c.callback && <LastCallback callback={c.callback} />}
      </dl>
      {(c.urgeCount > 0 || c.reworkCount > 0) && (
        <p className="case-badges">
          {c.urgeCount > 0 && <span className="badge">{t('dispatch.urged', { count: c.urgeCount })}</span>}
          {c.reworkCount > 0 && <span className="badge">{t('dispatch.reworked', { count: c.reworkCount })}</span>}
        </p>
      )}

      {c.application && (
        <ApplicationDecision
          application={c.application}
          mayDecide={may('decide')}
          busy={busy}
          onDecide={(decision) => onAct('decide', { decision, ...(note.trim() ? { note: note.trim() } : {}) })}
        />
      )}

      {may('callback') && <CallbackForm key={c.id} busy={busy} onSubmit={(callback, note) => onAct('callback', { callback, ...(note ? { note } : {}) })} />}

      <h3>{t('dispatch.actions')}</h3>
      {ordered.length === 0 ? (
        <p className="muted">{t('dispatch.noActions')}</p>
      ) : (
        <div className="case-form">
          <label>
            {t('dispatch.note')}
            <textarea data-testid="case-note" rows={2} maxLength={2000} value={note} placeholder={t('dispatch.notePlaceholder')} onChange={(e) => setNote(e.target.value)} />
          </label>
          {may('extend') && (
            <label className="inline">
              {t('dispatch.extendHours')}
              <input data-testid="case-extend-hours" type="number" min={1} max={2160} value={hours} onChange={(e) => setHours(e.target.value)} />
            </label>
          )}
          {may('close') && (
            <label className="inline">
              {t('dispatch.closureKind')}
              <select data-testid="case-closure" value={closure} onChange={(e) => setClosure(e.target.value as ChosenClosureKind | '')}>
                <option value="">{t('closure.auto')}</option>
                {ChosenClosureKind.options.map((k) => (
                  <option key={k} value={k}>
                    {t(`closure.${k}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {may('dispatch') && (
            <label className="inline">
              {t('dispatch.dispatchTeam')}
              <select data-testid="case-team-select" value={chosenTeam} onChange={(e) => setTeamId(e.target.value)}>
                {!chosenTeam && <option value="">{t('dispatch.chooseTeam')}</option>}
                {(candidates ?? []).map((cand) => (
                  <option key={`c-${cand.teamId}`} value={cand.teamId}>
                    {teamName(cand.teamId)} · {t('dispatch.eta', { minutes: Math.max(1, Math.round(cand.etaSeconds / 60)) })}
                  </option>
                ))}
                {able
                  .filter((team) => !candidates?.some((cand) => cand.teamId === team.id))
                  .map((team) => (
                    <option key={team.id} value={team.id}>
                      {teamName(team.id)} · {t(`teamStatus.${teams?.status[teams.rowOfId(team.id)] ?? team.status}`)}
                    </option>
                  ))}
              </select>
            </label>
          )}
          <div className="case-actions">
            {ordered.map((a) => (
              <button
                key={a}
                type="button"
                data-testid={`action-${a}`}
                className={MAIN_ACTIONS.includes(a) ? 'act main' : 'act'}
                disabled={busy || (a === 'dispatch' && !chosenTeam)}
                onClick={() => onAct(a, details(a))}
              >
                {t(`actions.${a}`)}
              </button>
            ))}
          </div>
        </div>
      )}
      <p className={`action-message ${message?.kind ?? ''}`} data-testid="action-message" role="status" aria-live="polite">
        {busy ? t('dispatch.working') : (message?.text ?? '')}
      </p>

      {may('dispatch') && (
        <>
          <h3>{t('dispatch.candidates')}</h3>
          {candidatesLoading && !candidates ? (
            <p className="muted">{t('dispatch.candidatesLoading')}</p>
          ) : !candidates || candidates.length === 0 ? null : (
            <ol className="candidates" data-testid="candidates">
              {candidates.map((cand, index) => (
                <li key={cand.teamId} data-testid="candidate" data-team={cand.teamId}>
                  <span className="rank">{index + 1}</span>
                  <span className="cand-name">{teamName(cand.teamId)}</span>
                  <span className="cand-eta">{t('dispatch.eta', { minutes: Math.max(1, Math.round(cand.etaSeconds / 60)) })}</span>
                  <span className="cand-km">{t('dispatch.km', { km: kmText(cand.distanceMeters) })}</span>
                  <span className="cand-load">{t('dispatch.workload', { count: cand.workload })}</span>
                  <button type="button" className="act main" data-testid="candidate-dispatch" disabled={busy} onClick={() => onAct('dispatch', { ...details('dispatch'), teamId: cand.teamId })}>
                    {t('dispatch.dispatchTo')}
                  </button>
                </li>
              ))}
            </ol>
          )}
          <UnitsResponsible
            units={units}
            noCandidates={!candidatesLoading && (!candidates || candidates.length === 0)}
            categoryName={categoryName(categories, c.categoryCode, i18n.language)}
            busy={busy}
            onDispatch={(unitCode) => onAct('dispatch', { ...(note.trim() ? { note: note.trim() } : {}), unitCode })}
          />
        </>
      )}

      {may('merge') && view.duplicateOffers.length > 0 && (
        <>
          <h3>{t('dispatch.duplicates')}</h3>
          <ol className="duplicates" data-testid="duplicates">
            {view.duplicateOffers.map((d) => (
              <li key={d.caseId} data-testid="duplicate" data-id={d.caseId}>
                <span className="dup-id">{d.caseId.slice(-8)}</span>
                <span className="dup-facts">
                  {t('dispatch.duplicateRow', { distance: Math.round(d.distanceMeters), time: dateTimeText(d.reportedAt, i18n.language), status: t(`status.${d.status}`) })}
                </span>
                <button type="button" className="act" data-testid="duplicate-merge" disabled={busy} onClick={() => onAct('merge', { ...details('merge'), mergeInto: d.caseId })}>
                  {t('dispatch.mergeInto')}
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
      {view.mergedCases.length > 0 && (
        <p className="muted" data-testid="merged-cases">
          {t('dispatch.mergedCases')}: {view.mergedCases.map((id) => id.slice(-8)).join('、')}
        </p>
      )}

      <h3>{t('dispatch.timeline')}</h3>
      <ol className="timeline" data-testid="timeline">
        {view.timeline.map((e) => (
          <TimelineEntry key={e.seq} event={e} />
        ))}
      </ol>
    </section>
  );
}

export function TimelineEntry({ event: e }: { event: IncidentEvent }) {
  const { t, i18n } = useTranslation();
  const when = dateTimeText(e.at, i18n.language);
  if (e.kind === 'created') {
    const by = e.incident.reportedBy;
    return (
      <li data-kind="created">
        <time>{when}</time>
        <b>{t('dispatch.created')}</b>
        <span className="who">{by ? t('dispatch.by', { actor: by.name, role: t(`roles.${by.role}`, { defaultValue: by.role }) }) : t(`source.${e.incident.source}`)}</span>
        <span className="move">→ {t(`status.${e.incident.status}`)}</span>
      </li>
    );
  }
  const a = e.action;
  if (!a) {
    return (
      <li data-kind={e.kind}>
        <time>{when}</time>
        <b>{t('dispatch.changed')}</b>
        <span className="move">→ {t(`status.${e.incident.status}`)}</span>
      </li>
    );
  }
  return (
    <li data-kind="case_action" data-action={a.name}>
      <time>{when}</time>
      <b>{t(`actions.${a.name}`)}</b>
      {a.application && (
        <span className="what" data-testid="timeline-application">
          {t(`application.kind.${a.application.kind}`)}
          {a.application.extendHours !== undefined ? ` ${t('application.hoursShort', { hours: a.application.extendHours })}` : ''}
        </span>
      )}
      {a.decision && (
        <span className="what" data-testid="timeline-decision" data-decision={a.decision}>
          {t(`application.${a.decision}`)}
        </span>
      )}
      {a.found !== undefined && <span className="what">{a.found ? t('application.found') : t('application.notFound')}</span>}
      <span className="who">{t('dispatch.by', { actor: a.actor, role: t(`roles.${a.role}`, { defaultValue: a.role }) })}</span>
      <span className="move">
        {a.from === a.to ? t(`status.${a.to}`) : `${t(`status.${a.from}`)} → ${t(`status.${a.to}`)}`}
      </span>
      {a.note && <p className="note">{a.note}</p>}
      {a.attachments && a.attachments.length > 0 && (
        <p className="photos">
          {a.attachments.map((id) => (
            <a key={id} href={photoUrl(id)} target="_blank" rel="noopener noreferrer">
              <img src={photoUrl(id)} alt={t('dispatch.photos')} loading="lazy" />
            </a>
          ))}
        </p>
      )}
    </li>
  );
}
