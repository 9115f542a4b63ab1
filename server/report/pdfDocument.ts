import PDFDocument from 'pdfkit';
import type { PdfFont } from './pdfFont.js';
import type { DrawCommand } from '../../shared/report/townMap.js';

/**
 * The PDF side of the exports: an A4 landscape document with the CJK font embedded, headings, tables
 * that break across pages with their header repeated, vector maps, and page numbers. The content
 * (which rows, which figures) is decided by the callers; this only lays it out.
 */

export type Pdf = PDFKit.PDFDocument;

const MARGIN = 36;
const FONT = 'cjk';

/** Builds a document with `draw` and resolves with its bytes. */
export async function renderPdf(font: PdfFont, meta: { title: string; subject: string }, draw: (doc: Pdf) => Promise<void>): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: meta.title, Subject: meta.subject, Creator: 'GridWatch', Producer: 'GridWatch' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  // pdfkit embeds only the glyphs used (a subset), a few tens of kB instead of the face's 16 MB.
  if (font.face) doc.registerFont(FONT, font.path, font.face);
  else doc.registerFont(FONT, font.path);
  doc.font(FONT);
  await draw(doc);
  numberPages(doc);
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** 第 n / N 页 at the foot of every page, once the page count is known. */
function numberPages(doc: Pdf): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    // Writing below the bottom margin would otherwise start a new page.
    doc.page.margins.bottom = 0;
    doc.fontSize(8).fillColor('#666666').text(`第 ${i + 1} / ${range.count} 页`, MARGIN, doc.page.height - 24, { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  doc.fillColor('#000000');
}

/** The usable width of a page. */
export function contentWidth(doc: Pdf): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

function bottomOf(doc: Pdf): number {
  return doc.page.height - doc.page.margins.bottom;
}

/** Starts a new page unless `height` more points fit on this one. */
export function ensureRoom(doc: Pdf, height: number): void {
  if (doc.y + height > bottomOf(doc)) doc.addPage();
}

export function heading(doc: Pdf, text: string, size = 13): void {
  ensureRoom(doc, size * 3);
  doc.x = MARGIN;
  doc.fontSize(size).fillColor('#000000').text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.3);
}

export function paragraph(doc: Pdf, text: string, size = 9): void {
  ensureRoom(doc, size * 2);
  doc.fontSize(size).fillColor('#333333').text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.fillColor('#000000');
}

export interface Column {
  header: string;
  /** Share of the page's width (the shares are normalised). */
  weight: number;
  align?: 'left' | 'right' | 'center';
}

const ROW_HEIGHT = 15;
const CELL_PAD = 3;
/** Rows laid out between two yields to the event loop: a district's 10,000 cells take seconds to lay out, and the live stream must not wait that long. */
const ROWS_PER_TURN = 200;

/**
 * A table: the header row, then the rows; a row that does not fit starts a new page, which begins
 * with the header again. Each cell is one line (long text is cut with an ellipsis), so a reader of
 * the PDF's text finds each row on one baseline.
 */
export async function table(doc: Pdf, columns: readonly Column[], rows: readonly (readonly string[])[], size = 8): Promise<void> {
  const total = columns.reduce((s, c) => s + c.weight, 0);
  const widths = columns.map((c) => (c.weight / total) * contentWidth(doc));
  const drawRow = (cells: readonly string[], header: boolean, shade: boolean) => {
    const y = doc.y;
    if (header || shade) doc.rect(MARGIN, y, contentWidth(doc), ROW_HEIGHT).fill(header ? '#dfe6ee' : '#f5f7fa');
    doc.fillColor('#000000').fontSize(size);
    let x = MARGIN;
    cells.forEach((text, i) => {
      const w = widths[i]!;
      // A heading too long for its column is set smaller (down to 6 pt) rather than cut.
      if (header) doc.fontSize(size).fontSize(Math.max(6, Math.min(size, (size * (w - 2 * CELL_PAD)) / Math.max(1, doc.widthOfString(text)))));
      doc.text(text, x + CELL_PAD, y + (ROW_HEIGHT - size) / 2 - 1, { width: w - 2 * CELL_PAD, align: columns[i]!.align ?? 'left', lineBreak: false, ellipsis: true, height: ROW_HEIGHT });
      x += w;
    });
    doc.moveTo(MARGIN, y + ROW_HEIGHT).lineTo(MARGIN + contentWidth(doc), y + ROW_HEIGHT).lineWidth(0.3).strokeColor('#b0b8c4').stroke();
    doc.x = MARGIN;
    doc.y = y + ROW_HEIGHT;
  };
  ensureRoom(doc, ROW_HEIGHT * 2);
  drawRow(columns.map((c) => c.header), true, false);
  for (const [i, r] of rows.entries()) {
    if (i > 0 && i % ROWS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    if (doc.y + ROW_HEIGHT > bottomOf(doc)) {
      doc.addPage();
      drawRow(columns.map((c) => c.header), true, false);
    }
    drawRow(r, false, i % 2 === 1);
  }
  doc.moveDown(0.6);
}

/** Draws a map's commands (townMap.ts): areas as filled paths, swatches, labels. */
export function drawMap(doc: Pdf, commands: readonly DrawCommand[]): void {
  for (const c of commands) {
    if (c.kind === 'area') {
      for (const ring of c.rings) {
        ring.forEach(([x, y], i) => (i === 0 ? doc.moveTo(x, y) : doc.lineTo(x, y)));
        doc.closePath();
      }
      // Even-odd, so a town's holes (an enclave of another) stay open.
      doc.lineWidth(0.6).fillAndStroke(c.fill, c.stroke, 'even-odd');
    } else if (c.kind === 'swatch') {
      doc.rect(c.x, c.y, c.width, c.height).lineWidth(0.5).fillAndStroke(c.fill, c.stroke);
    }
  }
  // Labels over every area, not under the next one's fill.
  for (const c of commands) {
    if (c.kind !== 'text') continue;
    doc.fontSize(c.size).fillColor('#111111');
    if (c.align === 'center') {
      const w = doc.widthOfString(c.text);
      doc.text(c.text, c.x - w / 2, c.y - c.size / 2, { lineBreak: false });
    } else {
      doc.text(c.text, c.x, c.y, { lineBreak: false });
    }
  }
  doc.fillColor('#000000');
}
