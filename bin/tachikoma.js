#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is flushed by now; a handle some library left open must not keep the process alive.
setTimeout(() => process.exit(code), 2000).unref();
