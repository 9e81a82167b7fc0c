#!/usr/bin/env node
// The `procscope` command: runs the built CLI (out/main/cli.js, made by `npm run build`).

import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write(
    'procscope: the command-line tool is not built yet. Run "npm run build" in the Procscope ' +
      'folder, then try again.\n',
  );
  process.exit(1);
}

// The Python side of the Lab is not bundled; in a checkout it is read from the sources.
const sources = fileURLToPath(new URL('../src-main/core/lab/python', import.meta.url));
if (!process.env.PROCSCOPE_TRACER_ROOT && existsSync(sources)) {
  process.env.PROCSCOPE_TRACER_ROOT = sources;
}

const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
