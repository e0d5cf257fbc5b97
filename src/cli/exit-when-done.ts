/**
 * Ends the process with the code `work` resolves to. Everything is flushed by then; a handle some library
 * left open must not keep the process alive, so it exits at the latest 2 s later. (No top-level await: the
 * entry scripts are also bundled as CommonJS.)
 */
export function exitWhenDone(work: Promise<number>): void {
  void work.then((code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  });
}
