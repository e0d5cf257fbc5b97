import { describe, expect, it } from 'vitest';
import { allowedTools, needsCoordinator } from './roles.js';

describe('role permissions', () => {
  it('give each role its own tools and coordinator powers only with the lease', () => {
    expect(allowedTools('builder', false).has('write_report')).toBe(true);
    expect(allowedTools('explorer', false).has('write_report')).toBe(false);
    expect(allowedTools('reflector', false).has('synthesize')).toBe(true);
    expect(allowedTools('explorer', false).has('synthesize')).toBe(false);
    expect(allowedTools('explorer', false).has('create_task')).toBe(false);
    expect(allowedTools('explorer', true).has('create_task')).toBe(true);
    expect(allowedTools('coordinator', false).has('announce_consensus')).toBe(true);
    for (const role of ['explorer', 'builder', 'reflector', 'coordinator'] as const) {
      for (const tool of ['vote', 'send_message', 'search_memory', 'claim_task', 'complete_task', 'audit_files']) expect(allowedTools(role, false).has(tool)).toBe(true);
    }
    expect(needsCoordinator('create_task')).toBe(true);
    expect(needsCoordinator('vote')).toBe(false);
  });
});
