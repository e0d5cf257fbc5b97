import { createRequire } from 'node:module';
import type * as AgentSdk from '@anthropic-ai/claude-agent-sdk';
import { BrainError } from '../brain-error.js';
import { AGENT_SDK_PACKAGE, AGENT_SDK_VERSION } from './claude-agent-options.js';

/** The Claude Agent SDK module, as this brain uses it. */
export type AgentSdkModule = typeof AgentSdk;

/** The one line that says how to get the SDK. */
export const AGENT_SDK_INSTALL_HINT = `the claude-agent brain needs the optional package ${AGENT_SDK_PACKAGE} (about 450 MB with its CLI): run npm install ${AGENT_SDK_PACKAGE}@${AGENT_SDK_VERSION} next to tachikoma, or choose another brain`;

/** Whether the SDK can be found from here (as `import()` would find it), without loading it. */
export function isAgentSdkInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve(AGENT_SDK_PACKAGE);
    return true;
  } catch {
    return false;
  }
}

/** Loads the SDK on demand (only the claude-agent brain pays for it). Throws BrainError('unavailable') with the install line. */
export async function loadAgentSdk(): Promise<AgentSdkModule> {
  try {
    return (await import(AGENT_SDK_PACKAGE)) as AgentSdkModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new BrainError('unavailable', AGENT_SDK_INSTALL_HINT, { cause: error });
    throw error;
  }
}
