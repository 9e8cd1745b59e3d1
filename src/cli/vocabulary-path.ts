/**
 * `models/x.vec` -> `models/x.vec.vocab`: named after the whole file name, as the checkpoint is,
 * so that `x.vec` and `x.bin` trained side by side keep their own vocabularies.
 */
export function vocabularyPathFor(vectorsPath: string): string {
  return `${vectorsPath}.vocab`;
}
