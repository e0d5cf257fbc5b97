import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { readChangeDiff } from '../../workspace/change-diff.js';
import { VetoError, vetoChange } from '../../orchestrator/veto-change.js';
import type { CollectiveStore } from '../../store/index.js';
import type { ChangeDiffResponse, ErrorResponse, VetoResponse } from '../view-model/wire.js';
import type { ChangesFeed } from './changes-feed.js';
import { readJsonBody } from './json-body.js';

/** Longest veto reason taken from the page: the builder reads it in its prompt. */
export const MAX_VETO_REASON_CHARS = 4000;

const vetoRequestSchema = z.strictObject({
  branch: z.string().min(1, 'which change? give its branch').max(300),
  reason: z
    .string()
    .max(MAX_VETO_REASON_CHARS, `the reason is over ${MAX_VETO_REASON_CHARS} characters; say it shorter`)
    .refine((value) => value.trim() !== '', 'a veto needs a reason: the builder is told it'),
});

function refuse(c: Context, status: 400 | 404 | 409 | 413, error: string): Response {
  return c.json<ErrorResponse>({ error }, status);
}

const VETO_STATUS = { invalid_input: 400, not_found: 404, settled: 409 } as const;

/** The human's veto from the page: same checks as every write (token, Host, Origin; see securityGuard), then `vetoChange`. */
function addVetoRoute(app: Hono, feed: ChangesFeed, store: CollectiveStore, runDirectory: string): void {
  const limit = bodyLimit({ maxSize: 16 * 1024, onError: (c) => refuse(c, 413, `the request is too large (a reason is at most ${MAX_VETO_REASON_CHARS} characters)`) });
  app.post('/api/changes/veto', limit, async (c) => {
    const parsed = await readJsonBody(c, vetoRequestSchema, '{"branch": "tachikoma/<run>/changes/<task>", "reason": "…"}');
    if (!parsed.ok) return refuse(c, 400, parsed.error);
    try {
      const { change } = await vetoChange(store, runDirectory, { branch: parsed.data.branch, by: 'human', reason: parsed.data.reason });
      await feed.refresh();
      return c.json<VetoResponse>({ vetoed: change.branch, proposalId: change.proposalId, instance: change.instance });
    } catch (error) {
      if (VetoError.isInstance(error)) return refuse(c, VETO_STATUS[error.code], error.message);
      throw error;
    }
  });
}

/** The run's changes: the listing, one change's diff on demand, and the human's veto. */
export function addChangesRoutes(app: Hono, options: { feed: ChangesFeed; store: CollectiveStore; runDirectory: string; workspace: string | null }): void {
  const { feed, workspace } = options;
  app.get('/api/changes', (c) => c.json(feed.current));

  app.get('/api/changes/diff', async (c) => {
    const branch = c.req.query('branch') ?? '';
    const change = feed.current.changes.find((candidate) => candidate.branch === branch);
    if (change === undefined) return refuse(c, 404, `no change on branch ${JSON.stringify(branch.slice(0, 200))}; GET /api/changes lists them`);
    const diff = workspace === null ? null : await readChangeDiff(workspace, change.commit);
    if (diff === null) return refuse(c, 404, 'the run\'s workspace is not a git repository here; its diffs cannot be read');
    return c.json<ChangeDiffResponse>({ branch, ...diff });
  });

  addVetoRoute(app, feed, options.store, options.runDirectory);
}
