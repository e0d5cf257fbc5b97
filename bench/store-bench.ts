/**
 * `npm run bench:store [-- --quick] [-- --backend postgres [--pg-url URL]]`: the SQLite collective store against
 * the seed's JSON-array message file, side by side, with real OS processes (4 writers + 1 reader); with
 * `--backend postgres` the PostgreSQL store too (URL from --pg-url or TACHIKOMA_TEST_PG_URL; each run in its own
 * schema, dropped afterwards), with its ratios to SQLite. Prints a table, then the figures as one JSON object on
 * the last line of stdout. Progress goes to stderr.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchPlan } from './store/bench-plan.js';
import { humanReport, summary } from './store/report.js';
import { runBench } from './store/run-bench.js';
import { killAllWorkers } from './store/worker-pool.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, backend: { type: 'string', default: 'sqlite' }, 'pg-url': { type: 'string' } },
  });
  if (values.backend !== 'sqlite' && values.backend !== 'postgres') throw new Error(`--backend takes sqlite or postgres, got ${JSON.stringify(values.backend)}`);
  const postgresUrl = values.backend === 'postgres' ? (values['pg-url'] ?? process.env.TACHIKOMA_TEST_PG_URL) : undefined;
  if (values.backend === 'postgres' && (postgresUrl === undefined || postgresUrl === '')) {
    throw new Error('--backend postgres needs a server: --pg-url postgres://user@host:port/database or TACHIKOMA_TEST_PG_URL');
  }
  const plan = benchPlan(values.quick);
  const directory = mkdtempSync(join(tmpdir(), 'tachikoma-store-bench-'));
  const cleanUp = (): void => {
    killAllWorkers();
    rmSync(directory, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUp();
      process.exit(130);
    });
  }
  try {
    const results = await runBench(directory, plan, postgresUrl);
    const figures = summary(results);
    process.stdout.write(`${humanReport(results, figures).join('\n')}\n${JSON.stringify(figures)}\n`);
  } finally {
    cleanUp();
  }
}

main().catch((error: unknown) => {
  killAllWorkers();
  process.stderr.write(`bench:store failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
