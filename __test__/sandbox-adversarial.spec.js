'use strict';
// The adversarial sandbox suite: every case (sandbox-cases.js) gets a fresh host tree with a
// secret outside the preopen and planted symlinks, runs exact WASI calls through a trampoline
// guest, then checks the HOST: nothing outside the preopen read (the secret never reaches the
// guest's stdout or memory, no stat of an outside inode, no outside listing), created,
// changed (content, size, mtime, nlink, mode) or removed. wasi-rs must never escape and must
// return the errno the spec / node:wasi define (absolute path -> ENOTCAPABLE, absolute
// symlink target -> EPERM, loop -> ELOOP, NUL -> EINVAL, invalid UTF-8 -> EILSEQ, empty ->
// ENOENT, too long -> ENAMETOOLONG). The same cases run under node:wasi; its escapes are
// counted and logged (not failures of this project), and a zero count fails the suite,
// because it would mean the host-side checks had stopped detecting anything.

const test = require('ava');
const nodeWasi = require('node:wasi');
const { WASI } = require('..');
const { cases, runCase, expectErrno, rm } = require('./sandbox-cases.js');
const { errnoName } = require('./fs-guest.js');


process.removeAllListeners('warning');

const all = cases();
const nodeEscapes = [];
const nodeRuns = [];

test('at least 60 adversarial cases', (t) => {
  t.true(all.length >= 60, `${all.length} cases`);
  t.is(new Set(all.map((c) => c[0])).size, all.length, 'case names are unique');
});

for (const [name, run, expect, after] of all) {
  test(`sandbox: ${name}`, async (t) => {
    const r = await runCase(WASI, run);
    try {
      t.deepEqual(r.reasons, [], 'nothing outside the preopen was read, created, changed or removed');
      t.true(expectErrno(expect, r.result.err),
        `errno ${errnoName(r.result.err)}, expected ${Array.isArray(expect) ? expect.map(errnoName).join(' or ') : typeof expect === 'number' ? errnoName(expect) : expect}`);
      if (after && r.result.err === 0) after(r.t, r.result, t);
      if (r.result.err !== 0) t.deepEqual(r.insideChanges, [], 'a call that failed changed nothing inside the preopen either');
    } finally {
      rm(r.dir);
    }
  });

  // node:wasi on the same case: recorded, not asserted case by case.
  nodeRuns.push((async () => {
    const r = await runCase(nodeWasi.WASI, run);
    rm(r.dir);
    if (r.escaped) nodeEscapes.push(`${name}: ${r.reasons[0].slice(0, 160)}`);
  })());
}

test('node:wasi escapes on the same cases (reported, the detector must see some)', async (t) => {
  await Promise.all(nodeRuns);
  t.log(`node:wasi escaped ${nodeEscapes.length} of ${all.length} adversarial cases`);
  for (const line of nodeEscapes.sort()) t.log(`  ${line}`);
  t.true(nodeEscapes.length > 0, 'the host-side checks detect node:wasi\'s known escapes');
});
