// Starting data-parallel workers the way torchrun does: `pfd train --nproc N
// [--nnodes M --node-rank R --master-addr A --master-port P]` starts N local
// processes, each given RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT
// (and its share of the cores); a process started with those variables set (by
// this launcher, torchrun or a cluster scheduler) is a worker and joins the group.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import type { Rendezvous } from './process_group.js';

export interface LaunchOptions {
  nproc: number; // processes on this machine
  nnodes: number; // machines
  nodeRank: number; // this machine's index
  masterAddr: string;
  masterPort: number;
  timeoutS: number; // rendezvous and collective timeout
}

export const DEFAULT_MASTER_PORT = 29500;
export const DEFAULT_TIMEOUT_S = 300;

/** The flags the launcher consumes (the workers get environment variables instead). */
export const LAUNCH_FLAGS = ['nproc', 'nnodes', 'node-rank', 'master-addr', 'master-port', 'dist-timeout'] as const;

export class LaunchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaunchError';
  }
}

const intVar = (env: NodeJS.ProcessEnv, name: string, min: number): number | undefined => {
  const v = env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new LaunchError(`${name} must be an integer >= ${min}, got '${v}'`);
  return n;
};

/** This process's place in a group, from torchrun's environment variables; null when it runs alone. */
export function rendezvousFromEnv(env: NodeJS.ProcessEnv = process.env): Rendezvous | null {
  const worldSize = intVar(env, 'WORLD_SIZE', 1);
  const rank = intVar(env, 'RANK', 0);
  if (worldSize === undefined && rank === undefined) return null;
  if (worldSize === undefined || rank === undefined) throw new LaunchError('set both RANK and WORLD_SIZE (or neither)');
  if (rank >= worldSize) throw new LaunchError(`RANK ${rank} is not below WORLD_SIZE ${worldSize}`);
  if (worldSize === 1) return null;
  const masterPort = intVar(env, 'MASTER_PORT', 1) ?? DEFAULT_MASTER_PORT;
  if (masterPort > 65535) throw new LaunchError(`MASTER_PORT must be 1-65535, got ${masterPort}`);
  const timeoutS = Number(env.PFD_DIST_TIMEOUT ?? DEFAULT_TIMEOUT_S);
  if (!(timeoutS > 0)) throw new LaunchError(`PFD_DIST_TIMEOUT must be a positive number of seconds, got '${env.PFD_DIST_TIMEOUT}'`);
  return { masterAddr: env.MASTER_ADDR || '127.0.0.1', masterPort, rank, worldSize, timeoutMs: Math.round(timeoutS * 1000) };
}

/**
 * Starts this machine's workers (the same command line minus the launcher's flags) and waits
 * for them. When one fails, the launcher says which, gives the others the timeout to stop on
 * their own (they see the failure in their next collective), then kills what is left.
 * Resolves with the exit code for the launcher: 0, or the first failing worker's.
 */
export async function launchWorkers(
  o: LaunchOptions,
  workerArgs: string[],
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<number> {
  const worldSize = o.nproc * o.nnodes;
  const threads = process.env.PFD_THREADS ?? String(Math.max(1, Math.floor(os.availableParallelism() / o.nproc)));
  const children: { rank: number; proc: ChildProcess; done: boolean }[] = [];
  let firstFailure: number | null = null;
  let killer: NodeJS.Timeout | null = null;
  log(
    `[launch] ${o.nproc} process${o.nproc > 1 ? 'es' : ''} on node ${o.nodeRank} of ${o.nnodes} (world size ${worldSize}), master ${o.masterAddr}:${o.masterPort}, ${threads} thread${threads === '1' ? '' : 's'} each, timeout ${o.timeoutS} s`,
  );
  const exits = Array.from({ length: o.nproc }, (_, local) => {
    const rank = o.nodeRank * o.nproc + local;
    const env = {
      ...process.env,
      RANK: String(rank),
      LOCAL_RANK: String(local),
      WORLD_SIZE: String(worldSize),
      LOCAL_WORLD_SIZE: String(o.nproc),
      MASTER_ADDR: o.masterAddr,
      MASTER_PORT: String(o.masterPort),
      PFD_THREADS: threads,
      PFD_DIST_TIMEOUT: String(o.timeoutS),
    };
    // Rank 0 talks to the terminal (progress bar, figures); the others' errors come through prefixed.
    const proc = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...workerArgs], {
      env,
      stdio: rank === 0 ? 'inherit' : ['ignore', 'ignore', 'pipe'],
    });
    const child = { rank, proc, done: false };
    children.push(child);
    if (proc.stderr) {
      let buf = '';
      proc.stderr.on('data', (chunk: Buffer) => {
        buf += chunk.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.trim()) log(`[rank ${rank}] ${l}`);
      });
    }
    return new Promise<void>((resolve) => {
      proc.on('exit', (code, signal) => {
        child.done = true;
        const failed = code !== 0;
        if (failed && firstFailure === null) {
          firstFailure = code ?? 1;
          const others = children.filter((c) => !c.done);
          log(
            `[launch] rank ${rank} (pid ${proc.pid}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}` +
              (others.length ? `; the other ranks stop within the ${o.timeoutS}-second timeout` : ''),
          );
          killer = setTimeout(
            () => {
              for (const c of children)
                if (!c.done) {
                  log(`[launch] rank ${c.rank} (pid ${c.proc.pid}) did not stop in time; killing it`);
                  c.proc.kill('SIGKILL');
                }
            },
            (o.timeoutS + 15) * 1000,
          );
        }
        resolve();
      });
    });
  });
  // Ctrl-C reaches the workers from the terminal (same process group); a SIGTERM sent to the
  // launcher alone is passed on.
  const onSigint = () => {};
  const onSigterm = () => {
    for (const c of children) if (!c.done) c.proc.kill('SIGTERM');
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  try {
    await Promise.all(exits);
  } finally {
    if (killer) clearTimeout(killer);
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
  return firstFailure ?? 0;
}
