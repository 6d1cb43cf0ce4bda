'use strict';
// Soak, CI size: scripts/soak.js runs one instance through 100 000 mixed syscalls (after a
// warm-up) in a child process; the open fd count must be the same at the end as at the start,
// and RSS must not grow by more than a few MiB (allocator noise; a per-call leak of even
// 100 bytes would show as 10 MiB). The full 10-million-call run is `node --expose-gc
// scripts/soak.js` (see the issue notes for its figures).

const test = require('ava');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

test('soak: 100000 mixed syscalls on one instance leak no fds and no memory', (t) => {
  const res = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, '..', 'scripts', 'soak.js'), '100000'], {
    encoding: 'utf8',
    timeout: 110000,
  });
  t.is(res.status, 0, res.stderr);
  const r = JSON.parse(res.stdout.trim().split('\n').pop());
  t.log(JSON.stringify(r));
  t.is(r.calls, 100000);
  t.is(r.end.fds, r.start.fds);
  t.true(r.end.rssMiB - r.start.rssMiB < 8, `RSS ${r.start.rssMiB} -> ${r.end.rssMiB} MiB`);
});
