import { Router } from 'express';
import { z } from 'zod';
import { NoticeExportQuery, NoticeQuery, ReportDownloadQuery, ReportListQuery, type Notice, type ReportList } from '../../shared/index.js';
import { PeriodError } from '../evaluation/period.js';
import { Refusal } from '../refusal.js';
import { noticePdf, noticeWorkbook } from '../report/noticeExport.js';
import type { NoticeService } from '../report/noticeService.js';
import { pdfFontOrRefuse, type PdfFont } from '../report/pdfFont.js';
import type { ReportArchive } from '../report/reportArchive.js';
import { parseOr400 } from './errors.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ReportId = z.string().regex(/^(weekly|monthly)-[0-9A-Z-]{4,12}$/);

async function noticeOrRefuse(notices: Pick<NoticeService, 'notice'>, period: string | undefined): Promise<Notice> {
  try {
    return await notices.notice(period);
  } catch (err) {
    if (err instanceof PeriodError) throw new Refusal(400, err.code, err.message);
    throw err;
  }
}

/**
 * 通报 and the scheduled reports, for whoever reads the analytics (accessRules.ts): the notice of a
 * period as JSON and as PDF or XLSX; the reports kept (周报, 月报) and their files.
 */
export function reportsRouter(deps: { notices: Pick<NoticeService, 'notice' | 'towns'>; archive: Pick<ReportArchive, 'fileOf' | 'list'>; pdfFont: PdfFont | null }): Router {
  const r = Router();
  r.get('/reports/notice', async (req, res) => {
    const q = parseOr400(NoticeQuery, req.query, 'query');
    res.set('Cache-Control', 'no-store').json(await noticeOrRefuse(deps.notices, q.period));
  });
  r.get('/reports/notice/export', async (req, res) => {
    const q = parseOr400(NoticeExportQuery, req.query, 'query');
    const font = q.format === 'pdf' ? pdfFontOrRefuse(deps.pdfFont) : null;
    const n = await noticeOrRefuse(deps.notices, q.period);
    const name = `notice-${n.period.id.replace('..', '_')}`;
    res.set('Cache-Control', 'no-store');
    if (q.format === 'xlsx') res.type(XLSX_TYPE).attachment(`${name}.xlsx`).send(await noticeWorkbook(n));
    else res.type('application/pdf').attachment(`${name}.pdf`).send(await noticePdf(n, deps.notices.towns, font!));
  });
  r.get('/reports', async (req, res) => {
    const q = parseOr400(ReportListQuery, req.query, 'query');
    const body: ReportList = { reports: await deps.archive.list(q.kind) };
    res.set('Cache-Control', 'no-store').json(body);
  });
  r.get('/reports/:id/download', async (req, res) => {
    const id = parseOr400(ReportId, req.params.id, 'report id');
    const q = parseOr400(ReportDownloadQuery, req.query, 'query');
    const file = await deps.archive.fileOf(id, q.format);
    res
      .set('Cache-Control', 'no-store')
      .type(q.format === 'pdf' ? 'application/pdf' : XLSX_TYPE)
      .attachment(file.name)
      .sendFile(file.path);
  });
  return r;
}
