/** `models/x.vec` -> `models/x.vocab` (the extension, and a .gz after it, replaced). */
export function vocabularyPathFor(vectorsPath: string): string {
  const stem = vectorsPath.replace(/\.(vec|bin|txt|w2v)(\.gz)?$/i, '');
  return `${stem}.vocab`;
}
