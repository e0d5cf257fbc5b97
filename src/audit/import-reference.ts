/**
 * How an import binds at run time: `static` loads with the module, `type` vanishes, `lazy` loads later (dynamic
 * import, Python import inside a block).
 */
export type ImportKind = 'static' | 'type' | 'lazy';

/** One import statement's target as written, with where it sits. */
export interface ImportReference {
  /** The specifier as written: `./store.js`, `../x`, `.models`, `pkg.module`. */
  specifier: string;
  /** 0-based line of the specifier (the line that shows the import). */
  line: number;
  kind: ImportKind;
  /** True for `export ... from` (a barrel passing the module on). */
  reexport: boolean;
}

/** An import resolved to another file of the repository. */
export interface ImportEdge {
  from: string;
  to: string;
  /** 0-based line of the import in `from`. */
  line: number;
  kind: ImportKind;
  reexport: boolean;
}
