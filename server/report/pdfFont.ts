import { existsSync } from 'node:fs';
import { Refusal } from '../refusal.js';

/**
 * The CJK font the PDF exports embed (pdfkit subsets it: only the glyphs used go into the file). No
 * internet at run time and no font inside the project (Noto Sans CJK is 16 MB a face), so it is taken
 * from the machine: Debian's fonts-noto-cjk, else fonts-wqy-microhei, unless PDF_FONT names one.
 */
export interface PdfFont {
  path: string;
  /** The face of a collection (.ttc) by PostScript name; null for a single-face file. */
  face: string | null;
}

/** Where Debian puts the fonts we know, in order of preference. */
export const DEBIAN_CJK_FONTS: readonly PdfFont[] = [
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
];

/**
 * The font to embed: the configured one, or the first Debian one present. Looked up at each export,
 * so a package installed after the start is used without a restart. Refuses with 503
 * `pdf_font_missing` when there is none: a PDF without its Chinese glyphs would be unreadable.
 */
export function pdfFontOrRefuse(configured: PdfFont | null): PdfFont {
  const candidates = configured ? [configured] : DEBIAN_CJK_FONTS;
  const found = candidates.find((f) => existsSync(f.path));
  if (found) return found;
  throw new Refusal(
    503,
    'pdf_font_missing',
    configured
      ? `The PDF font ${configured.path} (PDF_FONT) does not exist; install the Debian package fonts-noto-cjk or point PDF_FONT at a CJK font.`
      : 'No CJK font for PDF exports: install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk) or set PDF_FONT.',
    { package: 'fonts-noto-cjk' },
  );
}
