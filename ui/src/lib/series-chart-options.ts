// uPlot options of the series charts (a station's channels and score, a trip cell's score): one per series, all on event time
// (UTC) with their cursors in sync, anomaly periods shaded by a plugin that draws under the line.
import uPlot from 'uplot';
import { DEFAULT_SEVERITY_BANDS, SEVERITIES, type Severity } from '../../../contracts/index.ts';
import type { AnomalyPeriod } from './anomaly-periods.ts';
import { utcTickLabels } from './chart-time.ts';

/** Colours and type of the page (read from app.css), so the canvas matches the rest of the UI. */
export interface ChartTheme {
  bg: string;
  text: string;
  dim: string;
  faint: string;
  line: string;
  accent: string;
  sev: Record<Severity, string>;
  fontFamily: string;
  /** Root font size, CSS px: every size on the chart scales with it, like the rest of the page. */
  rem: number;
}

/** The theme from the CSS custom properties on `root`. */
export function readChartTheme(root: Element = document.documentElement): ChartTheme {
  const css = getComputedStyle(root);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--bg', '#0a0e13'),
    text: v('--text', '#e7edf3'),
    dim: v('--text-dim', '#93a2b3'),
    faint: v('--text-faint', '#5f6f80'),
    line: v('--line', '#1f2b38'),
    accent: v('--accent', '#38bdf8'),
    sev: { minor: v('--sev-minor', '#f5d547'), major: v('--sev-major', '#ff9f1c'), critical: v('--sev-critical', '#ff4d5e') },
    fontFamily: v('--font-sans', 'system-ui, sans-serif'),
    rem: parseFloat(css.fontSize) || 16,
  };
}

/** What the shading plugin draws; read at every redraw, so the chart owner just replaces it. */
export interface ShadingState {
  periods: readonly AnomalyPeriod[];
  /** True when this chart's channel drove the period: drawn stronger, with a bar on top. */
  drives: (period: AnomalyPeriod) => boolean;
  /** Text written at the top of the period (the score chart names the driver), or null. */
  label: (period: AnomalyPeriod) => string | null;
}

const SHADE_ALPHA = 0.13;
const DRIVER_ALPHA = 0.36;

/** Shades each anomaly period in its worst severity's colour, across the full plot height. */
export function anomalyShadingPlugin(state: () => ShadingState, theme: ChartTheme): uPlot.Plugin {
  function spans(u: uPlot, s: ShadingState) {
    const { left, width } = u.bbox;
    const minWidth = 2 * uPlot.pxRatio;
    const out: Array<{ p: AnomalyPeriod; x: number; w: number }> = [];
    for (const p of s.periods) {
      const x0 = u.valToPos(p.fromTs, 'x', true);
      const x1 = u.valToPos(p.toTs, 'x', true);
      if (!Number.isFinite(x0) || !Number.isFinite(x1) || x1 < left || x0 > left + width) continue;
      const w = Math.max(x1 - x0, minWidth);
      out.push({ p, x: x1 - x0 < minWidth ? (x0 + x1 - minWidth) / 2 : x0, w });
    }
    return out;
  }
  function clipToPlot(u: uPlot) {
    const { ctx, bbox } = u;
    ctx.save();
    ctx.beginPath();
    ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
    ctx.clip();
  }
  return {
    hooks: {
      // Under the grid and the line.
      drawClear: (u) => {
        const s = state();
        if (!s.periods.length) return;
        const { ctx, bbox } = u;
        clipToPlot(u);
        for (const { p, x, w } of spans(u, s)) {
          ctx.globalAlpha = s.drives(p) ? DRIVER_ALPHA : SHADE_ALPHA;
          ctx.fillStyle = theme.sev[p.severity];
          ctx.fillRect(x, bbox.top, w, bbox.height);
        }
        ctx.restore();
      },
      // Over everything: the driver's bar and the labels, which must stay readable.
      draw: (u) => {
        const s = state();
        if (!s.periods.length) return;
        const { ctx, bbox } = u;
        const px = uPlot.pxRatio;
        const bar = Math.round(0.3 * theme.rem * px);
        const fontPx = Math.round(0.72 * theme.rem * px);
        clipToPlot(u);
        ctx.font = `700 ${fontPx}px ${theme.fontFamily}`;
        // uPlot leaves its axis text settings on the context.
        ctx.textAlign = 'left';
        ctx.textBaseline = 'top';
        const drawn = spans(u, s);
        for (const { p, x, w } of drawn) {
          if (!s.drives(p)) continue;
          ctx.fillStyle = theme.sev[p.severity];
          ctx.fillRect(x, bbox.top, w, bar);
        }
        // Newest first, so when labels would overlap the most recent one is the one shown.
        let labelStart = Infinity;
        for (let i = drawn.length - 1; i >= 0; i--) {
          const { p, x, w } = drawn[i]!;
          const text = s.label(p);
          if (!text) continue;
          ctx.fillStyle = theme.sev[p.severity];
          ctx.fillRect(x, bbox.top, w, bar);
          const tw = ctx.measureText(text).width;
          const tx = Math.max(bbox.left + 2 * px, Math.min(x, bbox.left + bbox.width - tw - 4 * px));
          if (tx + tw + 6 * px > labelStart) continue;
          ctx.globalAlpha = 0.85;
          ctx.fillStyle = theme.bg;
          ctx.fillRect(tx - 2 * px, bbox.top + bar, tw + 4 * px, fontPx + 3 * px);
          ctx.globalAlpha = 1;
          ctx.fillStyle = theme.sev[p.severity];
          ctx.fillText(text, tx, bbox.top + bar + 2 * px);
          labelStart = tx - 2 * px;
        }
        ctx.restore();
      },
    },
  };
}

/** The 70/85/95 band lines of the score chart, each in its severity's colour. */
function severityBandsPlugin(theme: ChartTheme): uPlot.Plugin {
  return {
    hooks: {
      drawClear: (u) => {
        const { ctx, bbox } = u;
        const px = uPlot.pxRatio;
        ctx.save();
        ctx.lineWidth = Math.max(1, px);
        ctx.setLineDash([6 * px, 4 * px]);
        for (const sev of SEVERITIES) {
          const y = Math.round(u.valToPos(DEFAULT_SEVERITY_BANDS[sev], 'y', true)) + 0.5;
          ctx.strokeStyle = theme.sev[sev];
          ctx.globalAlpha = 0.75;
          ctx.beginPath();
          ctx.moveTo(bbox.left, y);
          ctx.lineTo(bbox.left + bbox.width, y);
          ctx.stroke();
        }
        ctx.restore();
      },
    },
  };
}

export interface SeriesChartOptions {
  kind: 'channel' | 'score';
  width: number;
  height: number;
  theme: ChartTheme;
  /** Charts with the same key move their cursors together. */
  syncKey: string;
  /** Label of the y series, e.g. `pressure`. */
  name: string;
  /** Write the times under the x axis; stacked charts show them on the bottom one only. Default true. */
  timeLabels?: boolean;
  shading: () => ShadingState;
  /** Called with the hovered reading's index, or null when the cursor leaves. */
  onCursor?: (index: number | null) => void;
}

/** Options of one series chart; its data is `[times in ms, values]`. */
export function seriesChartOptions(o: SeriesChartOptions): uPlot.Options {
  const { theme } = o;
  const font = `${Math.round(0.72 * theme.rem)}px ${theme.fontFamily}`;
  const axisCommon = {
    stroke: theme.dim,
    font,
    grid: { stroke: theme.line, width: 1 },
    ticks: { stroke: theme.line, width: 1, size: 4 },
  };
  const score = o.kind === 'score';
  const plugins = [anomalyShadingPlugin(o.shading, theme)];
  if (score) plugins.push(severityBandsPlugin(theme));
  return {
    width: o.width,
    height: o.height,
    ms: 1,
    tzDate: (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC'),
    legend: { show: false },
    padding: [Math.round(0.4 * theme.rem), Math.round(0.9 * theme.rem), 0, 0],
    cursor: {
      sync: { key: o.syncKey },
      drag: { x: false, y: false, setScale: false },
      y: false,
      points: { size: Math.round(0.5 * theme.rem), fill: theme.text, stroke: theme.accent, width: 2 },
    },
    scales: {
      x: { time: true },
      y: score ? { range: [0, 100] } : { range: (_u, min, max) => uPlot.rangeNum(min, max, 0.15, true) },
    },
    axes: [
      {
        ...axisCommon,
        space: 6 * theme.rem,
        ...(o.timeLabels === false
          ? { size: Math.round(0.4 * theme.rem), values: (_u: uPlot, splits: number[]) => splits.map(() => '') }
          : { size: Math.round(2.6 * theme.rem), values: (_u: uPlot, splits: number[], _axis: number, _space: number, incr: number) => utcTickLabels(splits, incr) }),
      },
      {
        ...axisCommon,
        // One fixed width for every chart's y axis, so their plot areas line up.
        size: Math.round(4.2 * theme.rem),
        space: 1.8 * theme.rem,
        ...(score ? { splits: () => [0, 50, 100] } : {}),
      },
    ],
    series: [
      {},
      score
        ? {
            label: o.name,
            stroke: (u) => scoreGradient(u, theme),
            width: 1.6,
            points: { show: false },
          }
        : {
            label: o.name,
            stroke: theme.accent,
            width: 1.5,
            fill: 'rgba(56, 189, 248, 0.07)',
            points: { show: false },
            spanGaps: false,
          },
    ],
    plugins,
    hooks: o.onCursor
      ? {
          setCursor: [
            (u) => {
              const idx = u.cursor.idx;
              o.onCursor!(idx == null ? null : idx);
            },
          ],
        }
      : {},
  };
}

// The score line takes the colour of the band it is in.
function scoreGradient(u: uPlot, theme: ChartTheme): CanvasGradient | string {
  const y0 = u.valToPos(0, 'y', true);
  const y100 = u.valToPos(100, 'y', true);
  if (!Number.isFinite(y0) || !Number.isFinite(y100) || y0 === y100) return theme.dim;
  const g = u.ctx.createLinearGradient(0, y0, 0, y100);
  const stops: Array<[number, string]> = [
    [0, theme.dim],
    [DEFAULT_SEVERITY_BANDS.minor, theme.sev.minor],
    [DEFAULT_SEVERITY_BANDS.major, theme.sev.major],
    [DEFAULT_SEVERITY_BANDS.critical, theme.sev.critical],
  ];
  for (let i = 0; i < stops.length; i++) {
    const [from, color] = stops[i]!;
    const to = stops[i + 1]?.[0] ?? 100;
    g.addColorStop(from / 100, color);
    g.addColorStop(to / 100, color);
  }
  return g;
}
