// The evaluation report for one or more runs, in Markdown and HTML:
//   Table 2 layout: rows = runs and a "Real" row (the real ground-truth items),
//     columns = metrics (value +- spread), with sample sizes and feature networks
//   Fig. 5-style grids: test queries x (query, each run's design, ground truth)
//   Fig. 7-style grids: one query x many users, per run
//   training curves: every loss against iteration, per run
// Every image the report references is written next to it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import * as T from '../torch/index.js';
import { imageGridPng } from '../data/images.js';
import type { Category } from '../models/designer.js';
import { METRICS, type MetricKey, type MetricValue } from './metric_registry.js';
import type { EvaluatedRun } from './evaluate.js';
import { curvesPng, evalSeries, trainingSeries } from './plots.js';
import { queryThenDesigns } from '../run/samples.js';
import { modelVariant } from '../models/model_names.js';
import { pairwiseVotes, sameCases, type PairwiseVotes } from './pairwise_votes.js';

const fmt = (v: number | undefined, std?: number) =>
  v === undefined || !Number.isFinite(v)
    ? '–'
    : `${v.toFixed(4)}${std !== undefined && Number.isFinite(std) ? ` ± ${std.toFixed(2)}` : ''}`;

function describe(r: EvaluatedRun['result']): string {
  // The baselines have no users whatever their config's (unused) user conditioning says.
  const designer = modelVariant(r.model ?? 'designer')?.designer ?? false;
  const cond = designer
    ? ({ vector: 'theta_u', label: 'discrete user label', none: 'no user input' }[r.userCond] ?? r.userCond)
    : 'no users';
  return `${r.preset}, ${cond}${r.genCompatLoss ? '' : ', no L_G^FM'}, ${r.task}, iteration ${r.iteration}${r.precision === 'bf16' ? ', bf16' : ''}${r.colour_history !== undefined ? `, colour history ${r.colour_history}` : ''}`;
}

export interface ReportFiles {
  markdown: string;
  html: string;
  images: string[];
  metrics: string;
}

export async function writeReport(
  runs: EvaluatedRun[],
  out: string,
  opts: { fig5Queries?: number; fig7Queries?: number } = {},
): Promise<ReportFiles> {
  mkdirSync(out, { recursive: true });
  const images: string[] = [];
  const save = (name: string, png: Buffer) => {
    writeFileSync(path.join(out, name), png);
    images.push(name);
    return name;
  };
  // Table 2.
  const keys = (Object.keys(METRICS) as MetricKey[]).filter((k) => runs.some((r) => r.result.metrics[k]));
  const arrow = { higher: '↑', lower: '↓', 'near 1': '(→ 1)' } as const;
  const header = ['Method', ...keys.map((k) => `${METRICS[k].label} ${arrow[METRICS[k].better]}`)];
  const realOf = (k: MetricKey): MetricValue | undefined => runs.map((r) => r.result.metrics[k]).find((m) => m?.real !== undefined);
  const rows: string[][] = [
    ['Real', ...keys.map((k) => fmt(realOf(k)?.real, realOf(k)?.realStd))],
    ...runs.map((r) => [
      `${r.result.name} (${describe(r.result)})`,
      ...keys.map((k) => fmt(r.result.metrics[k]?.value, r.result.metrics[k]?.std)),
    ]),
  ];
  // Each oracle figure against its range: the ground truth, a random real item, the best catalog item.
  const ranged = keys.filter((k) =>
    runs.some(
      (r) =>
        r.result.metrics[k]?.details &&
        ('random_item' in r.result.metrics[k]!.details! ||
          'best_item' in r.result.metrics[k]!.details! ||
          'chance' in r.result.metrics[k]!.details!),
    ),
  );
  const rangeRows = runs.flatMap((r) =>
    ranged
      .filter((k) => r.result.metrics[k])
      .map((k) => {
        const m = r.result.metrics[k]!,
          d = m.details ?? {};
        const num = (x: unknown) => (typeof x === 'number' ? x : undefined);
        return [
          r.result.name,
          METRICS[k].label,
          fmt(m.value),
          fmt(m.real),
          fmt(num(d.random_item) ?? num(d.chance)),
          fmt(num(d.best_item)),
        ];
      }),
  );
  const notes = runs.flatMap((r) =>
    keys.filter((k) => r.result.metrics[k]?.note).map((k) => `${r.result.name}, ${METRICS[k].label}: ${r.result.metrics[k]!.note}`),
  );

  // Fig. 5: the first run's first cases of each designed category, designed by every run for the same user.
  const fig5: { category: Category; file: string; runs: string[] }[] = [];
  const first = runs[0]!;
  for (const target of ['bottom', 'top'] as Category[]) {
    const cases = first.designs.cases
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => c.target === target)
      .slice(0, opts.fig5Queries ?? 8);
    if (!cases.length) continue;
    const able = runs.filter((r) => r.trained.model.config.targets.includes(target));
    const grid = T.tidy(() => {
      const idx = T.tensor(
        cases.map(({ i }) => i),
        { dtype: 'int64' },
      );
      const q = T.indexSelect(first.designs.query, 0, idx),
        truth = T.indexSelect(first.designs.truth, 0, idx);
      const users = T.tensor(
        cases.map(({ c }) => c.user),
        { dtype: 'int64' },
      );
      const designFor = (r: EvaluatedRun) => {
        // The run's own designs of these cases where it evaluated the same ones (every run of one
        // evaluation does), else designed here, from the query at the run's image size.
        const same = cases.every(({ c, i }) => {
          const o = r.designs.cases[i];
          return o && o.query === c.query && o.user === c.user && o.target === c.target;
        });
        if (same) return T.indexSelect(r.designs.design, 0, idx);
        const m = r.trained.model,
          device = m.device; // where that run's model lives
        const size = r.trained.imageSize;
        const qm = size === q.size(2) ? q : T.resizeBilinear(q, [size, size]);
        const d = T.toDevice(m.design(T.toDevice(qm, device), T.toDevice(users, device), target), 'cpu'); // [N, 3, S', S']
        return d.size(2) === q.size(2) ? d : T.adaptiveAvgPool2d(d, [q.size(2), q.size(3)]);
      };
      const cols = [q, ...able.map((r) => designFor(r)), truth];
      return T.keep(T.reshape(T.stack(cols, 1), [cases.length * cols.length, 3, q.size(2), q.size(3)]));
    });
    fig5.push({
      category: target,
      file: save(`fig5-${target}s.png`, await imageGridPng(grid, able.length + 2)),
      runs: able.map((r) => r.result.name),
    });
    grid.dispose();
  }
  // Fig. 4 without people: the first run against each other run, case by case, by the oracle.
  const votes: PairwiseVotes[] = [];
  if (first.compatPerCase) {
    for (const r of runs.slice(1)) {
      if (r.compatPerCase && sameCases(first.designs.cases, r.designs.cases))
        votes.push(pairwiseVotes(first.result.name, first.compatPerCase, r.result.name, r.compatPerCase));
    }
  }
  if (votes.length) writeFileSync(path.join(out, 'fig4-votes.json'), JSON.stringify(votes, null, 2) + '\n');
  // Fig. 7 and training curves, per run.
  const perRun: { name: string; fig7?: string; users: number; curves: string; learningCurves?: string }[] = [];
  for (const r of runs) {
    const fan = r.designs.fanout;
    let fig7: string | undefined;
    if (fan.cases.length && fan.users.length) {
      const q = Math.min(opts.fig7Queries ?? 4, fan.cases.length);
      const grid = T.tidy(() => {
        const queries = T.indexSelect(r.designs.query, 0, T.tensor(fan.cases.slice(0, q), { dtype: 'int64' })); // [q, 3, S, S]
        return T.keep(queryThenDesigns(queries, T.narrow(fan.designs, 0, 0, q)));
      });
      fig7 = save(`fig7-${r.result.name}.png`, await imageGridPng(grid, 1 + fan.users.length));
      grid.dispose();
    }
    const records = r.trained.run.readMetrics();
    const curves = save(
      `curves-${r.result.name}.png`,
      await curvesPng(trainingSeries(records), `${r.result.name}: training losses per iteration (faint: raw, bold: moving average)`),
    );
    const learning = evalSeries(records);
    const learningCurves = learning.length
      ? save(
          `learning-${r.result.name}.png`,
          await curvesPng(learning, `${r.result.name}: light evaluation during training (dashed: reference values)`),
        )
      : undefined;
    perRun.push({ name: r.result.name, fig7, users: fan.users.length, curves, learningCurves });
  }
  const metricsFile = path.join(out, 'metrics.json');
  writeFileSync(
    metricsFile,
    JSON.stringify(
      runs.map((r) => r.result),
      null,
      2,
    ) + '\n',
  );

  const s = first.result.samples;
  const nets = Object.entries(Object.assign({}, ...runs.map((r) => r.result.feature_nets)) as Record<string, string>);
  const md: string[] = [
    '# Evaluation report',
    '',
    `Runs: ${runs.map((r) => `\`${r.result.run}\``).join(', ')}. Generated ${new Date().toISOString()}.`,
    '',
    '## Table 2',
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Samples: ${s.designs} designs per run (test queries with their own users) and as many real ground-truth items; IS over ${s.splits} splits (± std over splits); ` +
      `Opposite SSIM over ${s.ssim_pairs} random same-category pairs (± std over pairs); cross-user SSIM over ${s.fanout_queries} queries x ${s.fanout_users} users (lower = designs differ more between users).`,
    ...(rangeRows.length
      ? [
          '',
          '### Oracle figures against their range',
          '',
          '| Run | Figure | Design | Ground truth | Random real item (or chance) | Best catalog item for (q, u) by compat + taste |',
          '|---|---|---|---|---|---|',
          ...rangeRows.map((r) => `| ${r.join(' | ')} |`),
        ]
      : []),
    '',
    ...nets.map(([k, d]) => `- ${k === 'domain' ? '"domain" metrics' : 'FID / IS'}: ${d}`),
    ...(nets.some(([k]) => k === 'inception')
      ? []
      : [
          '- FID and IS with the literature\'s Inception network need `--inception-weights FILE` (see docs/evaluation.md); "domain" numbers are not comparable with published FID/IS.',
        ]),
    ...notes.map((n) => `- Note: ${n}`),
    '',
    ...(votes.length
      ? [
          '## Pairwise votes (Fig. 4 without people)',
          '',
          `For each test case, the oracle compares compat(query, design) of ${first.result.name}'s design with the other run's design for the same query and user (the paper's user study, with the world's rules as the judge; a tie is half a vote).`,
          '',
          `| ${first.result.name} against | cases | ${first.result.name} preferred | ties | 95% interval (Wilson) |`,
          '|---|---|---|---|---|',
          ...votes.map(
            (v) =>
              `| ${v.against} | ${v.cases} | **${(100 * v.share).toFixed(1)}%** | ${v.ties} | ${(100 * v.ci95[0]).toFixed(1)}-${(100 * v.ci95[1]).toFixed(1)}% |`,
          ),
          '',
        ]
      : []),
    '## Designs for test queries (Fig. 5 layout)',
    '',
    ...fig5.flatMap((f) => [
      `Columns: query, ${f.runs.join(', ')}, ground truth (designed ${f.category}s).`,
      '',
      `![${f.category}s](${f.file})`,
      '',
    ]),
    '## One query, many users (Fig. 7 layout)',
    '',
    ...perRun
      .filter((p) => p.fig7)
      .flatMap((p) => [`${p.name}: each row is a query followed by the designs for ${p.users} users.`, '', `![${p.name}](${p.fig7})`, '']),
    '## Learning curves',
    '',
    'A light evaluation during training (`--eval-every`, `--eval-queries`): fixed test cases designed for their own user, another user and another query.',
    '',
    ...perRun.flatMap((p) =>
      p.learningCurves ? [`![${p.name} learning curves](${p.learningCurves})`, ''] : [`${p.name}: no light evaluation was recorded.`, ''],
    ),
    '## Training curves',
    '',
    ...perRun.flatMap((p) => [`![${p.name} curves](${p.curves})`, '']),
  ];
  const markdown = path.join(out, 'report.md');
  writeFileSync(markdown, md.join('\n'));
  const html = path.join(out, 'report.html');
  writeFileSync(html, markdownToHtml(md));
  return { markdown, html, images, metrics: metricsFile };
}

/** The report's small Markdown subset (headings, tables, images, lists, paragraphs) as HTML. */
/** The report's markdown as a page (marked: GitHub-flavoured markdown, tables and every heading level). */
function markdownToHtml(lines: string[]): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Evaluation report</title><style>
body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,th:first-child{text-align:left}img{max-width:100%}img[src^="fig"]{image-rendering:pixelated;zoom:2}
</style></head><body>
${marked.parse(lines.join('\n'), { async: false, gfm: true })}
</body></html>
`;
}
