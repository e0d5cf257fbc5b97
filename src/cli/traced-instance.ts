import type { InstanceLaunch } from '../instance/instance-launch.js';
import { runInstanceProcess } from '../instance/instance-process.js';
import { startTracing, stopTracing } from '../telemetry/tracing.js';

/**
 * Runs one instance process, traced only when the standard OTEL_* variables ask for it (the orchestrator passes
 * its run's trace in TRACEPARENT). Used by the orchestrator's instance entry and by `tachikoma instance`.
 */
export async function runTracedInstance(launch: InstanceLaunch): Promise<number> {
  await startTracing('tachikoma');
  try {
    return await runInstanceProcess(launch);
  } finally {
    await stopTracing();
  }
}
