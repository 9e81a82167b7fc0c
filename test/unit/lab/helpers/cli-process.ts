// `procscope` from the sources, as a process of its own (bin/procscope.js runs the built one):
//   node --import tsx test/unit/lab/helpers/cli-process.ts record --out x -- python3 s.py
import { main } from '../../../../src-main/cli';

process.exitCode = await main(process.argv.slice(2));
