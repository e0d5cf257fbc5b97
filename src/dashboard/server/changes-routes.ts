import type { Context, Hono } from 'hono';
import { readChangeDiff } from '../../orchestrator/change-diff.js';
import type { ChangeDiffResponse, ErrorResponse } from '../view-model/wire.js';
import type { ChangesFeed } from './changes-feed.js';

function refuse(c: Context, status: 400 | 404, error: string): Response {
  return c.json<ErrorResponse>({ error }, status);
}

/** The run's changes: the listing, and one change's diff on demand. */
export function addChangesRoutes(app: Hono, feed: ChangesFeed, workspace: string | null): void {
  app.get('/api/changes', (c) => c.json(feed.current));

  app.get('/api/changes/diff', async (c) => {
    const branch = c.req.query('branch') ?? '';
    const change = feed.current.changes.find((candidate) => candidate.branch === branch);
    if (change === undefined) return refuse(c, 404, `no change on branch ${JSON.stringify(branch.slice(0, 200))}; GET /api/changes lists them`);
    const diff = workspace === null ? null : await readChangeDiff(workspace, change.commit);
    if (diff === null) return refuse(c, 404, 'the run\'s workspace is not a git repository here; its diffs cannot be read');
    return c.json<ChangeDiffResponse>({ branch, ...diff });
  });
}
