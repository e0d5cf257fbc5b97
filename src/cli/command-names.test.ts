import { expect, test } from 'vitest';
import { COMMAND_NAMES } from './command-names.js';
import { buildProgram } from './main.js';

test('COMMAND_NAMES (one code cache per command) lists exactly the commands the program defines', () => {
  const program = buildProgram(() => undefined);
  expect(program.commands.map((command) => command.name()).sort()).toEqual([...COMMAND_NAMES].sort());
});
