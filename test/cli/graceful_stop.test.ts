// Ctrl-C while training: the first asks for a stop with a checkpoint, a second quits at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gracefulStop } from '../../src/cli/graceful_stop.js';

test('gracefulStop: the first SIGINT aborts the signal and says so; a second exits with 130; release stops listening', (t) => {
  const listeners = process.listenerCount('SIGINT');
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (s: string) => {
    written.push(s);
    return true;
  });
  const exits: unknown[] = [];
  t.mock.method(process, 'exit', (code: unknown) => {
    exits.push(code);
  });
  const stop = gracefulStop('stopping after this iteration');
  assert.equal(process.listenerCount('SIGINT'), listeners + 1);
  assert.equal(stop.signal.aborted, false);
  process.emit('SIGINT');
  assert.equal(stop.signal.aborted, true);
  assert.deepEqual(written, ['\nstopping after this iteration\n']);
  assert.deepEqual(exits, []);
  process.emit('SIGINT');
  assert.deepEqual(exits, [130]);
  stop.release();
  assert.equal(process.listenerCount('SIGINT'), listeners);
});
