import { Router, type Response } from 'express';
import { z } from 'zod';
import { EvaluationQuery, type EvaluationAnswer } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import { may } from '../auth/principal.js';
import { POSITION_LEVELS, type EvaluationService } from '../evaluation/evaluationService.js';
import { PeriodError } from '../evaluation/period.js';
import { Refusal } from '../refusal.js';
import { parseOr400 } from './errors.js';

/** Formats of the export; xlsx and pdf are planned, and refused with their own code until then. */
const ExportFormat = z.enum(['csv', 'xlsx', 'pdf']);
const ExportQuery = EvaluationQuery.extend({ format: ExportFormat.default('csv') }).strict();

/**
 * Who may read which level: anyone with analytics.read reads all; whoever reads the live picture
 * (the route's own rule: a wall display, an inspector) reads the regions and the units, which a
 * wall shows anyway, never the positions, which name people.
 */
function checkLevel(res: Response, level: EvaluationQuery['level']): void {
  const p = principalOf(res);
  if (!p) throw new Refusal(401, 'unauthenticated', 'Sign in first.');
  if (may(p, 'analytics.read')) return;
  if (!POSITION_LEVELS.includes(level)) return;
  throw new Refusal(403, 'forbidden', POSITION_LEVELS.includes(level) ? `The evaluation of ${level} names people: it needs analytics.read.` : 'The evaluation needs analytics.read.', { needs: 'analytics.read' });
}

function evaluate(service: Pick<EvaluationService, 'evaluate'>, q: EvaluationQuery): EvaluationAnswer {
  try {
    return service.evaluate(q);
  } catch (err) {
    if (err instanceof PeriodError) throw new Refusal(400, err.code, err.message);
    throw err;
  }
}

/** A cell of a CSV row: quoted where it must be, and defused where a spreadsheet would read a formula. */
function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The answer as CSV for Excel: a UTF-8 BOM (else Excel reads the Chinese names as ANSI), CRLF lines. */
export function evaluationCsv(a: EvaluationAnswer): string {
  const countKeys = [...new Set(a.rows.flatMap((r) => Object.keys(r.counts)))];
  const header = ['排名 rank', '代码 code', '名称 name', '上级 parent', '综合得分 score', ...a.formulas.map((f) => `${f.name.zh} ${f.id}`), ...countKeys, '上期得分 previous score', '上期排名 previous rank'];
  const lines = [header.map(csvCell).join(',')];
  for (const r of a.rows) {
    const values = [r.rank, r.code, r.name.zh, r.parentCode, r.score, ...a.formulas.map((f) => r.indicators[f.id] ?? null), ...countKeys.map((k) => r.counts[k] ?? null), r.previous?.score ?? null, r.previous?.rank ?? null];
    lines.push(values.map((v) => csvCell(typeof v === 'number' ? Number(v.toFixed(4)) : v)).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** `GET /api/evaluation` (综合评价) and `GET /api/evaluation/export`; `GET /api/evaluation/facts` for checks. */
export function evaluationRouter(service: Pick<EvaluationService, 'evaluate' | 'digest' | 'size'>): Router {
  const r = Router();
  r.get('/evaluation', (req, res) => {
    const q = parseOr400(EvaluationQuery, req.query, 'query');
    checkLevel(res, q.level);
    res.set('Cache-Control', 'no-store').json(evaluate(service, q));
  });
  r.get('/evaluation/export', (req, res) => {
    const { format, ...q } = parseOr400(ExportQuery, req.query, 'query');
    if (format !== 'csv') throw new Refusal(400, 'unsupported_format', `Export as ${format} is not available yet; use format=csv (opens in Excel).`, { supported: ['csv'] });
    checkLevel(res, q.level);
    const a = evaluate(service, q);
    res
      .set('Cache-Control', 'no-store')
      .type('text/csv; charset=utf-8')
      .attachment(`evaluation-${a.level}-${a.period.id}.csv`)
      .send(evaluationCsv(a));
  });
  // The facts' digest, so that a check can compare the incremental facts with a fresh fold of the log.
  r.get('/evaluation/facts', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ cases: service.size, digest: service.digest() });
  });
  return r;
}
