import ExcelJS from 'exceljs';
import type { EvaluationAnswer, Notice, NoticeLevel } from '../../shared/index.js';
import { addFormulaSheet, addRankingSheet, formulaLines, LEVEL_NAMES, localTime, periodLine, periodName, rankingTable, rankText, scoreText } from './evaluationExport.js';
import { contentWidth, drawMap, ensureRoom, heading, paragraph, renderPdf, table, type Column, type Pdf } from './pdfDocument.js';
import type { PdfFont } from './pdfFont.js';
import { townMapDrawing, type MapArea } from '../../shared/report/townMap.js';

/**
 * 通报 as a PDF (the towns' map drawn as vector paths, the worst towns and units, the overdue cases)
 * and as a workbook. A scheduled report is the notice followed by the full rankings of its period.
 */

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
export const hoursText = (h: number) => h.toFixed(1);

export function noticeTitle(n: Pick<Notice, 'period'>): string {
  return `${periodName(n.period.id)} 城市管理工作通报`;
}

/** The rows of a notice list as printed: rank, name, composite, on-time rate, previous rank. */
export function noticeListRows(rows: NoticeLevel['byScore']): string[][] {
  return rows.map((r) => [rankText(r.rank), r.name.zh, scoreText(r.score), pct(r.onTimeRate), rankText(r.previousRank)]);
}

export function overdueRows(n: Notice): string[][] {
  return n.overdue.map((c) => [c.number ?? c.id, c.category.zh, c.town.zh, c.unit?.zh ?? '–', localTime(c.dueAt), hoursText(c.hoursOverdue)]);
}

function listColumns(level: NoticeLevel): Column[] {
  return [
    { header: '排名', weight: 4, align: 'right' },
    { header: '名称', weight: 14 },
    { header: '综合得分', weight: 6, align: 'right' },
    { header: level.rule.onTimeName.zh, weight: 7, align: 'right' },
    { header: '上期排名', weight: 6, align: 'right' },
  ];
}

const OVERDUE_COLUMNS: Column[] = [
  { header: '案件编号', weight: 12 },
  { header: '问题类别', weight: 12 },
  { header: '镇街', weight: 8 },
  { header: '责任单位', weight: 12 },
  { header: '时限', weight: 9 },
  { header: '超期（小时）', weight: 7, align: 'right' },
];

async function levelSection(doc: Pdf, what: string, level: NoticeLevel): Promise<void> {
  heading(doc, `${what}综合得分末位（后 ${level.rule.limit} 名）`, 11);
  await table(doc, listColumns(level), noticeListRows(level.byScore));
  heading(doc, `${what}${level.rule.onTimeName.zh}末位（后 ${level.rule.limit} 名）`, 11);
  await table(doc, listColumns(level), noticeListRows(level.byOnTime));
}

async function drawNotice(doc: Pdf, n: Notice, towns: readonly MapArea[]): Promise<void> {
  heading(doc, noticeTitle(n), 16);
  paragraph(doc, `${periodLine(n)} · 编制于 ${localTime(n.generatedAt)} · 超期案件截至 ${localTime(n.asOf)}`);
  doc.moveDown(0.5);
  heading(doc, `各镇街${n.towns.rule.onTimeName.zh}`, 11);
  const values = new Map(n.townRates.map((t) => [t.code, t.value]));
  const box = { x: doc.page.margins.left, y: doc.y, width: contentWidth(doc), height: 300 };
  drawMap(doc, townMapDrawing(towns, values, box, { higherIsBetter: true, title: `${n.towns.rule.onTimeName.zh}（五分位）`, format: (v) => pct(v), noData: '无应结案件' }));
  doc.x = doc.page.margins.left;
  doc.y = box.y + box.height + 10;
  doc.addPage();
  await levelSection(doc, '镇街', n.towns);
  await levelSection(doc, '责任单位', n.units);
  heading(doc, `超期未结案件（超期最久的 ${n.overdue.length} 件，截至 ${localTime(n.asOf)}）`, 11);
  if (n.overdue.length === 0) paragraph(doc, '无超期未结案件。');
  else await table(doc, OVERDUE_COLUMNS, overdueRows(n));
}

/** The notice's PDF; with `rankings`, each full ranking follows (the scheduled reports). */
export function noticePdf(n: Notice, towns: readonly MapArea[], font: PdfFont, rankings: readonly EvaluationAnswer[] = []): Promise<Buffer> {
  return renderPdf(font, { title: noticeTitle(n), subject: `GridWatch notice ${n.period.id}` }, async (doc) => {
    await drawNotice(doc, n, towns);
    for (const a of rankings) {
      doc.addPage();
      heading(doc, `${LEVEL_NAMES[a.level].zh}综合评价排名`, 13);
      const { columns, rows } = rankingTable(a);
      await table(doc, columns, rows);
      ensureRoom(doc, 60);
      formulaLines(doc, a);
    }
  });
}

function addListSheet(wb: ExcelJS.Workbook, name: string, level: NoticeLevel): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: '名单', key: 'list', width: 14 },
    { header: '排名', key: 'rank', width: 6 },
    { header: '代码', key: 'code', width: 12 },
    { header: '名称', key: 'name', width: 18 },
    { header: '综合得分', key: 'score', width: 10, style: { numFmt: '0.0' } },
    { header: level.rule.onTimeName.zh, key: 'onTime', width: 12, style: { numFmt: '0.0%' } },
    { header: '上期排名', key: 'previousRank', width: 10 },
  ];
  for (const [list, rows] of [['综合得分末位', level.byScore], [`${level.rule.onTimeName.zh}末位`, level.byOnTime]] as const) {
    for (const r of rows) ws.addRow({ list, rank: r.rank, code: r.code, name: r.name.zh, score: r.score, onTime: r.onTimeRate, previousRank: r.previousRank });
  }
  ws.getRow(1).font = { bold: true };
}

/** The notice's workbook: towns, units, overdue cases; with `rankings`, each full ranking and its formulas. */
export async function noticeWorkbook(n: Notice, rankings: readonly EvaluationAnswer[] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'GridWatch';
  wb.title = noticeTitle(n);
  addListSheet(wb, '镇街末位', n.towns);
  addListSheet(wb, '责任单位末位', n.units);
  const ws = wb.addWorksheet('超期案件', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = [
    { header: '案件编号', key: 'number', width: 20 },
    { header: '问题类别', key: 'category', width: 18 },
    { header: '镇街', key: 'town', width: 12 },
    { header: '责任单位', key: 'unit', width: 18 },
    { header: '时限', key: 'dueAt', width: 18 },
    { header: '超期（小时）', key: 'hours', width: 12, style: { numFmt: '0.0' } },
  ];
  for (const c of n.overdue) ws.addRow({ number: c.number ?? c.id, category: c.category.zh, town: c.town.zh, unit: c.unit?.zh ?? null, dueAt: localTime(c.dueAt), hours: c.hoursOverdue });
  ws.getRow(1).font = { bold: true };
  for (const a of rankings) {
    addRankingSheet(wb, a, `${LEVEL_NAMES[a.level].zh}排名`);
    addFormulaSheet(wb, a, `${LEVEL_NAMES[a.level].zh}公式`);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
