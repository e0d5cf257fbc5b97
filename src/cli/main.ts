import { Command, CommanderError, Option } from 'commander';
import { BRAIN_KINDS } from '../brain/registry.js';
import { reportKnownFailure } from './report-failure.js';
import { packageVersion } from './package-version.js';

const runDirOption = (): Option => new Option('--run-dir <dir>', 'run directory (default: .tachikoma in the current folder)');
const jsonOption = (): Option => new Option('--json', 'print JSON instead of text');
const storeOption = (): Option => new Option('--store <spec>', "the collective's store (default: the run directory's), e.g. postgres://… from another host");

/** `run` and `instance`: starting a collective, or one instance of it. */
function addRunCommands(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('run')
    .description('start a collective (or --resume one) and supervise it until it stops')
    .option('-n, --instances <n>', 'number of instances, 1-32 (default 3)')
    .option('-w, --workspace <dir>', 'folder the collective works on (default: current folder)')
    .addOption(runDirOption())
    .option('-g, --goal <text>', 'the goal (default: an audit of the workspace)')
    .option('--until-done', 'exit when the collective agrees the goal is met or its budget ends')
    .option('--no-dashboard', 'do not serve the web dashboard')
    .option('--dashboard-port <port>', 'dashboard port (default 7420, or a free one when taken)')
    .option('--dashboard-host <host>', 'dashboard address (default 127.0.0.1; any other needs the printed token)')
    .addOption(new Option('--brain <kind>', 'brain for every instance').choices(BRAIN_KINDS))
    .option('--store <spec>', 'store: sqlite (default), a SQLite file path, or postgres://…')
    .option('--config <file>', 'config file (default: tachikoma.config.json in the workspace)')
    .option('--resume', 'continue the stopped or crashed run in the run directory')
    .option('--timeout <seconds>', 'wall-time budget for the whole run')
    .option('--base-url <url>', 'LLM server base URL (LLM brains)')
    .option('--model <name>', 'model name (LLM brains)')
    .option('--max-turns <n>', 'budget: turns per instance before it pauses and asks you (0 or off: no limit)')
    .option('--max-tokens <n>', 'budget: tokens per instance before it pauses and asks you (model brains: 2000000; 0 or off: no limit)')
    .option('--max-calls <n>', 'budget: model calls per instance before it pauses and asks you (model brains: 400; 0 or off: no limit)')
    .option('--max-cost <usd>', 'budget: USD per instance before it pauses and asks you (0 or off: no limit)')
    .option('--calls-per-minute <n>', 'model calls one instance may start per minute (model brains: 30; 0 or off: no pacing)')
    .option('--no-governor', 'run without budgets, pacing or loop guards (on by default for model brains)')
    .addOption(jsonOption())
    .action(async (flags: Record<string, unknown>) => {
      const { runCommand } = await import('./commands/run-command.js');
      setExitCode(await runCommand(flags));
    });

  program
    .command('instance')
    .description('run one instance in this process (the orchestrator starts these; by hand it joins a collective, e.g. from another host with --store postgres://…)')
    .requiredOption('--id <id>', 'instance id, e.g. instance_4')
    .requiredOption('--role <role>', 'explorer, builder, reflector or coordinator')
    .addOption(runDirOption())
    .option('-w, --workspace <dir>', 'workspace folder')
    .option('-g, --goal <text>', 'the goal')
    .option('--brain <kind>', 'brain kind')
    .option('--brain-options <json>', 'brain options as a JSON object')
    .option('--store <spec>', 'store spec: postgres://… joins a collective on another host (default: the run directory\'s SQLite file)')
    .option('--heartbeat-ms <ms>', 'heartbeat interval')
    .option('--idle-check-ms <ms>', 'longest idle sleep')
    .option('--lease-ms <ms>', 'task lease length')
    .option('--governor <json>', 'budgets and loop guards as JSON (see tachikoma.config.json "governor"), or off')
    .option('--wake <policy>', 'which messages start a turn: concerned or all (default: concerned for model brains)')
    .action(async (flags: { id: string; role: string }) => {
      const { instanceCommand } = await import('./commands/instance-command.js');
      setExitCode(await instanceCommand(flags));
    });
}

/** `send` and `stop`: talking to a live collective. */
function addControlCommands(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('send')
    .description('send a message from the human to one instance or to all (works while the run is live)')
    .argument('[text...]', 'the message; - reads it from standard input')
    .requiredOption('--to <target>', 'instance id (e.g. instance_2) or broadcast')
    .option('--file <path>', 'read the message from a file (long text)')
    .option('--type <type>', 'message type (default: question)')
    .addOption(runDirOption())
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (words: string[], flags: { to: string }) => {
      const { sendCommand } = await import('./commands/send-command.js');
      setExitCode(await sendCommand(words, flags));
    });

  program
    .command('stop')
    .description('stop the live collective: instances finish their step and exit')
    .option('--timeout <seconds>', 'how long to wait before SIGTERM (default 30)')
    .addOption(runDirOption())
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (flags: Record<string, unknown>) => {
      const { stopCommand } = await import('./commands/stop-command.js');
      setExitCode(await stopCommand(flags));
    });
}

/** The read commands: `status`, `logs`, `tasks`, `changes`, `memory search`, `export`. */
function addReadCommands(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('status')
    .description('the run, its instances and counts')
    .addOption(runDirOption())
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (flags: Record<string, unknown>) => {
      const { statusCommand } = await import('./commands/read-commands.js');
      setExitCode(await statusCommand(flags));
    });

  program
    .command('logs')
    .description('instance logs (all instances merged, or one)')
    .argument('[instance]', 'instance id')
    .option('-f, --follow', 'keep printing new lines')
    .option('--lines <n>', 'how many past lines to show (default 50)')
    .addOption(runDirOption())
    .addOption(jsonOption())
    .action(async (instance: string | undefined, flags: Record<string, unknown>) => {
      const { logsCommand } = await import('./commands/logs-command.js');
      setExitCode(await logsCommand(instance, flags));
    });

  program
    .command('tasks')
    .description('the task board')
    .option('--state <state>', 'only tasks in this state (open, claimed, done, failed)')
    .addOption(runDirOption())
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (flags: Record<string, unknown>) => {
      const { tasksCommand } = await import('./commands/read-commands.js');
      setExitCode(await tasksCommand(flags));
    });

  program
    .command('changes')
    .description("the run's code changes: branches, diff stats, votes and merge state; --apply merges the integration branch into your current branch; --veto keeps a change out")
    .option('--apply', 'merge the integration branch into the current branch (refused when the working tree is dirty)')
    .option('--veto <branch>', 'veto the change on this branch (not yet merged): its vote closes as vetoed, it is never merged, its builder is told')
    .option('--reason <text>', 'why you veto it (required with --veto)')
    .addOption(runDirOption())
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (flags: Record<string, unknown>) => {
      const { changesCommand } = await import('./commands/changes-command.js');
      setExitCode(await changesCommand(flags));
    });

  const memory = program.command('memory').description('collective memory');
  memory
    .command('search')
    .description('full-text search of collective memory')
    .argument('<query...>', 'words to search for')
    .option('--limit <n>', 'most results (default 10)')
    .addOption(runDirOption())
    .addOption(storeOption())
    .addOption(jsonOption())
    .action(async (query: string[], flags: Record<string, unknown>) => {
      const { memorySearchCommand } = await import('./commands/read-commands.js');
      setExitCode(await memorySearchCommand(query, flags));
    });

  program
    .command('export')
    .description('the whole run as one JSON document')
    .option('-o, --out <file>', 'write to a file instead of standard output')
    .addOption(runDirOption())
    .addOption(storeOption())
    .addOption(new Option('--json', 'JSON (the default and only format; accepted like every read command\'s --json)'))
    .action(async (flags: Record<string, unknown>) => {
      const { exportCommand } = await import('./commands/export-command.js');
      setExitCode(await exportCommand(flags));
    });
}

/** `mcp`, `dashboard` and `eval`. */
function addServeCommands(program: Command, setExitCode: (code: number) => void): void {
  program
    .command('mcp')
    .description('serve the collective tools over MCP (stdio) so an outside agent joins the run as an instance')
    .requiredOption('--instance <id>', 'the instance id the agent joins as, e.g. instance_9')
    .option('--role <role>', 'its role (default explorer)')
    .option('-w, --workspace <dir>', 'workspace for the file tools (default: the run\'s workspace)')
    .option('--store <spec>', 'store spec (default: the run\'s)')
    .addOption(runDirOption())
    .action(async (flags: { instance: string }) => {
      const { mcpCommand } = await import('./commands/mcp-command.js');
      setExitCode(await mcpCommand(flags));
    });

  program
    .command('dashboard')
    .description('serve the web dashboard of an existing run, live or finished (replay, memory, tasks, votes)')
    .addOption(runDirOption())
    .option('--store <spec>', "store spec (default: the run's)")
    .option('--port <port>', 'port (default 7420, or a free one when taken)')
    .option('--host <host>', 'address (default 127.0.0.1; any other needs the printed token)')
    .addOption(jsonOption())
    .action(async (flags: Record<string, unknown>) => {
      const { dashboardCommand } = await import('./commands/dashboard-command.js');
      setExitCode(await dashboardCommand(flags));
    });

  program
    .command('eval')
    .description('is the collective worth it? run a problem set as one instance, as independent voters and as a collective; compare recall, precision and cost')
    .option('--set <set>', 'problem set: builtin, or a folder of problems (each a folder with manifest.json, seed.patch, key.json)', 'builtin')
    .option('--conditions <list>', `comma-separated: ${['single', 'vote', 'collective', 'debate'].join(', ')}`, 'single,vote,collective')
    .option('-n, --instances <n>', 'instances of vote, debate and collective (default 3)')
    .addOption(new Option('--brain <kind>', 'brain for every instance (default heuristic)').choices(BRAIN_KINDS))
    .option('--model <name>', 'model name (LLM brains)')
    .option('--base-url <url>', 'LLM server base URL (LLM brains)')
    .option('--brain-options <json>', 'brain options as a JSON object (e.g. a scripted brain\'s script)')
    .option('--max-tokens <n>', 'token budget per problem and condition, split evenly between isolated voters')
    .option('--problems <list>', 'only these problems, comma-separated')
    .option('--timeout <seconds>', 'wall-time limit of each run (default 600)')
    .option('--quiet <seconds>', 'end a run when nothing has happened for this long (default 30)')
    .option('--out <dir>', 'write result.json, report.md and chart.svg to this folder')
    .option('--work-dir <dir>', 'keep the runs (workspaces, stores, logs) in this folder instead of a temporary one')
    .addOption(jsonOption())
    .action(async (flags: Record<string, unknown>) => {
      const { evalCommand } = await import('./commands/eval-command.js');
      setExitCode(await evalCommand(flags));
    });
}

/** Builds the `tachikoma` command line; each command loads its module only when it runs. */
export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('tachikoma')
    .description('A collective of autonomous agent instances, each its own process, sharing one durable store.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  addRunCommands(program, setExitCode);
  addControlCommands(program, setExitCode);
  addReadCommands(program, setExitCode);
  addServeCommands(program, setExitCode);
  return program;
}

/** Runs the CLI; every known failure is one line on stderr and a non-zero exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const code = reportKnownFailure(error);
    if (code !== undefined) return code;
    throw error;
  }
}
