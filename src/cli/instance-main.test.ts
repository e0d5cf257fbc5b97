import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { parseInstanceFlags } from './instance-main.js';

describe('parseInstanceFlags (the instance entry the orchestrator starts)', () => {
  it('reads the same flags as `tachikoma instance`, kebab-case on the command line, camelCase after', () => {
    const flags = parseInstanceFlags([
      '--run-dir', '/tmp/run', '--id', 'instance_3', '--role', 'builder', '--brain', 'scripted', '--brain-options', '{"script":"s.json"}',
      '-w', '/tmp/ws', '--goal', 'audit', '--heartbeat-ms', '3000', '--idle-check-ms', '30000', '--lease-ms', '60000',
      '--store', 'sqlite', '--governor', '{}',
    ]);
    expect(flags).toEqual({
      runDir: '/tmp/run', id: 'instance_3', role: 'builder', brain: 'scripted', brainOptions: '{"script":"s.json"}', workspace: '/tmp/ws',
      goal: 'audit', heartbeatMs: '3000', idleCheckMs: '30000', leaseMs: '60000', store: 'sqlite', governor: '{}',
    });
  });

  it('refuses a missing --id or --role, an unknown flag and a stray argument with a usage error (exit code 2)', () => {
    const failure = (argv: string[]): unknown => {
      try {
        parseInstanceFlags(argv);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    for (const argv of [['--role', 'explorer'], ['--id', 'instance_1'], ['--id', 'instance_1', '--role', 'explorer', '--colour', 'red'], ['--id', 'instance_1', '--role', 'explorer', 'extra']]) {
      const error = failure(argv);
      expect(CliError.isInstance(error) && error.exitCode).toBe(2);
    }
    expect(String(failure(['--role', 'explorer']))).toContain('--id');
    expect(String(failure(['--id', 'instance_1', '--role', 'explorer', '--colour', 'red']))).toContain('--colour');
  });
});
