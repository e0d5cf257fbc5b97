import { AUDIT_TOOLS } from './audit-tools.js';
import { CHANGE_TOOLS } from './change-tools.js';
import { REVIEW_TOOLS } from './review-tools.js';
import { COLLECTIVE_TOOLS } from './collective-tools.js';
import { COORDINATION_TOOLS } from './coordination-tools.js';
import type { ToolDefinition } from './tool-definition.js';
import { WORKSPACE_TOOLS } from './workspace-tools.js';

/** Every tool an instance offers its brain; the role's permissions decide which it may call. */
export const ALL_TOOLS: readonly ToolDefinition[] = [...COLLECTIVE_TOOLS, ...COORDINATION_TOOLS, ...WORKSPACE_TOOLS, ...AUDIT_TOOLS, ...CHANGE_TOOLS, ...REVIEW_TOOLS];
