import { readInput } from '../../util/input-file.js';

/** Reads a small evaluation file (plain or gzip, a byte order mark dropped) as text, with errors that name it. */
export async function readEvalFile(path: string, what: string): Promise<string> {
  return (await readInput(path, { what: `a ${what} file`, stripBom: true })).toString('utf8');
}
