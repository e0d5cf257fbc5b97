/**
 * The layers of src/, lowest first: a folder may import from its own layer's folder and from lower layers, never
 * from a higher one. Type-only imports count (a type import still ties the parts together). Checked by
 * `npm run layers` (part of `npm run lint` and `npm test`); test/layers/layer-rules.test.ts shows it fails on an
 * upward import. Folders on one line are peers: they may not import each other.
 */
const LAYERS = [
  ['core'],
  ['protocol'],
  ['collective', 'workspace', 'telemetry'],
  ['audit'],
  ['store'],
  ['memory'],
  ['tools'],
  ['governor'],
  ['brain'],
  ['instance'],
  ['orchestrator'],
  ['dashboard', 'mcp', 'eval', 'changes'],
  ['cli'],
];

const folder = (name) => `^src/${name}/`;

/** For each folder: every folder of a higher layer, and every peer, is out of bounds. */
const layerRules = LAYERS.flatMap((layer, rank) =>
  layer.map((name) => {
    const above = LAYERS.slice(rank + 1).flat();
    const peers = layer.filter((other) => other !== name);
    return {
      name: `layer-${name}`,
      comment: `src/${name} may import only from ${LAYERS.slice(0, rank).flat().join(', ') || 'nothing in src'} (layers: .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: folder(name) },
      to: { path: `^src/(${[...above, ...peers].join('|')})/` },
    };
  }),
);

/** A folder not in LAYERS is a mistake: name it in a layer before it is used. */
const known = LAYERS.flat().join('|');

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-unlayered-folder',
      comment: 'every folder of src/ belongs to a layer in .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/(${known})/` },
      to: {},
    },
    {
      name: 'no-test-code-in-src',
      comment: 'src/ (what ships) never imports test-only code',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.tsx?$' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'no import cycle, between files or folders',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.tsx?$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
    moduleSystems: ['es6'],
  },
};
