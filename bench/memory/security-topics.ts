import type { AuditTopic } from './audit-topic.js';

/** Security findings. */
export const SECURITY_TOPICS: readonly AuditTopic[] = [
  {
    key: 'sql-injection',
    findings: [
      'SQL injection in {path}: {function} builds the query by concatenating {variable} into the SQL string (line {line}).',
      '{function}() in {file} interpolates user input ({variable}) straight into a database query; an attacker can inject SQL.',
      'Unparameterised SQL at {path}:{line}. {variable} reaches db.query without escaping or placeholders.',
      'The lookup in {function} ({file}) formats {variable} into raw SQL. Use bound parameters instead of string templates.',
      'Found an injectable SELECT in {path} line {line}: {variable} comes from the request and is pasted into the WHERE clause (SQLi).',
    ],
    questions: ['is there SQL injection in {path}?', 'SQL injection risk in {function} ({path})?', 'any unparameterised SQL queries in {path}'],
    decisions: [
      'Decision: {function} in {path} must switch to prepared statements before release; SQL injection confirmed.',
      'Synthesis: three reports agree {file} has injectable SQL in {function}; parameterise {variable}.',
    ],
  },
  {
    key: 'xss',
    findings: [
      'Stored XSS in {path}: {function} renders {variable} with innerHTML and no escaping (line {line}).',
      '{file} writes user-controlled {variable} into the page unescaped in {function}; script injection possible.',
      'Cross-site scripting: {function}() at {path}:{line} uses dangerouslySetInnerHTML with {variable} from the API.',
      'Reflected XSS in {file}: the {variable} query parameter is echoed into HTML by {function} without encoding.',
      'HTML output encoding missing in {path} line {line}; {variable} is inserted as raw markup, so a comment can run a script (XSS).',
    ],
    questions: ['is {path} vulnerable to XSS?', 'does {function} in {path} escape HTML output?', 'cross-site scripting risk in {path}'],
    decisions: [
      'Decision: sanitize {variable} with DOMPurify in {function} ({path}); XSS accepted as high severity.',
      'Synthesis: the XSS reports on {file} are one bug: {function} renders {variable} as raw HTML.',
    ],
  },
  {
    key: 'path-traversal',
    findings: [
      'Path traversal in {path}: {function} joins {variable} onto the upload directory without normalising, so ../ escapes it.',
      '{file} line {line}: {function}() opens a file path named by the request ({variable}); "../../etc/passwd" would be read.',
      'Directory traversal risk: {variable} flows into fs.readFile in {function} ({path}) unchecked.',
      'In {function} ({file}) the download handler trusts {variable} as a file path; dot-dot segments are not rejected.',
      '{path}:{line} resolves a user-supplied file path {variable} outside the sandbox root; no realpath check (traversal).',
    ],
    questions: ['path traversal in {path}?', 'directory traversal in {function} ({path})?', 'is the file path in {path} validated against ../ traversal'],
    decisions: [
      'Decision: {function} in {path} will resolve {variable} and reject any path outside the root (traversal fix).',
      'Synthesis: {file} allows directory traversal through {variable} in {function}.',
    ],
  },
  {
    key: 'missing-auth',
    findings: [
      'Missing authorization check in {path}: {function} deletes records without verifying the caller owns them (line {line}).',
      '{function}() in {file} is reachable without authentication; the auth middleware is not applied to this route.',
      'Broken access control at {path}:{line}: any logged-in user can call {function} for another account id ({variable}).',
      '{file} exposes {function} to anonymous users; there is no session or role check (no authorization at all).',
      'IDOR in {function} ({path}): {variable} from the URL selects the object and ownership is never checked, an access control gap.',
    ],
    questions: ['missing authorization check in {function} ({path})?', 'is {path} missing an access control check', 'can anyone call {function} in {path} without authorization'],
    decisions: [
      'Decision: add requireOwner() to {function} in {path}; access control gap confirmed.',
      'Synthesis: {file} has an authorization hole in {function} keyed by {variable}.',
    ],
  },
  {
    key: 'hardcoded-secret',
    findings: [
      'Hard-coded secret in {path} line {line}: {variable} holds a live API key committed to the repository.',
      '{file} embeds a credential ({variable}) as a string literal used by {function}; rotate it and load it from the environment.',
      'A private token is checked in at {path}:{line} ({variable}); anyone with repo access can use this secret.',
      '{function} in {file} authenticates with a hardcoded password constant {variable} rather than configuration.',
      'Secret leak: {variable} in {path} looks like an AWS access key and is used by {function}.',
    ],
    questions: ['are there hardcoded credentials in {path}?', 'does {path} contain a hardcoded API key or password', 'secrets committed in {path}'],
    decisions: [
      'Decision: rotate the hard-coded key in {path} ({variable}) and read it from the vault; {function} gets it injected.',
      'Synthesis: {file} contains a committed credential, {variable}, used by {function}.',
    ],
  },
  {
    key: 'weak-hash',
    findings: [
      'Weak password hashing in {path}: {function} uses MD5 without salt (line {line}).',
      '{file} stores {variable} hashed with SHA-1; switch to bcrypt or argon2.',
      '{function}() in {path} derives password digests with a single unsalted hash round; trivially cracked offline.',
      'Insecure hash at {path}:{line}: md5({variable}) protects credentials in {function}.',
      'Passwords in {file} are hashed fast and unsalted by {function}; a GPU brute-forces them in hours.',
    ],
    questions: ['how are passwords hashed in {path}?', 'does {function} in {path} use a weak hash like md5', 'password hashing in {path}'],
    decisions: ['Decision: migrate {function} in {path} to argon2id hashing; rehash on next login.', 'Synthesis: {file} hashes {variable} with an obsolete algorithm.'],
  },
  {
    key: 'insecure-random',
    findings: [
      'Predictable token in {path}: {function} generates {variable} with Math.random() (line {line}).',
      '{file} uses a non-cryptographic random generator for reset tokens in {function}; tokens are guessable.',
      'Session ids from Math.random at {path}:{line} ({variable}); use crypto.randomBytes.',
      '{function}() in {file} seeds its random generator with the time to make {variable}; an attacker can predict it.',
    ],
    questions: ['are the tokens in {path} cryptographically random?', 'does {function} in {path} use Math.random for secrets', 'predictable random ids in {path}'],
    decisions: ['Decision: {function} in {path} will use crypto.randomUUID for {variable}.', 'Synthesis: {file} makes security tokens with a weak random generator.'],
  },
  {
    key: 'ssrf',
    findings: [
      'SSRF in {path}: {function} fetches the URL in {variable} from the request with no allow-list (line {line}).',
      '{file} lets a user make the server request arbitrary hosts through {function}; internal metadata endpoints reachable (SSRF).',
      'Server-side request forgery at {path}:{line}: {variable} is passed to axios.get unchecked.',
      'The webhook tester {function} in {file} will fetch 169.254.169.254 if asked; no host validation on the URL in {variable}.',
    ],
    questions: ['can {function} in {path} be used for SSRF?', 'does {path} fetch user supplied URLs (SSRF)', 'server-side request forgery in {path}'],
    decisions: ['Decision: {function} in {path} gets a host allow-list for {variable} against SSRF.', 'Synthesis: {file} is open to server-side request forgery via {function}.'],
  },
  {
    key: 'command-injection',
    findings: [
      'Command injection in {path}: {function} passes {variable} to child_process.exec inside a shell string (line {line}).',
      '{file} runs a shell command built from user input ({variable}) in {function}; ; rm -rf would execute.',
      'OS command injection at {path}:{line}: exec(`convert ${variable}`) in {function}.',
      '{function}() in {file} shells out with the uploaded filename {variable} unquoted.',
    ],
    questions: ['does {path} run shell commands with user input?', 'command injection in {function} ({path})?', 'is the exec shell command safe in {path}'],
    decisions: ['Decision: {function} in {path} moves to execFile with an argument array, no shell.', 'Synthesis: {file} builds shell commands from {variable}.'],
  },
  {
    key: 'csrf',
    findings: [
      'No CSRF protection in {path}: {function} changes state on POST without a token (line {line}).',
      '{file} accepts cross-site form posts to {function}; cookies are sent and no anti-forgery (CSRF) check runs.',
      'CSRF: the settings update in {function} ({path}:{line}) relies on the session cookie alone.',
      '{function}() in {file} has SameSite=None cookies and no CSRF token, so another site can trigger it.',
    ],
    questions: ['is {function} in {path} protected against CSRF?', 'cross-site request forgery in {path}', 'anti-forgery CSRF tokens in {path}'],
    decisions: ['Decision: add the csrf middleware in front of {function} ({path}).', 'Synthesis: {file} state-changing routes lack CSRF tokens.'],
  },
  {
    key: 'jwt-verification',
    findings: [
      'JWT not verified in {path}: {function} calls jwt.decode instead of jwt.verify (line {line}).',
      '{file} accepts tokens with alg "none" in {function}; JWT signatures are never checked.',
      'Token signature check skipped at {path}:{line}: {variable} is trusted after base64 decoding only.',
      '{function}() in {file} ignores the expiry claim of the JWT {variable}, so stolen tokens never expire.',
    ],
    questions: ['does {path} verify JWT signatures?', 'is the JWT token in {function} ({path}) checked for expiry', 'jwt handling in {path}'],
    decisions: ['Decision: {function} in {path} must use jwt.verify with a pinned algorithm.', 'Synthesis: {file} trusts unverified tokens ({variable}).'],
  },
  {
    key: 'open-cors',
    findings: [
      'Permissive CORS in {path}: {function} reflects any Origin and allows credentials (line {line}).',
      '{file} sets Access-Control-Allow-Origin: * together with cookies in {function} (CORS).',
      'CORS misconfiguration at {path}:{line}; {variable} echoes the request origin back unchecked.',
      'Any website can read authenticated responses from {function} ({file}) because of the wildcard CORS policy.',
    ],
    questions: ['is the CORS policy in {path} too open?', 'does {path} allow any origin (CORS)', 'CORS settings of {function} in {path}'],
    decisions: ['Decision: restrict CORS in {path} to the dashboard origin.', 'Synthesis: {file} CORS reflects arbitrary origins.'],
  },
  {
    key: 'sensitive-logging',
    findings: [
      'Sensitive data in logs: {function} in {path} logs the full request body including {variable} (line {line}).',
      '{file} writes passwords to the application log in {function}.',
      'PII leak at {path}:{line}: logger.info prints {variable} (card number) unmasked.',
      '{function}() in {file} dumps auth headers to the log on every error.',
    ],
    questions: ['does {path} log secrets or personal data?', 'are passwords or tokens masked in the logs of {path}', 'what does {function} in {path} write to the log'],
    decisions: ['Decision: add a log redaction filter for {variable} in {path}.', 'Synthesis: {file} leaks credentials into logs from {function}.'],
  },
  {
    key: 'unsafe-deserialization',
    findings: [
      'Unsafe deserialization in {path}: {function} unpickles {variable} received from the network (line {line}).',
      '{file} calls yaml.load on user input in {function}; arbitrary object construction during deserialization.',
      'Deserializing untrusted data at {path}:{line} with node-serialize ({variable}); leads to code execution.',
      '{function}() in {file} evals the JSON-ish payload {variable} instead of parsing it, an unsafe deserialization.',
    ],
    questions: ['does {path} deserialize untrusted input?', 'is {function} in {path} using eval or pickle to deserialize request data', 'unsafe deserialization in {path}'],
    decisions: ['Decision: {function} in {path} switches to a schema-validated JSON parse, no more unsafe deserialization.', 'Synthesis: {file} deserializes {variable} unsafely.'],
  },
  {
    key: 'open-redirect',
    findings: [
      'Open redirect in {path}: {function} redirects to the next parameter {variable} without checking the host (line {line}).',
      '{file} redirects users to any URL given in {variable} after login ({function}); phishing vector.',
      'Unvalidated redirect at {path}:{line}; res.redirect({variable}).',
      '{function}() in {file} trusts the returnTo value for its Location header, an open redirect.',
    ],
    questions: ['can {path} redirect to external sites?', 'open redirect in {function} ({path})', 'is the redirect url in {path} validated'],
    decisions: ['Decision: {function} in {path} only redirects to relative paths.', 'Synthesis: {file} has an open redirect through {variable}.'],
  },
];
