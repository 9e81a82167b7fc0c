// Where the files that ship beside the code live: the Python tracer and the lesson programs.
// They stay plain files (the user's interpreter runs them), so a bundle cannot find them by its
// own location; each entry point says which layout it runs from.
import { join } from 'node:path';

export interface ResourceDirs {
  tracerRoot: string;
  lessonsRoot: string;
}

/** A source checkout (npm start, browser mode, the CLI, tests). */
export function checkoutResources(appRoot: string): ResourceDirs {
  return {
    tracerRoot: join(appRoot, 'src-main', 'core', 'lab', 'python'),
    lessonsRoot: join(appRoot, 'src-main', 'core', 'lessons', 'programs'),
  };
}

/** An installed app: electron-builder copies both directories into its resources folder. */
export function packagedResources(resourcesPath: string): ResourceDirs {
  return { tracerRoot: join(resourcesPath, 'python'), lessonsRoot: join(resourcesPath, 'lessons') };
}
