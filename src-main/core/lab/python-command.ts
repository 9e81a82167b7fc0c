// Reading a Python command line the way the interpreter does: which words are interpreter
// options, what is run (a script, a folder, a zipapp, -m module, -c code) and what are the
// program's own arguments. The CLI uses it to run `python3 -u -X dev -m pkg a b` as written;
// a run uses it to tell why a Python process could not be traced.

import path from 'node:path';

export interface PythonCommand {
  /** Interpreter options in order; ends with '-m' or '-c' when `target` is a module or code. */
  options: string[];
  /** The script, folder, zipapp or .pyc; the module after -m; the code after -c; '' for none. */
  target: string;
  args: string[];
}

// Single-letter options that take a value, attached (-Wd, -Xdev, -mpkg) or as the next word.
const WITH_VALUE = new Set(['c', 'm', 'W', 'X']);
const LONG_WITH_VALUE = new Set(['--check-hash-based-pycs']);
// -I (isolated) and -E ignore PYTHONPATH, -S skips site: each keeps the tracer from loading.
const UNTRACEABLE = new Set(['I', 'E', 'S']);

/** Whether the file a command starts with is a Python interpreter (python, python3.11, …). */
export function isPythonExecutable(file: string): boolean {
  return /^python(\d+(\.\d+)*)?[dmu]?(\.exe)?$/i.test(path.basename(file));
}

/**
 * Splits the words after the interpreter's name, keeping them as written; only an attached
 * module or code (-mpkg, -cCODE) is split off its option, so that `target` is always one word.
 */
export function parsePythonArgs(words: readonly string[]): PythonCommand {
  const options: string[] = [];
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    if (word === '--') {
      options.push(word);
      return { options, target: words[index + 1] ?? '', args: words.slice(index + 2) };
    }
    if (word === '-' || !word.startsWith('-')) {
      return { options, target: word, args: words.slice(index + 1) };
    }
    if (word.startsWith('--')) {
      options.push(word);
      if (LONG_WITH_VALUE.has(word) && index + 1 < words.length) {
        options.push(words[++index] as string);
      }
      continue;
    }
    // A cluster of letters (-uB, -OO, -Wd, -uXdev): the first that takes a value ends it.
    let at = 1;
    while (at < word.length && !WITH_VALUE.has(word[at] as string)) at++;
    if (at === word.length) {
      options.push(word);
      continue;
    }
    const letter = word[at] as string;
    const attached = word.slice(at + 1);
    if (letter === 'm' || letter === 'c') {
      options.push(attached ? word.slice(0, at + 1) : word);
      const target = attached || (words[index + 1] ?? '');
      return { options, target, args: words.slice(attached ? index + 1 : index + 2) };
    }
    options.push(word);
    if (!attached && index + 1 < words.length) options.push(words[++index] as string);
  }
  return { options, target: '', args: [] };
}

/** The options among `options` that keep Procscope's tracer out ('-I', '-E', '-S'). */
export function untraceableOptions(options: readonly string[]): string[] {
  const found = new Set<string>();
  for (let index = 0; index < options.length; index++) {
    const word = options[index] as string;
    if (!word.startsWith('-') || word.startsWith('--')) continue;
    for (const letter of word.slice(1)) {
      if (WITH_VALUE.has(letter)) {
        if (word.endsWith(letter)) index++; // its value is the next word
        break;
      }
      if (UNTRACEABLE.has(letter)) found.add(`-${letter}`);
    }
  }
  return [...found];
}
