// Progress bars for long jobs (cli-progress), quiet when not on a terminal.
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, extra?: Record<string, string | number>): void;
  stop(): void;
}

export function progressBar(label: string, total: number): Progress {
  if (!process.stderr.isTTY) {
    let lastPct = -1;
    return {
      update(done) {
        const pct = Math.floor((100 * done) / total / 25) * 25;
        if (pct !== lastPct) {
          lastPct = pct;
          process.stderr.write(`${label}: ${done}/${total}\n`);
        }
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted} left`,
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done, extra) => bar.update(done, extra), stop: () => bar.stop() };
}

/** A progress bar per phase, for jobs that report (phase, done, total). */
export function phasedProgress(): { update: (phase: string, done: number, total: number) => void; stop: () => void } {
  let phase = '';
  let bar: Progress | null = null;
  return {
    update(p, done, total) {
      if (p !== phase) {
        bar?.stop();
        phase = p;
        bar = progressBar(p, total);
      }
      bar!.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}
