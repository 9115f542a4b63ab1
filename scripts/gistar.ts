/**
 * `npm run gistar -- FILE.json`: Getis–Ord Gi* of any values over any neighbour lists, from the
 * command line, so an analyst can check GridWatch's hot spots against R or ArcGIS on their own data.
 *
 * Input:  {"x": [values], "neighbours": [[0-based indices, the cell itself included], …]}
 * Output: {"z": [...], "p": [...], "q": [...], "class": [...]} on stdout (q: Benjamini–Hochberg).
 * Bad input: a message on stderr and exit code 2.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { benjaminiHochberg, hotspotClasses, hotspotClassNames } from '../server/hotspot/falseDiscovery.js';
import { getisOrdGiStar } from '../server/hotspot/getisOrd.js';
import { neighbourListsFromArrays } from '../server/hotspot/spatialWeights.js';

const GiStarInput = z
  .object({
    x: z.array(z.number()).min(1),
    neighbours: z.array(z.array(z.number().int().nonnegative())),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.neighbours.length !== input.x.length) {
      ctx.addIssue({ code: 'custom', path: ['neighbours'], message: `${input.neighbours.length} lists for ${input.x.length} values: one list per value` });
      return;
    }
    input.neighbours.forEach((list, i) =>
      list.forEach((j, k) => {
        if (j >= input.x.length) ctx.addIssue({ code: 'custom', path: ['neighbours', i, k], message: `index ${j} is past the last value (${input.x.length - 1})` });
      }),
    );
  });

function fail(message: string): never {
  process.stderr.write(`gistar: ${message}\n`);
  process.exit(2);
}

const file = process.argv[2];
if (!file || process.argv.length > 3) fail('usage: npm run gistar -- FILE.json');
let text: string;
try {
  text = readFileSync(file, 'utf8');
} catch (error) {
  fail(`cannot read ${file}: ${(error as Error).message}`);
}
let json: unknown;
try {
  json = JSON.parse(text);
} catch (error) {
  fail(`${file} is not JSON: ${(error as Error).message}`);
}
const parsed = GiStarInput.safeParse(json);
if (!parsed.success) fail(parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`).join('\n'));

const { z: scores, p } = getisOrdGiStar(Float64Array.from(parsed.data.x), neighbourListsFromArrays(parsed.data.neighbours));
const q = benjaminiHochberg(p);
process.stdout.write(JSON.stringify({ z: Array.from(scores), p: Array.from(p), q: Array.from(q), class: hotspotClassNames(hotspotClasses(scores, q)) }) + '\n');
