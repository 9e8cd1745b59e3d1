/**
 * The playground's one page. It asks /api/models what is served and builds a panel per model by
 * its kind (PANELS in the page script): vectors panels call the server's JSON API; language-model
 * panels load the model in the browser with plain `tf.loadLayersModel` from the folder's
 * model.json, read vocab.tsv with wordloom's own reader and generate with wordloom's generation
 * modules (src/seq/generate, browser-safe), showing tokens as they come.
 *
 * Extension point: a kind without a panel (seq2seq, classifier) shows a note; its panel is one
 * more entry in PANELS (load `/models/<id>/model.json` the same way, with the files its ModelKind's
 * browserFiles lists).
 */
export function renderPlaygroundPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wordloom playground</title>
<style>${CSS}</style>
<script type="importmap">{ "imports": { "@tensorflow/tfjs": "/vendor/tfjs-module.js" } }</script>
<script src="/vendor/tf.min.js"></script>
</head>
<body>
<header><h1>wordloom playground</h1><p class="note" id="status">loading the model list…</p></header>
<main id="panels"></main>
<script type="module">${SCRIPT}</script>
</body>
</html>
`;
}

const CSS = `
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 20px auto; max-width: 980px; color: #222; padding: 0 12px; }
h1 { margin: 0 0 4px; } .note { color: #666; font-size: 13px; margin: 0 0 16px; }
.panel { border: 1px solid #ddd; border-radius: 8px; padding: 12px 16px; margin-bottom: 18px; background: #fcfcfc; }
.panel h2 { margin: 0 0 2px; font-size: 18px; } .panel h2 .kind { font-size: 12px; color: #fff; background: #4e79a7; border-radius: 4px; padding: 1px 6px; margin-left: 6px; vertical-align: middle; }
.panel[data-kind=lm] h2 .kind { background: #59a14f; }
form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 10px 0 6px; }
form h3 { width: 100%; margin: 4px 0 0; font-size: 14px; color: #444; }
input[type=text] { padding: 4px 6px; min-width: 8em; } input[type=number] { width: 5em; padding: 4px; }
button { padding: 4px 12px; }
ol.results { margin: 4px 0 8px; padding-left: 2em; columns: 2; font-size: 14px; } ol.results .sim { color: #888; font-size: 12px; margin-left: 6px; }
.error { color: #b00020; font-size: 14px; min-height: 1em; }
pre.generated { background: #f3f3f3; padding: 10px; border-radius: 6px; white-space: pre-wrap; min-height: 3em; font-size: 14px; }
`;

/** Plain browser JavaScript (a module: it imports wordloom's generation code). */
const SCRIPT = `
import { generate } from '/lib/seq/generate/index.js';
import { parseVocabularyFile } from '/lib/text/vocabulary-file.js';

const tf = globalThis.tf;
const $ = (root, selector) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k.startsWith('data-')) node.setAttribute(k, v); else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
};

async function getJson(url) {
  const response = await fetch(url);
  const body = await response.json().catch(() => ({ error: 'the server sent no JSON (' + response.status + ')' }));
  if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
  return body;
}

function showNeighbours(list, neighbours) {
  list.replaceChildren(...neighbours.map((n) => el('li', {}, el('span', { class: 'word' }, n.word), el('span', { class: 'sim' }, n.similarity.toFixed(3)))));
}

function vectorsPanel(panel, model) {
  const info = model.info;
  panel.append(el('p', { class: 'note' }, info.words + ' words, dimension ' + info.dim + (info.index ? ', HNSW index ' + info.index : ', exact search')));
  const neighboursForm = el('form', { class: 'neighbours' },
    el('h3', {}, 'Nearest neighbours'),
    el('input', { type: 'text', name: 'q', placeholder: 'word (several: their mean)', required: true }),
    el('label', {}, 'top ', el('input', { type: 'number', name: 'topn', value: '10', min: '1', max: '100' })),
    el('button', { type: 'submit' }, 'Find'));
  const neighboursList = el('ol', { class: 'results neighbours-results' });
  const neighboursError = el('div', { class: 'error neighbours-error' });
  neighboursForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    neighboursError.textContent = '';
    neighboursList.replaceChildren();
    const data = new FormData(neighboursForm);
    try {
      const r = await getJson('/api/vectors/' + encodeURIComponent(model.id) + '/neighbours?' + new URLSearchParams({ q: data.get('q'), topn: data.get('topn') }));
      showNeighbours(neighboursList, r.neighbours);
    } catch (err) { neighboursError.textContent = err.message; }
  });
  const analogyForm = el('form', { class: 'analogy' },
    el('h3', {}, 'Analogy: a is to b as c is to ?'),
    el('input', { type: 'text', name: 'a', placeholder: 'a (man)', required: true }),
    el('span', {}, 'is to'),
    el('input', { type: 'text', name: 'b', placeholder: 'b (king)', required: true }),
    el('span', {}, 'as'),
    el('input', { type: 'text', name: 'c', placeholder: 'c (woman)', required: true }),
    el('span', {}, 'is to ?'),
    el('button', { type: 'submit' }, 'Solve'));
  const analogyList = el('ol', { class: 'results analogy-results' });
  const analogyError = el('div', { class: 'error analogy-error' });
  analogyForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    analogyError.textContent = '';
    analogyList.replaceChildren();
    const data = new FormData(analogyForm);
    try {
      const params = new URLSearchParams({ positive: data.get('b') + ',' + data.get('c'), negative: data.get('a'), topn: '5' });
      const r = await getJson('/api/vectors/' + encodeURIComponent(model.id) + '/analogy?' + params);
      showNeighbours(analogyList, r.neighbours);
    } catch (err) { analogyError.textContent = err.message; }
  });
  panel.append(neighboursForm, neighboursError, neighboursList, analogyForm, analogyError, analogyList);
}

function languageModelPanel(panel, model) {
  const base = '/models/' + encodeURIComponent(model.id) + '/';
  const state = el('p', { class: 'note lm-state' }, 'loading the model in the browser…');
  const form = el('form', { class: 'generate' },
    el('h3', {}, 'Generate text (in this browser, with tfjs)'),
    el('input', { type: 'text', name: 'prime', placeholder: 'priming text (optional)' }),
    el('label', {}, 'tokens ', el('input', { type: 'number', name: 'length', value: '120', min: '1', max: '2000' })),
    el('label', {}, 'temperature ', el('input', { type: 'number', name: 'temperature', value: '0.8', min: '0', max: '5', step: '0.1' })),
    el('label', {}, 'seed ', el('input', { type: 'number', name: 'seed', value: '1', min: '0' })),
    el('label', {}, el('input', { type: 'checkbox', name: 'lines' }), ' past the end of a line'),
    el('button', { type: 'submit', disabled: true }, 'Generate'));
  const output = el('pre', { class: 'generated' });
  const error = el('div', { class: 'error generate-error' });
  panel.append(state, form, error, output);
  const loading = (async () => {
    const [network, vocabText] = await Promise.all([tf.loadLayersModel(base + 'model.json'), fetch(base + 'vocab.tsv').then((r) => r.text())]);
    const vocabulary = parseVocabularyFile(vocabText, 'vocab.tsv').map((e) => e.word);
    const config = await getJson(base + 'lm.json');
    state.textContent = 'loaded with tf.loadLayersModel: ' + network.layers.map((l) => l.getClassName()).join(' → ') + ', ' + vocabulary.length + ' tokens, ' + network.countParams() + ' weights (' + config.level + ' level; backend ' + tf.getBackend() + ')';
    state.dataset.ready = 'true';
    $(form, 'button').disabled = false;
    return { network, vocabulary, level: config.level };
  })();
  loading.catch((err) => { state.textContent = 'cannot load the model: ' + err.message; });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const button = $(form, 'button');
    button.disabled = true;
    output.dataset.done = 'false';
    try {
      const { network, vocabulary, level } = await loading;
      const data = new FormData(form);
      const prime = String(data.get('prime') || '');
      output.textContent = prime;
      let text = prime;
      for await (const token of generate(network, vocabulary, {
        prime, maxLength: Number(data.get('length')), temperature: Number(data.get('temperature')), seed: Number(data.get('seed')), onUnknown: 'unk',
        stopAtEos: data.get('lines') !== 'on',
      })) {
        const piece = level === 'word' && text !== '' && !/\\s$/.test(text) && !token.startsWith('\\n') ? ' ' + token : token;
        text += piece;
        output.textContent = text;
        await new Promise((resolve) => setTimeout(resolve, 0)); // let the page paint each token
      }
    } catch (err) {
      error.textContent = err.message;
    } finally {
      output.dataset.done = 'true';
      button.disabled = false;
    }
  });
}

const PANELS = { vectors: vectorsPanel, lm: languageModelPanel };

async function main() {
  await tf.setBackend('cpu');
  const status = document.getElementById('status');
  let models;
  try {
    models = await getJson('/api/models');
  } catch (err) {
    status.textContent = 'cannot list the models: ' + err.message;
    return;
  }
  status.textContent = models.length + ' model' + (models.length === 1 ? '' : 's') + ' served from this machine; vectors queries run on the server, sequence models in this page.';
  const panels = document.getElementById('panels');
  for (const model of models) {
    const panel = el('section', { class: 'panel', 'data-kind': model.kind, 'data-model': model.id }, el('h2', {}, model.name, el('span', { class: 'kind' }, model.kind)));
    panels.append(panel);
    const build = PANELS[model.kind];
    if (build) build(panel, model);
    else panel.append(el('p', { class: 'note' }, 'no playground panel for ' + model.kind + ' models yet'));
  }
  document.body.dataset.ready = 'true';
}
main();
`;
