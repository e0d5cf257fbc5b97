/**
 * Common acronyms of code review and security, with what they stand for. A finding says "XSS" and a question
 * "cross-site scripting": a word search sees nothing in common, so each side is searched with the other too.
 */
const ACRONYMS: ReadonlyArray<readonly [string, string]> = [
  ['xss', 'cross site scripting'],
  ['csrf', 'cross site request forgery'],
  ['xsrf', 'cross site request forgery'],
  ['ssrf', 'server side request forgery'],
  ['sqli', 'sql injection'],
  ['rce', 'remote code execution'],
  ['idor', 'insecure direct object reference'],
  ['redos', 'regular expression denial of service'],
  ['dos', 'denial of service'],
  ['xxe', 'xml external entity'],
  ['lfi', 'local file inclusion'],
  ['toctou', 'time of check time of use'],
  ['pii', 'personally identifiable information'],
  ['jwt', 'json web token'],
  ['cors', 'cross origin resource sharing'],
  ['regex', 'regular expression'],
];

/**
 * What a text's acronyms stand for and the acronyms of what it spells out, each as its words: for "XSS"
 * `['cross', 'site', 'scripting']`, for "cross-site scripting" `['xss']`. `words` are the text's lower-cased
 * words, in order. Nothing the text already says.
 */
export function acronymExpansions(words: readonly string[]): string[][] {
  const present = new Set(words);
  const joined = ` ${words.join(' ')} `;
  const expansions: string[][] = [];
  for (const [acronym, meaning] of ACRONYMS) {
    if (present.has(acronym) && !joined.includes(` ${meaning} `)) expansions.push(meaning.split(' '));
    else if (!present.has(acronym) && joined.includes(` ${meaning} `)) expansions.push([acronym]);
  }
  return expansions;
}
