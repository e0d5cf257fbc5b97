// Hidden test of bytes-units: run as `node test.mjs <workspace>`; exits non-zero when a seeded defect remains.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const bytes = createRequire(import.meta.url)(join(resolve(process.argv[2] ?? '.'), 'index.js'));
assert.equal(bytes(1024), '1KB');
assert.equal(bytes(1000), '1000B');
assert.equal(bytes(1_048_576), '1MB');
assert.equal(bytes('1.5kb'), 1536);
assert.equal(bytes('2.5MB'), 2_621_440);
assert.equal(bytes('1024'), 1024);
