import { describe, expect, test } from 'vitest';
import { instanceEnvironment } from './run-collective.js';

describe('instanceEnvironment', () => {
  const environment = { PATH: '/usr/bin', NODE_EXTRA_CA_CERTS: '/etc/ssl/extra.pem', ANTHROPIC_API_KEY: 'k' };

  test('an offline brain on SQLite starts without NODE_EXTRA_CA_CERTS and keeps everything else', () => {
    for (const store of [null, 'sqlite', 'sqlite:/tmp/x.db', '/tmp/x.db']) {
      expect(instanceEnvironment('heuristic', store, environment)).toEqual({ PATH: '/usr/bin', ANTHROPIC_API_KEY: 'k' });
      expect(instanceEnvironment('scripted', store, environment)).toEqual({ PATH: '/usr/bin', ANTHROPIC_API_KEY: 'k' });
    }
    expect(environment.NODE_EXTRA_CA_CERTS).toBe('/etc/ssl/extra.pem');
  });

  test('a brain that calls a model, or any brain on PostgreSQL, keeps the orchestrator environment as it is', () => {
    for (const brain of ['anthropic', 'openai-compatible', 'ollama', 'claude-agent']) expect(instanceEnvironment(brain, null, environment)).toBeUndefined();
    for (const store of ['postgres://db/x', 'postgresql://u@db:5432/x?sslmode=verify-full']) expect(instanceEnvironment('heuristic', store, environment)).toBeUndefined();
    expect(instanceEnvironment('heuristic', null, { PATH: '/usr/bin' })).toBeUndefined();
  });
});
