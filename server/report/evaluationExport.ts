import ExcelJS from 'exceljs';
import type { EvaluationAnswer, EvaluationLevel, Grade, IndicatorFormula } from '../../shared/index.js';
import { GRADE_NAMES } from '../evaluation/rules.js';
import { heading, paragraph, renderPdf, table, type Column, type Pdf } from './pdfDocument.js';
import type { PdfFont } from './pdfFont.js';

/**
 * 综合评价 as a workbook and as a PDF: the ranking with every indicator of the level, and the formulas
 * the figures were made with. The CSV (server/http/evaluation.ts) holds the same rows.
 */

export const LEVEL_NAMES: Record<EvaluationLevel, { zh: string; en: string }> = {
  town: { zh: '镇街', en: 'towns' },
  community: { zh: '社区', en: 'communities' },
  cell: { zh: '单元网格', en: 'grid cells' },
  unit: { zh: '责任单位', en: 'units' },
  inspector: { zh: '监督员', en: 'inspectors' },
  acceptor: { zh: '受理员', en: 'acceptors' },
  shiftLead: { zh: '值班长', en: 'shift leads' },
  dispatcher: { zh: '派遣员', en: 'dispatchers' },
};

/** A period's name as a reader says it: 2026年11月, 2026年第48周, 2026年第4季度. */
export function periodName(id: string): string {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{2})$/.exec(id))) return `${m[1]}年${Number(m[2])}月`;
  if ((m = /^(\d{4})-W(\d{2})$/.exec(id))) return `${m[1]}年第${Number(m[2])}周`;
  if ((m = /^(\d{4})-Q([1-4])$/.exec(id))) return `${m[1]}年第${m[2]}季度`;
  if ((m = /^(\d{4})$/.exec(id))) return `${m[1]}年`;
  return id.replace('..', ' 至 ');
}

/** China-time date and minute of an ISO instant, `2026-12-01 00:00`. */
export function localTime(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** How an indicator reads in the PDF: a rate as a percentage with one decimal, a count whole, a density with two decimals. */
export function indicatorText(kind: IndicatorFormula['kind'], v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (kind === 'rate') return `${(v * 100).toFixed(1)}%`;
  if (kind === 'count') return String(Math.round(v));
  return v.toFixed(2);
}

export const scoreText = (v: number | null | undefined) => (v === null || v === undefined ? '–' : v.toFixed(1));
export const rankText = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));
/** 等级 as the review shows it (优秀 / 良好 / 合格 / 不合格); an unscored row has none. */
export const gradeText = (g: Grade | null | undefined) => (g ? GRADE_NAMES[g].zh : '–');

/** Excel's number format of an indicator's column. */
function numFmt(kind: IndicatorFormula['kind']): string {
  return kind === 'rate' ? '0.0%' : kind === 'count' ? '0' : '0.00';
}

/** The title of an evaluation export: 2026年11月 镇街综合评价. */
export function evaluationTitle(a: EvaluationAnswer): string {
  return `${periodName(a.period.id)} ${LEVEL_NAMES[a.level].zh}综合评价`;
}

/** The period line under a title: its days and whether it is judged as of its end or as of now. */
export function periodLine(a: Pick<EvaluationAnswer, 'period'>): string {
  const p = a.period;
  const until = localTime(new Date(Date.parse(p.until) - 60_000).toISOString());
  return `考核周期 ${localTime(p.from)} 至 ${until}（北京时间）· ${p.running ? `进行中，截至 ${localTime(p.asOf)}` : '已结束，按期末计'} · 上期 ${periodName(p.previous)}`;
}

/** Writes the ranking sheet of an answer into a workbook (the notice's and reports' workbooks reuse it). */
export function addRankingSheet(wb: ExcelJS.Workbook, a: EvaluationAnswer, name: string): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 3 }] });
  const countKeys = [...new Set(a.rows.flatMap((r) => Object.keys(r.counts)))];
  ws.columns = [
    { header: '排名', key: 'rank', width: 6 },
    { header: '代码', key: 'code', width: 16 },
    { header: '名称', key: 'name', width: 18 },
    { header: '上级', key: 'parent', width: 12 },
    { header: '综合得分', key: 'score', width: 10, style: { numFmt: '0.0' } },
    { header: '等级', key: 'grade', width: 8 },
    ...a.formulas.map((f) => ({ header: f.name.zh, key: `i:${f.id}`, width: Math.max(10, f.name.zh.length * 2 + 2), style: { numFmt: numFmt(f.kind) } })),
    ...countKeys.map((k) => ({ header: k, key: `c:${k}`, width: 12, style: { numFmt: '0' } })),
    { header: '上期得分', key: 'prevScore', width: 10, style: { numFmt: '0.0' } },
    { header: '上期排名', key: 'prevRank', width: 10 },
  ];
  for (const r of a.rows) {
    ws.addRow({
      rank: r.rank,
      code: r.code,
      name: r.name.zh,
      parent: r.parentCode,
      score: r.score,
      grade: r.grade ? GRADE_NAMES[r.grade].zh : null,
      ...Object.fromEntries(a.formulas.map((f) => [`i:${f.id}`, r.indicators[f.id] ?? null])),
      ...Object.fromEntries(countKeys.map((k) => [`c:${k}`, r.counts[k] ?? null])),
      prevScore: r.previous?.score ?? null,
      prevRank: r.previous?.rank ?? null,
    });
  }
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDFE6EE' } };
  header.alignment = { vertical: 'middle', wrapText: true };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: ws.columnCount } };
  return ws;
}

/** The formulas sheet: each indicator's name, formula, kind and weight, then the composite rule and the period. */
export function addFormulaSheet(wb: ExcelJS.Workbook, a: EvaluationAnswer, name = '指标公式'): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: '指标', key: 'name', width: 16 },
    { header: '公式', key: 'formula', width: 60 },
    { header: '类型', key: 'kind', width: 8 },
    { header: '越高越好', key: 'better', width: 10 },
    { header: '权重', key: 'weight', width: 8 },
    { header: 'indicator', key: 'id', width: 22 },
    { header: 'formula (en)', key: 'formulaEn', width: 60 },
  ];
  const kinds = { rate: '比率', count: '数量', density: '密度' } as const;
  for (const f of a.formulas) {
    ws.addRow({ name: f.name.zh, formula: f.formula.zh, kind: kinds[f.kind], better: f.higherIsBetter ? '是' : '否', weight: f.weight, id: f.id, formulaEn: f.formula.en });
  }
  ws.addRow({});
  ws.addRow({ name: '综合得分', formula: a.composite.zh, formulaEn: a.composite.en });
  ws.addRow({ name: '考核周期', formula: periodLine(a) });
  ws.getRow(1).font = { bold: true };
  return ws;
}

export async function evaluationWorkbook(a: EvaluationAnswer): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'GridWatch';
  wb.title = evaluationTitle(a);
  addRankingSheet(wb, a, `${LEVEL_NAMES[a.level].zh}排名`);
  addFormulaSheet(wb, a);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * An indicator's column heading on paper: its name, or a shorter one where the name does not fit a
 * column of a landscape page (the formulas below the table give every name in full).
 */
export function columnName(f: Pick<IndicatorFormula, 'id' | 'name'>): string {
  const short: Partial<Record<string, string>> = { densityPerKm2: '密度/km²', densityPerCell: '密度/网格' };
  return short[f.id] ?? f.name.zh;
}

/** The ranking table's columns and rows as the PDF prints them. */
export function rankingTable(a: EvaluationAnswer): { columns: Column[]; rows: string[][] } {
  const columns: Column[] = [
    { header: '排名', weight: 4, align: 'right' },
    { header: '名称', weight: 13 },
    { header: '综合得分', weight: 6, align: 'right' },
    { header: '等级', weight: 5 },
    ...a.formulas.map((f): Column => ({ header: columnName(f), weight: 7, align: 'right' })),
    { header: '上期排名', weight: 6, align: 'right' },
  ];
  const rows = a.rows.map((r) => [rankText(r.rank), r.name.zh, scoreText(r.score), gradeText(r.grade), ...a.formulas.map((f) => indicatorText(f.kind, r.indicators[f.id])), rankText(r.previous?.rank)]);
  return { columns, rows };
}

/** The formulas as lines: 名称 = 公式（权重 w）. */
export function formulaLines(doc: Pdf, a: Pick<EvaluationAnswer, 'formulas' | 'composite'>): void {
  heading(doc, '指标公式', 11);
  for (const f of a.formulas) paragraph(doc, `${f.name.zh} = ${f.formula.zh}${f.weight > 0 ? `（权重 ${f.weight}）` : '（不计分）'}`);
  paragraph(doc, `综合得分：${a.composite.zh}`);
}

export function evaluationPdf(a: EvaluationAnswer, font: PdfFont): Promise<Buffer> {
  const title = evaluationTitle(a);
  return renderPdf(font, { title, subject: `GridWatch ${a.level} ${a.period.id}` }, async (doc) => {
    heading(doc, title, 16);
    paragraph(doc, periodLine(a));
    doc.moveDown(0.5);
    const { columns, rows } = rankingTable(a);
    await table(doc, columns, rows);
    formulaLines(doc, a);
  });
}
