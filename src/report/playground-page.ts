/**
 * The playground's one page. It asks /api/models what is served and builds a panel per model by
 * its kind (PANELS in the page script): vectors panels call the server's JSON API; language-model
 * panels load the model in the browser with plain `tf.loadLayersModel` from the folder's
 * model.json, read vocab.tsv with wordloom's own reader and generate with wordloom's generation
 * modules (src/seq/generate, browser-safe), showing tokens as they come.
 *
 * Classifier panels load model.json the same way (and vocab.tsv, classifier.json, features.bin)
 * and show each class's probability (browser-classifier.ts); seq2seq panels load encoder.json and
 * decoder.json, translate greedily step by step and draw the attention heatmap
 * (browser-seq2seq.ts, seq2seq's attentionSvg). Bad input (an empty text) gets a message under
 * the form, never a thrown page.
 *
 * Extension point: a kind without a panel shows a note; its panel is one more entry in PANELS
 * (load `/models/<id>/...` the same way, with the files its ModelKind's browserFiles lists).
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
.panel[data-kind=lm] h2 .kind { background: #59a14f; } .panel[data-kind=classifier] h2 .kind { background: #e15759; } .panel[data-kind=seq2seq] h2 .kind { background: #b07aa1; }
form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 10px 0 6px; }
form h3 { width: 100%; margin: 4px 0 0; font-size: 14px; color: #444; }
input[type=text] { padding: 4px 6px; min-width: 8em; } input[type=number] { width: 5em; padding: 4px; }
button { padding: 4px 12px; }
ol.results { margin: 4px 0 8px; padding-left: 2em; columns: 2; font-size: 14px; } ol.results .sim { color: #888; font-size: 12px; margin-left: 6px; }
.error { color: #b00020; font-size: 14px; min-height: 1em; }
pre.generated { background: #f3f3f3; padding: 10px; border-radius: 6px; white-space: pre-wrap; min-height: 3em; font-size: 14px; }
input.wide { flex: 1; min-width: 20em; }
.predicted { font-size: 15px; margin: 4px 0; } .predicted .classify-label { font-weight: 600; }
ol.class-probabilities { list-style: none; padding: 0; margin: 4px 0 8px; font-size: 14px; }
ol.class-probabilities li { display: flex; align-items: center; gap: 8px; margin: 2px 0; }
ol.class-probabilities .name { width: 10em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
ol.class-probabilities .bar { height: 12px; background: #e15759; border-radius: 2px; }
ol.class-probabilities li.top .name { font-weight: 600; } ol.class-probabilities .p { color: #555; font-size: 12px; }
.translation { font-size: 16px; font-family: monospace; background: #f3f3f3; padding: 6px 10px; border-radius: 6px; min-height: 1.2em; }
.attention { overflow-x: auto; margin: 8px 0; }
`;

/** Plain browser JavaScript (a module: it imports wordloom's generation code). */
const SCRIPT = `
import { generate } from '/lib/seq/generate/index.js';
import { parseVocabularyFile } from '/lib/text/vocabulary-file.js';
import { BrowserClassifier } from '/lib/report/browser-classifier.js';
import { BrowserSeq2seq } from '/lib/report/browser-seq2seq.js';
import { attentionSvg } from '/lib/seq/seq2seq/attention-svg.js';

const tf = globalThis.tf;
const $ = (root, selector) => root.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v; else if (k.startsWith('data-') || k === 'style') node.setAttribute(k, v); else node[k] = v;
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

async function vocabularyWords(url, name) {
  const response = await fetch(url);
  if (!response.ok) throw new Error('cannot read ' + name + ' (HTTP ' + response.status + ')');
  return parseVocabularyFile(await response.text(), name).map((e) => e.word);
}

/** Runs the form's work with its button disabled, showing any error under it. */
function onSubmit(form, error, work) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    const button = $(form, 'button');
    button.disabled = true;
    try {
      await work(new FormData(form));
    } catch (err) {
      error.textContent = err.message;
    } finally {
      button.disabled = false;
      form.dataset.done = 'true';
    }
  });
}

function classifierPanel(panel, model) {
  const base = '/models/' + encodeURIComponent(model.id) + '/';
  const state = el('p', { class: 'note classifier-state' }, 'loading the classifier in the browser…');
  const form = el('form', { class: 'classify' },
    el('h3', {}, 'Classify a text (in this browser, with tfjs)'),
    el('input', { type: 'text', name: 'text', class: 'wide', placeholder: 'a text to classify' }),
    el('button', { type: 'submit', disabled: true }, 'Classify'));
  const error = el('div', { class: 'error classify-error' });
  const predicted = el('p', { class: 'predicted' });
  const list = el('ol', { class: 'class-probabilities' });
  panel.append(state, form, error, predicted, list);
  const loading = (async () => {
    const [network, words, config] = await Promise.all([tf.loadLayersModel(base + 'model.json'), vocabularyWords(base + 'vocab.tsv', 'vocab.tsv'), getJson(base + 'classifier.json')]);
    let features = null;
    if (config.averaged) {
      const response = await fetch(base + 'features.bin');
      if (!response.ok) throw new Error('cannot read features.bin (HTTP ' + response.status + ')');
      features = new Float32Array(await response.arrayBuffer());
    }
    const classifier = new BrowserClassifier(network, words, config, features);
    state.textContent = 'loaded with tf.loadLayersModel: ' + network.layers.map((l) => l.getClassName()).join(' → ') + ' (' + (config.model === 'avg' ? 'averaged vectors' : 'recurrent') + ' model), ' + config.labels.length + ' classes, ' + words.length + ' words';
    state.dataset.ready = 'true';
    $(form, 'button').disabled = false;
    return classifier;
  })();
  loading.catch((err) => { state.textContent = 'cannot load the classifier: ' + err.message; });
  onSubmit(form, error, async (data) => {
    predicted.replaceChildren();
    list.replaceChildren();
    const text = String(data.get('text') || '').trim();
    if (text === '') throw new Error('type a text to classify');
    const classifier = await loading;
    const p = classifier.predict(text);
    const known = p.tokens.length - p.unknown.length;
    predicted.append('predicted: ', el('span', { class: 'classify-label' }, p.label),
      el('span', { class: 'note' }, '  (' + p.tokens.length + ' words, ' + (p.unknown.length === 0 ? 'all known' : p.unknown.length + ' unknown: ' + p.unknown.slice(0, 10).join(' ')) + (known === 0 ? '; the model knows none of them' : '') + ')'));
    list.replaceChildren(...classifier.config.labels.map((label, c) => el('li', { class: label === p.label ? 'top' : '', 'data-label': label, 'data-p': String(p.probabilities[c]) },
      el('span', { class: 'name' }, label),
      el('span', { class: 'bar', style: 'width: ' + Math.round(300 * p.probabilities[c]) + 'px' }),
      el('span', { class: 'p' }, p.probabilities[c].toFixed(4)))));
  });
}

function seq2seqPanel(panel, model) {
  const base = '/models/' + encodeURIComponent(model.id) + '/';
  const state = el('p', { class: 'note seq2seq-state' }, 'loading the model in the browser…');
  const form = el('form', { class: 'translate' },
    el('h3', {}, 'Translate (greedy, in this browser, with tfjs)'),
    el('input', { type: 'text', name: 'text', class: 'wide', placeholder: 'a source text' }),
    el('button', { type: 'submit', disabled: true }, 'Translate'));
  const error = el('div', { class: 'error translate-error' });
  const output = el('div', { class: 'translation' });
  const heatmap = el('div', { class: 'attention' });
  panel.append(state, form, error, output, heatmap);
  const loading = (async () => {
    const [encoder, decoder, sourceWords, targetWords, config] = await Promise.all([
      tf.loadLayersModel(base + 'encoder.json'), tf.loadLayersModel(base + 'decoder.json'),
      vocabularyWords(base + 'source-vocab.tsv', 'source-vocab.tsv'), vocabularyWords(base + 'target-vocab.tsv', 'target-vocab.tsv'), getJson(base + 'seq2seq.json')]);
    const a = config.architecture;
    state.textContent = 'loaded with tf.loadLayersModel: encoder and one-step decoder (' + a.cell + ' ' + a.units + ', ' + a.attention + ' attention), ' + sourceWords.length + ' source and ' + targetWords.length + ' target tokens (' + config.level + ' level)';
    state.dataset.ready = 'true';
    $(form, 'button').disabled = false;
    return new BrowserSeq2seq(encoder, decoder, sourceWords, targetWords, config);
  })();
  loading.catch((err) => { state.textContent = 'cannot load the model: ' + err.message; });
  onSubmit(form, error, async (data) => {
    output.textContent = '';
    delete output.dataset.steps;
    heatmap.replaceChildren();
    const text = String(data.get('text') || '');
    if (text.trim() === '') throw new Error('type a source text to translate');
    const model = await loading;
    const t = model.translate(text);
    output.textContent = t.text;
    const rows = t.ended ? [...t.tokens, '<EOS>'] : t.tokens;
    heatmap.innerHTML = attentionSvg(t.sourceTokens, rows, t.attention, { title: 'attention' });
    output.dataset.steps = String(t.attention.length);
  });
}

const PANELS = { vectors: vectorsPanel, lm: languageModelPanel, classifier: classifierPanel, seq2seq: seq2seqPanel };

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
