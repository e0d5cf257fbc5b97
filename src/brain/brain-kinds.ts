/** Every brain `--brain` accepts (a module of its own: the command line needs the names, not the brains). */
export const BRAIN_KINDS = ['heuristic', 'anthropic', 'openai-compatible', 'ollama', 'claude-agent', 'scripted'] as const;
export type BrainKind = (typeof BRAIN_KINDS)[number];
