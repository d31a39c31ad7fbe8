import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The folder of the entity-linker package (where models/ lives), found by walking up from this file: the
 * bundle runs from dist/, the compiled tests from out/src/cli/.
 */
export function packageRoot(start: string = __dirname): string {
  let dir = start;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'entity-linker') {
          return dir;
        }
      } catch {
        // Not ours or unreadable: keep walking up.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return path.resolve(start, '..');
    }
    dir = parent;
  }
}
