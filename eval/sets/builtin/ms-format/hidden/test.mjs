// Hidden test of ms-format: run as `node test.mjs <workspace>`; exits non-zero when a seeded defect remains.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const ms = createRequire(import.meta.url)(join(resolve(process.argv[2] ?? '.'), 'index.js'));
assert.equal(ms(3_600_000), '1h');
assert.equal(ms(86_400_000), '1d');
assert.equal(ms(90_000, { long: true }), '2 minutes');
assert.equal(ms(1500, { long: true }), '2 seconds');
assert.equal(ms(60_000, { long: true }), '1 minute');
assert.equal(ms('2h'), 7_200_000);
