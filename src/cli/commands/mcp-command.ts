import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { serveCollectiveMcp } from '../../mcp/serve-collective-mcp.js';
import { packageRoot } from '../../core/package-root.js';
import { instanceIdSchema, roleSchema } from '../../protocol/index.js';
import { CliError } from '../cli-error.js';
import { openExistingRun } from '../run-directory.js';

export interface McpFlags {
  instance: string;
  role?: string;
  runDir?: string;
  workspace?: string;
  store?: string;
}

/** `tachikoma mcp --instance <id>`: an MCP server on stdio through which an outside agent joins the run as that instance. */
export async function mcpCommand(flags: McpFlags): Promise<number> {
  const id = instanceIdSchema.safeParse(flags.instance);
  if (!id.success) throw new CliError(`invalid --instance ${JSON.stringify(flags.instance)}: ids look like instance_9`);
  const role = roleSchema.safeParse(flags.role ?? 'explorer');
  if (!role.success) throw new CliError('--role must be explorer, builder, reflector or coordinator');
  const { store, paths, record } = await openExistingRun(flags.runDir, flags.store);
  const version = z.looseObject({ version: z.string() }).parse(JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8'))).version;
  try {
    await serveCollectiveMcp({
      store, instanceId: id.data, role: role.data, runDirectory: paths.root, version,
      workspace: resolve(flags.workspace ?? record?.workspace ?? process.cwd()),
    });
    return 0;
  } finally {
    await store.close();
  }
}
