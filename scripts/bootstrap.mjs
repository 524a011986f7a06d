#!/usr/bin/env node
// Idempotent set-up, used by `npm test` and `npm run demo` (and CI):
//   1. libtorch: Debian's libtorch-dev + libopenblas0-openmp (installed when
//      root; otherwise the exact command is printed), or LIBTORCH=/path.
//   2. npm dependencies (npm ci) when node_modules is missing or stale.
//   3. the addon (native/), rebuilt when its sources, binding.gyp or LIBTORCH change.
//   4. with --with-browser (npm test): Debian's chromium, for the web page's browser test.
// Flags: --native-only (step 3 only, forced), --check (report, change nothing).
// Plain Node with no dependencies, so it runs before `npm ci`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const nativeOnly = args.has('--native-only');
const checkOnly = args.has('--check');
const withBrowser = args.has('--with-browser');
// fonts-dejavu-core: the text of the report's training-curve pictures (rendered by sharp's librsvg).
// libgloo-dev: Gloo's headers, for the addon's c10d process groups (data-parallel training).
const APT_PACKAGES = ['libtorch-dev', 'libopenblas0-openmp', 'libgloo-dev', 'g++', 'make', 'python3', 'fonts-dejavu-core'];
const libtorch = process.env.LIBTORCH ?? '';

const log = (msg) => console.log(`[bootstrap] ${msg}`);
function fail(msg) {
  console.error(`[bootstrap] ERROR: ${msg}`);
  process.exit(1);
}
function run(cmd, argv, opts = {}) {
  log(`$ ${cmd} ${argv.join(' ')}`);
  const r = spawnSync(cmd, argv, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) fail(`'${cmd} ${argv.join(' ')}' failed (exit ${r.status ?? r.signal})`);
}
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const dpkgInstalled = (pkg) => spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' }).stdout?.includes('install ok installed');

function ensureLibtorch() {
  if (libtorch) {
    const header = path.join(libtorch, 'include', 'ATen', 'ATen.h');
    const lib = path.join(libtorch, 'lib', 'libtorch_cpu.so');
    if (!existsSync(header) || !existsSync(lib)) {
      fail(`LIBTORCH=${libtorch} does not look like a libtorch distribution (need ${header} and ${lib}).\n` +
        `Point it at an unpacked libtorch zip, or a Python torch's package folder (python -c "import torch, os; print(os.path.dirname(torch.__file__))").`);
    }
    log(`using libtorch from LIBTORCH=${libtorch}`);
    if (!has('g++') || !has('make')) fail('a C++ toolchain is needed to build the addon: apt-get install g++ make python3');
    return;
  }
  const missing = APT_PACKAGES.filter((p) => !dpkgInstalled(p));
  if (missing.length === 0) return;
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (checkOnly) return log(`missing Debian packages: ${missing.join(' ')}`);
  if (typeof process.getuid === 'function' && process.getuid() === 0 && has('apt-get')) {
    log(`installing ${missing.join(' ')} (Debian's libtorch 1.13 + OpenMP OpenBLAS)`);
    run('apt-get', ['update', '-q']);
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return;
  }
  fail(`libtorch is missing. Install it as root:\n    sudo sh -c '${cmd}'\n` +
    `or build against another libtorch (e.g. a CUDA build): LIBTORCH=/path/to/libtorch npm run bootstrap`);
}

// The web page's browser test drives Debian's chromium through playwright-core (no browser download).
function ensureBrowser() {
  if (!withBrowser || existsSync(process.env.PFD_CHROMIUM ?? '/usr/bin/chromium')) return;
  if (checkOnly) return log('chromium is missing (the browser test needs it)');
  if (typeof process.getuid === 'function' && process.getuid() === 0 && has('apt-get')) {
    log('installing chromium (for the web page\'s browser test)');
    run('apt-get', ['update', '-q']);
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    return;
  }
  log("chromium is missing: the browser test will fail until it is installed (sudo apt-get install chromium, or PFD_CHROMIUM=/path)");
}

function ensureNodeModules() {
  const lock = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.package-lock.json');
  const stale = !existsSync(stamp) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(stamp).mtimeMs + 1000);
  if (!stale) return;
  if (checkOnly) return log('node_modules is missing or older than package-lock.json');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

function ensureAddon(force) {
  const nativeDir = path.join(root, 'native');
  const addon = path.join(nativeDir, 'build', 'Release', 'pfd_torch.node');
  const stampFile = path.join(nativeDir, 'build', 'libtorch.stamp');
  const stamp = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : null;
  const sourcesChanged = existsSync(addon) &&
    Math.max(newestMtime(path.join(nativeDir, 'src')), statSync(path.join(nativeDir, 'binding.gyp')).mtimeMs) > statSync(addon).mtimeMs;
  if (!force && existsSync(addon) && stamp === libtorch && !sourcesChanged) return;
  if (checkOnly) return log('the addon needs a (re)build');
  const gyp = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(gyp)) fail('node-gyp is missing from node_modules: run npm ci');
  const gypArgs = [gyp, 'rebuild', `--directory=${nativeDir}`, '--jobs=max', '--loglevel=warn'];
  // Build against the local Node headers when present (no download needed).
  const nodedir = path.resolve(path.dirname(process.execPath), '..');
  if (existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) gypArgs.push(`--nodedir=${nodedir}`);
  log(`building the libtorch addon against ${libtorch || "Debian's libtorch"} (about a minute)`);
  run(process.execPath, gypArgs);
  writeFileSync(stampFile, libtorch);
  // Smoke test: load it and run one op.
  const probe = `const t=require(${JSON.stringify(addon)});const a=t.fromBuffer(new Float32Array([1,2]),[2],'float32');` +
    `const s=t.callOp(t.findOp('aten::sum',''),[a]);if(t.item(s)!==3)throw new Error('addon self-test failed');`;
  execFileSync(process.execPath, ['-e', probe], { stdio: 'inherit' });
  log(`addon ready: ${path.relative(root, addon)}`);
}

if (!nativeOnly) {
  ensureLibtorch();
  ensureBrowser();
  ensureNodeModules();
}
ensureAddon(nativeOnly);
