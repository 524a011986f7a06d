// Training curves as pictures: one panel per loss against iteration (raw
// values faint, a moving average bold), drawn as SVG and rasterized by sharp.
import sharp from 'sharp';

export interface Series {
  name: string;
  xs: number[];
  ys: number[];
  refs?: { label: string; y: number }[]; // constant reference lines (dashed), e.g. the ground truth's value
  smooth?: boolean; // draw a moving average (default true; off for sparse series)
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function movingAverage(ys: number[], w: number): number[] {
  const out: number[] = [];
  let sum = 0,
    count = 0;
  const q: number[] = [];
  for (const y of ys) {
    if (Number.isFinite(y)) {
      q.push(y);
      sum += y;
      count++;
    } else q.push(NaN);
    if (q.length > w) {
      const old = q.shift()!;
      if (Number.isFinite(old)) {
        sum -= old;
        count--;
      }
    }
    out.push(count ? sum / count : NaN);
  }
  return out;
}

function panel(s: Series, x0: number, y0: number, w: number, h: number): string {
  const pts = s.xs.map((x, i) => [x, s.ys[i]!] as const).filter(([, y]) => Number.isFinite(y));
  if (pts.length === 0)
    return `<text x="${x0 + 8}" y="${y0 + 20}" font-size="13" font-family="sans-serif">${esc(s.name)}: no values</text>`;
  const xmin = Math.min(...pts.map((p) => p[0])),
    xmax = Math.max(...pts.map((p) => p[0]));
  const refs = (s.refs ?? []).filter((r) => Number.isFinite(r.y));
  const sorted = [...pts.map((p) => p[1]), ...refs.map((r) => r.y)].sort((a, b) => a - b);
  // Robust y range (1st..99th percentile) so one spike does not flatten the curve.
  const lo = sorted[Math.floor(0.01 * (sorted.length - 1))]!,
    hi = sorted[Math.ceil(0.99 * (sorted.length - 1))]!;
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
  const ymin = lo - pad,
    ymax = hi + pad;
  const px = (x: number) => x0 + 50 + ((x - xmin) / (xmax - xmin || 1)) * (w - 60);
  const py = (y: number) => y0 + 24 + (1 - (Math.min(Math.max(y, ymin), ymax) - ymin) / (ymax - ymin)) * (h - 44);
  const path = (ys: number[]) =>
    s.xs
      .map((x, i) => (Number.isFinite(ys[i]!) ? `${px(x).toFixed(1)},${py(ys[i]!).toFixed(1)}` : ''))
      .filter(Boolean)
      .join(' ');
  const smooth = s.smooth === false ? s.ys : movingAverage(s.ys, Math.max(1, Math.floor(s.ys.length / 40)));
  const refLines = refs
    .map(
      (r) =>
        `<line x1="${x0 + 50}" x2="${x0 + w - 10}" y1="${py(r.y).toFixed(1)}" y2="${py(r.y).toFixed(1)}" stroke="#e6550d" stroke-dasharray="5,4"/>` +
        `<text x="${x0 + w - 12}" y="${py(r.y) - 3}" font-size="10" text-anchor="end" fill="#e6550d" font-family="sans-serif">${esc(r.label)}</text>`,
    )
    .join('');
  const label = (v: number) => (v !== 0 && Math.abs(v) < 1e-2 ? v.toExponential(1) : v.toPrecision(3));
  const ticks = [ymin + pad, (ymin + ymax) / 2, ymax - pad]
    .map((v) => `<text x="${x0 + 46}" y="${py(v) + 4}" font-size="10" text-anchor="end" font-family="sans-serif">${label(v)}</text>`)
    .join('');
  return (
    `<rect x="${x0 + 50}" y="${y0 + 24}" width="${w - 60}" height="${h - 44}" fill="#fafafa" stroke="#ccc"/>` +
    `<text x="${x0 + 50}" y="${y0 + 16}" font-size="13" font-family="sans-serif" font-weight="bold">${esc(s.name)}</text>${ticks}` +
    `<text x="${x0 + 50}" y="${y0 + h - 6}" font-size="10" font-family="sans-serif">${xmin}</text>` +
    `<text x="${x0 + w - 10}" y="${y0 + h - 6}" font-size="10" text-anchor="end" font-family="sans-serif">iteration ${xmax}</text>` +
    `<polyline points="${path(s.ys)}" fill="none" stroke="#9ecae1" stroke-width="1"/>` +
    `<polyline points="${path(smooth)}" fill="none" stroke="#08519c" stroke-width="2"/>` +
    refLines
  );
}

/** A PNG with one panel per series, two panels per row. */
export async function curvesPng(series: Series[], title: string): Promise<Buffer> {
  const w = 460,
    h = 200,
    cols = 2,
    rows = Math.ceil(series.length / cols);
  const W = cols * w,
    H = rows * h + 30;
  const body = series.map((s, i) => panel(s, (i % cols) * w, 30 + Math.floor(i / cols) * h, w, h)).join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>` +
    `<text x="10" y="20" font-size="15" font-family="sans-serif">${esc(title)}</text>${body}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The loss panels of a run's metrics.jsonl records. */
export function trainingSeries(all: Record<string, unknown>[]): Series[] {
  const records = all.filter((r) => r.phase !== 'eval');
  const keys: [string, string][] = [
    ['L_FM', 'L_FM (compatibility, Eq. 10)'],
    ['auc_batch', 'batch AUC (s+ > s-)'],
    ['L_D', 'L_D (RaLSGAN, Eq. 1)'],
    ['L_G_adv', 'L_G adversarial (Eq. 2)'],
    ['L_G_FM', 'L_G^FM (Eq. 11)'],
    ['s_pos', 'mean s+ (positives)'],
  ];
  const xs = records.map((r) => Number(r.iteration));
  return keys
    .filter(([k]) => records.some((r) => typeof r[k] === 'number'))
    .map(([k, name]) => ({ name, xs, ys: records.map((r) => (typeof r[k] === 'number' ? (r[k] as number) : NaN)) }));
}

/** The light evaluations' panels (learning curves), with their reference values as dashed lines. */
export function evalSeries(all: Record<string, unknown>[]): Series[] {
  const records = all.filter((r) => r.phase === 'eval');
  const xs = records.map((r) => Number(r.iteration));
  const last = records[records.length - 1] ?? {};
  const ref = (k: string, label: string) => (typeof last[k] === 'number' ? [{ label, y: last[k] as number }] : []);
  const panels: [string, string, Series['refs']][] = [
    ['eval_category', 'category (oracle)', [{ label: 'real 1.0', y: 1 }]],
    [
      'eval_compat',
      'compat(query, design) (oracle)',
      [...ref('ref_compat_truth', 'ground truth'), ...ref('ref_compat_random', 'random item'), ...ref('ref_compat_best', 'best item')],
    ],
    [
      'eval_own_query',
      'own-query advantage (oracle)',
      [{ label: 'ignores the query', y: 0 }, ...ref('ref_own_query_truth', 'ground truth')],
    ],
    ['eval_taste', 'taste(user, design) (oracle)', ref('ref_taste_truth', 'ground truth')],
    ['eval_personal_win', 'personal win (oracle)', [{ label: 'chance', y: 0.5 }]],
    ['eval_label_category', 'category (label classifier)', [{ label: 'real 1.0', y: 1 }]],
    ['eval_colour_taste', 'colour-taste personal win (label classifier)', [{ label: 'chance', y: 0.5 }]],
    ['eval_query_ssim', 'same-user SSIM across queries (lower: follows the query)', ref('ref_query_ssim_truth', 'ground truth')],
    ['eval_user_ssim', 'same-query SSIM across users (lower: personal)', []],
    ['eval_tv', 'total variation of designs (speckle)', ref('ref_tv_truth', 'ground truth')],
    ['eval_auc_per_user', 'compatibility AUC per user', [{ label: 'chance', y: 0.5 }]],
    ['eval_auc_kind1_per_user', 'AUC per user vs kind-1 negatives', [{ label: 'chance', y: 0.5 }]],
  ];
  return panels
    .filter(([k]) => records.some((r) => typeof r[k] === 'number'))
    .map(([k, name, refs]) => ({
      name,
      xs,
      ys: records.map((r) => (typeof r[k] === 'number' ? (r[k] as number) : NaN)),
      refs,
      smooth: false,
    }));
}
