import { compareText } from './audit-finding.js';

/** A slice of the workspace audited as one task. */
export interface AuditUnit {
  name: string;
  paths: string[];
}

/** Default most files per unit: about what one turn can read and judge. */
export const DEFAULT_FILES_PER_UNIT = 25;
/** Top-level folders that only hold modules; units are their children (`src/store`, `packages/cli`). */
const CONTAINER_FOLDERS: ReadonlySet<string> = new Set([
  'src', 'libs', 'packages', 'apps', 'modules', 'internal', 'pkg', 'cmd', 'crates',
]);
const ROOT_UNIT = '(root)';

function groupName(path: string): string {
  const segments = path.split('/');
  if (segments.length === 1) return ROOT_UNIT;
  const top = segments[0] ?? '';
  if (segments.length >= 3 && CONTAINER_FOLDERS.has(top)) return `${top}/${segments[1] ?? ''}`;
  return top;
}

/** Packs consecutive pieces into units of at most `limit` files, naming each after what it holds. */
function pack(name: string, pieces: ReadonlyArray<{ label: string; paths: string[] }>, limit: number): AuditUnit[] {
  const units: AuditUnit[] = [];
  let labels: string[] = [];
  let paths: string[] = [];
  const flush = (): void => {
    if (paths.length === 0) return;
    units.push({ name: labels.length === 1 ? (labels[0] ?? name) : `${name} (${labels.join(', ')})`, paths });
    labels = [];
    paths = [];
  };
  for (const piece of pieces) {
    if (paths.length + piece.paths.length > limit) flush();
    labels.push(piece.label);
    paths = [...paths, ...piece.paths];
  }
  flush();
  return units;
}

/** Splits one over-full group by its next folder level, then by chunks of files. */
function split(name: string, depth: number, paths: readonly string[], limit: number): AuditUnit[] {
  if (paths.length <= limit) return [{ name, paths: [...paths] }];
  const direct: string[] = [];
  const folders = new Map<string, string[]>();
  for (const path of paths) {
    const segments = path.split('/');
    if (segments.length <= depth + 1) direct.push(path);
    else {
      const folder = segments.slice(0, depth + 1).join('/');
      folders.set(folder, [...(folders.get(folder) ?? []), path]);
    }
  }
  const pieces: Array<{ label: string; paths: string[] }> = [];
  for (let start = 0; start < direct.length; start += limit) {
    const part = direct.length > limit ? ` #${start / limit + 1}` : '';
    pieces.push({ label: `${name}${part}`, paths: direct.slice(start, start + limit) });
  }
  const units: AuditUnit[] = [];
  for (const [folder, members] of [...folders].sort(([left], [right]) => compareText(left, right))) {
    if (members.length > limit) units.push(...split(folder, depth + 1, members, limit));
    else pieces.push({ label: folder, paths: members });
  }
  return [...pack(name, pieces, limit), ...units];
}

/**
 * Splits the file list into audit units for tasks: groups by top-level folder / module (e.g. src/store, src/cli,
 * lib, test), splitting big groups by sub-folder and then into chunks so each unit has at most `maxFilesPerUnit`
 * files. Every path lands in exactly one unit; units are ordered by their first path, names are unique.
 */
export function planAuditUnits(paths: readonly string[], maxFilesPerUnit = DEFAULT_FILES_PER_UNIT): AuditUnit[] {
  const limit = Number.isFinite(maxFilesPerUnit) ? Math.max(1, Math.floor(maxFilesPerUnit)) : DEFAULT_FILES_PER_UNIT;
  const groups = new Map<string, string[]>();
  for (const path of [...new Set(paths)].sort(compareText)) {
    const name = groupName(path);
    groups.set(name, [...(groups.get(name) ?? []), path]);
  }
  const units = [...groups].flatMap(([name, members]) =>
    split(name, name === ROOT_UNIT ? 0 : name.split('/').length, members, limit),
  );
  units.sort((left, right) => compareText(left.paths[0] ?? '', right.paths[0] ?? ''));
  const seen = new Map<string, number>();
  return units.map((unit) => {
    const count = (seen.get(unit.name) ?? 0) + 1;
    seen.set(unit.name, count);
    return count === 1 ? unit : { name: `${unit.name} #${count}`, paths: unit.paths };
  });
}
