/**
 * `npm run bench:store [-- --quick]`: the SQLite collective store against the seed's JSON-array message file,
 * side by side, with real OS processes (4 writers + 1 reader). Prints a table, then the figures as one JSON
 * object on the last line of stdout. Progress goes to stderr.
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
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
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
    const results = await runBench(directory, plan);
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
