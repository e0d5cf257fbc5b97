import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function longFunction(name: string, lines: number): string {
  const body = Array.from({ length: lines }, (_, index) => `  if (input > ${index}) { total += ${index} * input; } else { total -= ${index}; }`);
  return [`export function ${name}(input: number): number {`, '  let total = 0;', ...body, '  return total;', '}'].join('\n');
}

const SHARED_BLOCK = [
  'export function normaliseRecord(record: Record<string, unknown>): Record<string, unknown> {',
  '  const result: Record<string, unknown> = {};',
  '  for (const [key, value] of Object.entries(record)) {',
  '    const cleanKey = key.trim().toLowerCase().replace(/\\s+/g, "_");',
  '    if (value === undefined || value === null) continue;',
  '    result[cleanKey] = typeof value === "string" ? value.trim() : value;',
  '  }',
  '  return result;',
  '}',
].join('\n');

/** Files of a small repository with known problems of every kind the audit looks for. */
export const FIXTURE_FILES: Record<string, string> = {
  'package.json': '{ "name": "fixture", "version": "1.0.0" }\n',
  'src/billing/invoice.ts': [
    "import { formatMoney } from '../shared/money.js';",
    '// TODO: handle currencies other than EUR',
    longFunction('computeInvoiceTotal', 140),
    'export function render(amount: number): string {',
    '  // FIXME: rounding is wrong for negative amounts',
    '  return formatMoney(amount);',
    '}',
    SHARED_BLOCK,
  ].join('\n'),
  'src/billing/evaluate.ts': [
    'export function runRule(rule: string, context: object): unknown {',
    '  // HACK: rules are stored as code',
    '  return eval(rule);',
    '}',
    'export function runShell(name: string): void {',
    "  const { execSync } = require('node:child_process');",
    '  execSync(`convert ${name} out.png`);',
    '}',
    'export const apiKey = "sk_live_51HfakefakefakefakeKEY0000";',
  ].join('\n'),
  'src/shared/money.ts': ["import { currencyOf } from './currency.js';", 'export function formatMoney(amount: number): string {', '  return `${amount.toFixed(2)} ${currencyOf()}`;', '}'].join('\n'),
  'src/shared/currency.ts': ["import { formatMoney } from './money.js';", 'export function currencyOf(): string {', "  return formatMoney.length > 0 ? 'EUR' : 'USD';", '}'].join('\n'),
  'src/shared/records.ts': [SHARED_BLOCK, 'export const VERSION = 2;'].join('\n'),
  'src/reports/summary.ts': [longFunction('summariseQuarter', 120), '// TODO: cache the summary'].join('\n'),
  'src/reports/export.ts': ["import { summariseQuarter } from './summary.js';", 'export function exportAll(): number {', '  return summariseQuarter(4);', '}'].join('\n'),
  'test/money.test.ts': ["import { formatMoney } from '../src/shared/money.js';", "if (formatMoney(1) !== '1.00 EUR') throw new Error('bad');"].join('\n'),
};

/** Writes the fixture repository into `root`. */
export function writeFixtureRepository(root: string): void {
  for (const [path, text] of Object.entries(FIXTURE_FILES)) {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, `${text}\n`);
  }
}
