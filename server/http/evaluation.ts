import { Router, type Response } from 'express';
import { z } from 'zod';
import { EvaluationQuery, type EvaluationAnswer } from '../../shared/index.js';
import { principalOf } from '../auth/httpAuth.js';
import { may } from '../auth/principal.js';
import { POSITION_LEVELS, type EvaluationService } from '../evaluation/evaluationService.js';
import { PeriodError } from '../evaluation/period.js';
import { Refusal } from '../refusal.js';
import { evaluationPdf, evaluationWorkbook } from '../report/evaluationExport.js';
import { pdfFontOrRefuse, type PdfFont } from '../report/pdfFont.js';
import { parseOr400 } from './errors.js';
import { GRADE_NAMES } from '../evaluation/rules.js';

/** Formats of the export: csv for any tool, xlsx (a sheet with number formats, the formulas on a second), pdf to print. */
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
  const header = ['排名 rank', '代码 code', '名称 name', '上级 parent', '综合得分 score', '等级 grade', ...a.formulas.map((f) => `${f.name.zh} ${f.id}`), ...countKeys, '上期得分 previous score', '上期排名 previous rank'];
  const lines = [header.map(csvCell).join(',')];
  for (const r of a.rows) {
    const values = [r.rank, r.code, r.name.zh, r.parentCode, r.score, r.grade ? GRADE_NAMES[r.grade].zh : null, ...a.formulas.map((f) => r.indicators[f.id] ?? null), ...countKeys.map((k) => r.counts[k] ?? null), r.previous?.score ?? null, r.previous?.rank ?? null];
    lines.push(values.map((v) => csvCell(typeof v === 'number' ? Number(v.toFixed(4)) : v)).join(','));
  }
  return '\uFEFF' + lines.join('\r\n') + '\r\n';
}

/** `GET /api/evaluation` (综合评价) and `GET /api/evaluation/export`; `GET /api/evaluation/facts` for checks. */
export function evaluationRouter(service: Pick<EvaluationService, 'evaluate' | 'digest' | 'size'>, opts: { pdfFont?: PdfFont | null } = {}): Router {
  const r = Router();
  r.get('/evaluation', (req, res) => {
    const q = parseOr400(EvaluationQuery, req.query, 'query');
    checkLevel(res, q.level);
    const a = evaluate(service, q);
    // A wall reads the rankings and how many cases were excluded, not which, why, or by whom.
    res.set('Cache-Control', 'no-store').json(may(principalOf(res), 'analytics.read') ? a : { ...a, excluded: { count: a.excluded.count, cases: [] } });
  });
  r.get('/evaluation/export', async (req, res) => {
    const { format, ...q } = parseOr400(ExportQuery, req.query, 'query');
    checkLevel(res, q.level);
    // The font before the figures: without it there is no PDF to make.
    const font = format === 'pdf' ? pdfFontOrRefuse(opts.pdfFont ?? null) : null;
    const a = evaluate(service, q);
    const name = `evaluation-${a.level}-${a.period.id.replace('..', '_')}`;
    res.set('Cache-Control', 'no-store');
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').attachment(`${name}.csv`).send(evaluationCsv(a));
    } else if (format === 'xlsx') {
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').attachment(`${name}.xlsx`).send(await evaluationWorkbook(a));
    } else {
      res.type('application/pdf').attachment(`${name}.pdf`).send(await evaluationPdf(a, font!));
    }
  });
  // The facts' digest, so that a check can compare the incremental facts with a fresh fold of the log.
  r.get('/evaluation/facts', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ cases: service.size, digest: service.digest() });
  });
  return r;
}
