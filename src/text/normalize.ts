/** Options shared by every tokenizer and corpus reader. */
export interface NormalizeOptions {
  /** Lowercase every token (after NFC). Default false. */
  lowercase?: boolean;
  /** Unicode NFC normalisation, so `e\u0301` and `é` are one word. Default true. */
  nfc?: boolean;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * NFC first, then lowercase: lowercasing can only be applied consistently to one canonical form.
 * ASCII text is already NFC, so normalize() is skipped for it (it is the common case and not free).
 */
export function normalizeText(text: string, { lowercase = false, nfc = true }: NormalizeOptions = {}): string {
  let out = text;
  if (nfc && NON_ASCII.test(out)) out = out.normalize('NFC');
  if (lowercase) out = out.toLowerCase();
  return out;
}
