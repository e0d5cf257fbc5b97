import { z } from 'zod';
import { analyzeFile, analyzeRepository, listSourceFiles, readSourceFile } from '../audit/index.js';
import { recordCoverage } from './coverage.js';
import { type ToolDefinition, defineTool } from './tool-definition.js';

/** Static analysis of workspace files, shared by every brain: hot spots with path:line evidence. */
export const AUDIT_TOOLS: readonly ToolDefinition[] = [
  defineTool({
    name: 'audit_files',
    description:
      'Analyse workspace files: size and complexity hot spots, TODO/FIXME/HACK, long functions, risky patterns (per file), or with `cross` the whole workspace for untested modules, import cycles and duplicated code. Findings carry path:line evidence.',
    input: z.strictObject({
      paths: z.array(z.string().min(1).max(1000)).max(500).optional().describe('Workspace files to analyse one by one, relative to the workspace root.'),
      cross: z.boolean().optional().describe('true: analyse the whole workspace across files (untested modules, import cycles, duplicated code) instead of `paths`.'),
    }),
    run: async (input, env) => {
      if (input.cross === true) {
        const files = listSourceFiles(env.workspace).map((path) => readSourceFile(env.workspace, path));
        await recordCoverage(env, 'audit_files', ['(whole workspace: cross-file audit)']);
        return { files: files.length, findings: analyzeRepository(files) };
      }
      const paths = input.paths ?? [];
      const findings = paths.flatMap((path) => analyzeFile(readSourceFile(env.workspace, path)));
      await recordCoverage(env, 'audit_files', paths);
      return { files: paths.length, findings };
    },
  }),
];
