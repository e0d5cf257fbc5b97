import type { Personality } from './personality.js';

/** A recommendation the collective can agree on, what it is about, and which values make it appealing. */
export interface Theme {
  key: string;
  categories: readonly string[];
  recommendation: string;
  weights: Partial<Personality>;
}

/** The recommendation themes audit findings group into. */
export const THEMES: readonly Theme[] = [
  { key: 'risk', categories: ['risky_pattern'], recommendation: 'Remove risky patterns (dynamic code, shell strings, disabled checks, secrets)', weights: { caution: 0.7, thoroughness: 0.3 } },
  { key: 'tests', categories: ['untested'], recommendation: 'Add tests for the untested modules', weights: { thoroughness: 0.6, caution: 0.4 } },
  { key: 'complexity', categories: ['long_function', 'complexity', 'size'], recommendation: 'Break up the longest and most complex code', weights: { simplicity: 0.8, thoroughness: 0.2 } },
  { key: 'duplication', categories: ['duplication'], recommendation: 'Fold duplicated code into shared pieces', weights: { simplicity: 0.5, novelty: 0.3, thoroughness: 0.2 } },
  { key: 'structure', categories: ['import_cycle'], recommendation: 'Break the import cycles', weights: { thoroughness: 0.4, simplicity: 0.4, caution: 0.2 } },
  { key: 'debt', categories: ['todo'], recommendation: 'Resolve the TODO/FIXME/HACK debt', weights: { novelty: 0.6, thoroughness: 0.4 } },
];

/** The theme a finding category belongs to. */
export function themeOfCategory(category: string): Theme | undefined {
  return THEMES.find((theme) => theme.categories.includes(category));
}

/** The theme whose recommendation text is `option` (proposal options are recommendation texts). */
export function themeOfRecommendation(option: string): Theme | undefined {
  return THEMES.find((theme) => theme.recommendation === option);
}
