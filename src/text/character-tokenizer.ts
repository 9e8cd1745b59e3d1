/**
 * One symbol per Unicode code point (not per UTF-16 unit), so an emoji outside the BMP stays one
 * symbol. Whitespace characters are symbols too: a character model must learn where spaces go.
 * Combining sequences are not merged; apply NFC first to fold `e\u0301` into `é`.
 */
export function tokenizeCharacters(text: string): string[] {
  return Array.from(text);
}
