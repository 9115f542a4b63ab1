import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * A PDF read back as text (pdfjs, the reader Firefox uses): each page's lines, each line its text runs
 * left to right. The exports write every table cell as one run on the row's baseline, so a table row
 * reads back as one line whose runs are its cells.
 */
export interface PdfPage {
  lines: string[][];
  /** How many path-filling operators the page has (vector drawing, not a picture). */
  fills: number;
}

export async function readPdf(bytes: Uint8Array): Promise<PdfPage[]> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const { OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const fillOps = new Set([OPS.fill, OPS.eoFill, OPS.fillStroke, OPS.eoFillStroke]);
  const pages: PdfPage[] = [];
  for (let i = 1; i <= pdf.numPages; i++) {
    const page = await pdf.getPage(i);
    const content = await page.getTextContent();
    const rows = new Map<number, { x: number; s: string }[]>();
    for (const item of content.items) {
      if (!('str' in item) || item.str.trim() === '') continue;
      const y = Math.round(item.transform[5] as number);
      // Runs of one row may sit a point apart (right-aligned numbers): join within 2 pt.
      const key = [...rows.keys()].find((k) => Math.abs(k - y) <= 2) ?? y;
      const row = rows.get(key) ?? [];
      row.push({ x: item.transform[4] as number, s: item.str.trim() });
      rows.set(key, row);
    }
    const lines = [...rows.entries()].sort((a, b) => b[0] - a[0]).map(([, r]) => r.sort((a, b) => a.x - b.x).map((x) => x.s));
    const ops = await page.getOperatorList();
    // pdf.js folds a path and its painting into one constructPath whose last argument is the painting op.
    let fills = 0;
    ops.fnArray.forEach((fn, k) => {
      if (fillOps.has(fn)) fills++;
      else if (fn === OPS.constructPath) {
        const args = ops.argsArray[k] as unknown[];
        if (typeof args[0] === 'number' && fillOps.has(args[0])) fills++;
      }
    });
    pages.push({ lines, fills });
  }
  await pdf.destroy();
  return pages;
}
