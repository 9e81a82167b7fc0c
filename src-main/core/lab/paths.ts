// Where the Python side of the Lab lives. In a source checkout it sits next to this file; a
// packaged app ships the same directory as a resource and says where with PROCSCOPE_TRACER_ROOT
// (or passes tracerRoot to the supervisor).

import { fileURLToPath } from 'node:url';

export function defaultTracerRoot(): string {
  return process.env.PROCSCOPE_TRACER_ROOT ?? fileURLToPath(new URL('./python', import.meta.url));
}
