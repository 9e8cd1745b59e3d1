/**
 * A small well-formedness check for the SVG and HTML wordloom writes (no XML parser is among the
 * dependencies): every tag closed in order, attributes quoted, `&` only in entities, no stray
 * `<`. HTML mode knows void elements and skips the bodies of <script> and <style>. Returns the
 * problems found (empty when well-formed).
 */
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const ENTITY = /^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/i;

export function wellFormedProblems(text: string, mode: 'xml' | 'html'): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let i = 0;
  const checkText = (s: string, at: number): void => {
    for (let k = s.indexOf('&'); k >= 0; k = s.indexOf('&', k + 1)) if (!ENTITY.test(s.slice(k))) problems.push(`bare & at ${at + k}`);
    if (s.includes('>') && mode === 'xml') problems.push(`bare > in text at ${at}`);
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      checkText(text.slice(i), i);
      break;
    }
    checkText(text.slice(i, lt), i);
    if (text.startsWith('<!--', lt)) {
      i = text.indexOf('-->', lt) + 3;
      continue;
    }
    if (text.startsWith('<!', lt) || text.startsWith('<?', lt)) {
      i = text.indexOf('>', lt) + 1;
      continue;
    }
    const m = /^<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'))?)*)\s*(\/?)>/.exec(text.slice(lt, lt + 100000));
    if (m === null) {
      problems.push(`malformed tag at ${lt}: ${JSON.stringify(text.slice(lt, lt + 40))}`);
      i = lt + 1;
      continue;
    }
    const [whole, closing, name, attrs, selfClosing] = m;
    const tag = mode === 'html' ? name!.toLowerCase() : name!;
    for (const a of attrs!.matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g)) checkText(a[1] ?? a[2] ?? '', lt);
    if (mode === 'xml' && /\s[\w:-]+(?=\s|$)/.test(attrs!.replace(/=\s*(?:"[^"]*"|'[^']*')/g, '=""'))) problems.push(`attribute without a value in <${name}> at ${lt}`);
    i = lt + whole.length;
    if (closing) {
      const open = stack.pop();
      if (open !== tag) problems.push(`</${tag}> at ${lt} closes <${open ?? 'nothing'}>`);
    } else if (!selfClosing && !(mode === 'html' && VOID.has(tag))) {
      if (mode === 'html' && (tag === 'script' || tag === 'style')) {
        const end = text.indexOf(`</${tag}>`, i);
        if (end < 0) problems.push(`<${tag}> at ${lt} is never closed`);
        i = end < 0 ? text.length : end + tag.length + 3;
      } else stack.push(tag);
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}
