import { useEffect, useMemo, useState } from 'react';
import type { CityLayer, Notice } from '../../shared/index.js';
import { townMapDrawing, type MapArea } from '../../shared/report/townMap.js';

const BOX = { x: 0, y: 0, width: 760, height: 300 };
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/**
 * The towns by on-time closure rate in fifths, drawn from the same commands as the notice's PDF
 * (shared/report/townMap.ts), as an SVG: what a leader sees here is what goes out on paper.
 */
export function NoticeMap({ notice, title, noData }: { notice: Notice; title: string; noData: string }) {
  const [towns, setTowns] = useState<MapArea[] | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    fetch('/api/layers/towns', { signal: abort.signal })
      .then((r) => (r.ok ? (r.json() as Promise<CityLayer<'towns'>>) : Promise.reject(new Error(`towns: HTTP ${r.status}`))))
      .then((fc) => setTowns(fc.features.map((f) => ({ code: f.properties.code, name: f.properties.name.zh, geometry: f.geometry }))))
      .catch(() => undefined);
    return () => abort.abort();
  }, []);
  const commands = useMemo(
    () => (towns ? townMapDrawing(towns, new Map(notice.townRates.map((t) => [t.code, t.value])), BOX, { higherIsBetter: true, title, format: pct, noData }) : []),
    [towns, notice, title, noData],
  );
  if (!towns) return null;
  return (
    <svg className="notice-map" viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={title} data-testid="notice-map">
      {commands.map((c, i) =>
        c.kind === 'area' ? (
          <path
            key={i}
            d={c.rings.map((r) => `M${r.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join('L')}Z`).join('')}
            fill={c.fill}
            fillRule="evenodd"
            stroke={c.stroke}
            strokeWidth={0.8}
            data-code={c.code}
            data-class={c.classIndex ?? ''}
          />
        ) : c.kind === 'swatch' ? (
          <rect key={i} x={c.x} y={c.y} width={c.width} height={c.height} fill={c.fill} stroke={c.stroke} strokeWidth={0.5} />
        ) : (
          // Town names sit on the fills (dark ink); the legend on the page (the theme's ink).
          <text key={i} x={c.x} y={c.y} fontSize={c.size * 1.4} textAnchor={c.align === 'center' ? 'middle' : 'start'} dominantBaseline={c.align === 'center' ? 'middle' : 'hanging'} fill={c.align === 'center' ? '#111' : 'currentColor'}>
            {c.text}
          </text>
        ),
      )}
    </svg>
  );
}
