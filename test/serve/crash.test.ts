// `kill -9` of a real `pfd serve` process while a client creates users in a
// loop, then a restart on the same run: the store opens cleanly and every user
// is either fully there (its vector designs) or absent. Three rounds.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { train } from '../../src/train/trainer.js';
import { UserStore } from '../../src/serve/store.js';
import { loadDataset } from '../../src/data/load.js';
import { tmp } from '../data/fixtures.js';
import { tinyConfig, tinyWorld } from '../train/fixtures.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let run = '',
  top = '',
  bottom = '';

before(async () => {
  const world = await tinyWorld();
  run = path.join(tmp('crash'), 'run');
  await train(tinyConfig(world, { iterations: 2, task: 'top2bottom' }), run);
  const d = loadDataset({ path: world, format: 'manifest', skipBad: false });
  top = path.parse(d.tops[0]!.id).name;
  bottom = path.parse(d.bottoms[0]!.id).name;
});

/** Starts `pfd serve` on a free port; resolves with its URL once it listens. */
function serve(): Promise<{ proc: ChildProcess; url: string; exited: Promise<unknown> }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli', 'pfd.ts'), 'serve', '--run', run, '--port', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((r) => proc.once('exit', r)); // (listening from the start: a fast exit is not missed)
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ proc, url: m[1]!, exited });
    });
    proc.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    proc.on('exit', (code) => reject(new Error(`pfd serve exited (${code}) before listening:\n${out}`)));
  });
}

test('kill -9 while creating users, restart: the store opens cleanly; each user is fully there or absent', async () => {
  let n = 0;
  for (let round = 0; round < 3; round++) {
    const { proc, url, exited } = await serve();
    const create = async () => {
      for (;;) {
        const id = `crash${n++}`;
        try {
          await fetch(`${url}/api/users`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id, outfits: [{ top, bottom }] }),
          });
        } catch {
          return; // the server is gone
        }
      }
    };
    const loop = create();
    await new Promise((r) => setTimeout(r, 1500 + 700 * round));
    proc.kill('SIGKILL');
    await loop;
    await exited;
  }
  // The store opens, every row is whole.
  const store = UserStore.forRun(run);
  const iteration = 2;
  const users = store.users(iteration);
  store.close();
  assert.ok(users.length > 0, 'some users were created before the kills');
  for (const u of users) {
    assert.equal(u.theta.length, 8, `${u.id}: a whole vector`);
    assert.ok(u.theta.every(Number.isFinite));
    assert.deepEqual(u.outfits, [{ top, bottom }]);
  }
  // A restarted server serves every stored user, and none other of the attempted ids.
  const { proc, url } = await serve();
  try {
    const listed = ((await (await fetch(`${url}/api/users`)).json()) as { users: { id: string; kind: string }[] }).users
      .filter((u) => u.kind === 'created')
      .map((u) => u.id);
    assert.deepEqual(listed.sort(), users.map((u) => u.id).sort());
    for (const id of listed.slice(0, 3)) assert.equal((await fetch(`${url}/api/design.png?item=${top}&user=${id}`)).status, 200);
  } finally {
    proc.kill('SIGKILL');
  }
});
