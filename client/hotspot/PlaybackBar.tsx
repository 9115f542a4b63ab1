import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimeWindow } from '../../shared/index.js';
import { PLAYBACK_STEP_MS, type PlaybackStep } from './playback.js';

/** How long each step shows while playing. */
export const PLAYBACK_FRAME_MS = 1500;

/** A step as a reader names it: an hour of a day, a day, or the days of a week. */
function stepLabel(step: PlaybackStep, window: TimeWindow): string {
  const day = (ms: number) => new Date(ms).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit' });
  const hour = (ms: number) => new Date(ms).toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
  const size = PLAYBACK_STEP_MS[window];
  if (size < 86_400_000) return `${day(step.from)} ${hour(step.from)}–${hour(step.until)}`;
  if (size === 86_400_000) return day(step.from);
  return `${day(step.from)} – ${day(step.until - 1)}`;
}

/**
 * Time playback under the map: play or step through the window's steps (hours, days or weeks), the
 * density layers and the hotspots showing one step at a time; leaving it shows the whole window again.
 */
export function PlaybackBar(props: {
  window: TimeWindow;
  steps: readonly PlaybackStep[];
  index: number;
  playing: boolean;
  /** Points in the step shown. */
  count: number | null;
  onIndex: (i: number) => void;
  onPlaying: (playing: boolean) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const { steps, index, playing, onIndex, onPlaying } = props;
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      if (index + 1 >= steps.length) onPlaying(false);
      else onIndex(index + 1);
    }, PLAYBACK_FRAME_MS);
    return () => clearInterval(timer);
  }, [playing, index, steps.length, onIndex, onPlaying]);
  const step = steps[index];
  if (!step) return null;
  return (
    <div className="playback-bar" data-testid="playback-bar">
      <button type="button" onClick={() => onPlaying(!playing)} data-testid="playback-play" aria-label={playing ? t('playback.pause') : t('playback.play')}>
        {playing ? '⏸' : '▶'}
      </button>
      <input
        type="range"
        min={0}
        max={steps.length - 1}
        value={index}
        onChange={(e) => {
          onPlaying(false);
          onIndex(Number(e.target.value));
        }}
        data-testid="playback-step"
        aria-label={t('playback.step')}
      />
      <span className="playback-label" data-testid="playback-label" data-index={index}>
        {stepLabel(step, props.window)}
        {props.count !== null && ` · ${t('legend.count', { count: props.count })}`}
      </span>
      <button type="button" onClick={props.onClose} data-testid="playback-close" aria-label={t('playback.close')}>
        ✕
      </button>
    </div>
  );
}
