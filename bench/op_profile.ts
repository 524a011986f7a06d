// Operator profile of a region, from libtorch's own profiler (forward and backward
// ops alike): self time per op name, largest first.
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { native } from '../src/torch/native.js';

export interface OpRow {
  op: string;
  calls: number;
  self_ms: number;
  share: number; // of the region's total self time
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur: number;
  tid: number;
}

/** Runs fn under libtorch's profiler and returns its ops by self time (ms). */
export function profileOps(fn: () => void): { rows: OpRow[]; total_ms: number } {
  const file = path.join(os.tmpdir(), `pfd-profile-${process.pid}.json`);
  native.profileStart(file);
  try {
    fn();
  } finally {
    native.profileStop();
  }
  let events: TraceEvent[];
  try {
    events = (JSON.parse(readFileSync(file, 'utf8')) as TraceEvent[]).filter((e) => e.ph === 'X');
  } finally {
    rmSync(file, { force: true });
  }
  // Self time = duration minus that of the direct children (events nested in time on one thread).
  const self = new Map<string, { calls: number; us: number }>();
  const byThread = new Map<number, TraceEvent[]>();
  for (const e of events) {
    const list = byThread.get(e.tid) ?? [];
    list.push(e);
    byThread.set(e.tid, list);
  }
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const open: { e: TraceEvent; childUs: number }[] = [];
    const close = (upTo: number) => {
      while (open.length && open[open.length - 1]!.e.ts + open[open.length - 1]!.e.dur <= upTo) {
        const { e, childUs } = open.pop()!;
        const r = self.get(e.name) ?? { calls: 0, us: 0 };
        r.calls++;
        r.us += Math.max(0, e.dur - childUs);
        self.set(e.name, r);
        if (open.length) open[open.length - 1]!.childUs += e.dur;
      }
    };
    for (const e of list) {
      close(e.ts);
      open.push({ e, childUs: 0 });
    }
    close(Infinity);
  }
  const total = [...self.values()].reduce((a, r) => a + r.us, 0);
  const rows = [...self]
    .map(([op, r]) => ({ op, calls: r.calls, self_ms: r.us / 1000, share: r.us / total }))
    .sort((a, b) => b.self_ms - a.self_ms);
  return { rows, total_ms: total / 1000 };
}
