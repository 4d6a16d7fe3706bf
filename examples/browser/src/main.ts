import { FpdbError } from '@fpdb/loader';
import { resultsCsv } from './csv.js';
import { classifyImage, disposeModel, loadModel, startBackend, toFailure, type ImageFailure, type ImageResult, type LoadedModel } from './engine.js';
import { overlayDataUrl } from './overlay.js';
import { publishResult } from './result-json.js';

/** The models the site ships (see scripts/train-models.mjs), relative to the page. */
const DEFAULT_CHECKPOINT = 'models/planes/';
const DEFAULT_BRAIN_CHECKPOINT = 'models/brain/';
const IMAGE_NAME = /\.(png|jpe?g)$/i;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const modelStatus = $<HTMLParagraphElement>('model-status');
const progress = $<HTMLParagraphElement>('progress');
const summaryBody = $<HTMLTableElement>('summary').tBodies[0]!;
const cards = $<HTMLOListElement>('results');
const exportButton = $<HTMLButtonElement>('export-csv');
const clearButton = $<HTMLButtonElement>('clear-results');

let main: LoadedModel | undefined;
let brain: LoadedModel | undefined;
let backendName = '';
const results: ImageResult[] = [];
const failures: ImageFailure[] = [];
let modelErrors: ImageFailure[] = [];
/** Work runs one job at a time (model loads and batches of scans), in the order it was asked for. */
let queue: Promise<unknown> = Promise.resolve();
const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
  const next = queue.then(job);
  queue = next.catch(() => undefined);
  return next;
};

const percent = (p: number) => `${(100 * p).toFixed(1)}%`;

function publish(status: 'loading' | 'running' | 'done' | 'error'): void {
  publishResult({
    status,
    checkpoint: main?.source ?? null,
    task: main?.metadata.labels.task ?? null,
    classes: main?.metadata.labels.classes ?? [],
    brainCheckpoint: brain?.source ?? null,
    backend: backendName,
    predictions: results.map(({ pixels: _p, heatmap: _h, ...r }) => r),
    errors: [...modelErrors, ...failures],
  });
}

function describeModel(m: LoadedModel): string {
  const { labels, config } = m.metadata;
  const { height, width, policy } = m.preprocess;
  return `${labels.task ?? 'custom'} model (${labels.classes.length} classes: ${labels.classes.join(', ')}), ${config.architecture}, input ${width}×${height} (${policy})`;
}

/** Whether `m` is one of the demo models this site ships (trained on synthetic scans only). */
const isShipped = (m: LoadedModel): boolean => [DEFAULT_CHECKPOINT, DEFAULT_BRAIN_CHECKPOINT].some((path) => m.source === new URL(path, location.href).href);

function showModelStatus(): void {
  if (!main) return;
  const brainText = main.metadata.labels.task !== 'planes' ? '' : brain ? ` Brain sub-planes for images predicted “Fetal brain”: ${describeModel(brain)}.` : ' No brain sub-plane model.';
  const demoText = [main, brain].some((m) => m !== undefined && isShipped(m))
    ? ' These are the demo models shipped with the page, trained on synthetic scans only: on real scans their answers mean nothing, and the brain sub-plane model is at chance. Load your own checkpoint below.'
    : '';
  modelStatus.textContent = `Ready: ${describeModel(main)}, from ${main.source}, on ${backendName}.${brainText}${demoText}`;
}

/** Loads the main checkpoint (and the brain sub-plane one), replacing what was loaded; clears results. */
function useCheckpoint(source: string | File[], brainSource?: string | null): Promise<void> {
  return enqueue(async () => {
    modelStatus.textContent = 'Loading the model…';
    publish('loading');
    try {
      const setup = await startBackend();
      const features = [setup.simd ? 'SIMD' : '', setup.threads ? 'threads' : ''].filter(Boolean).join(', ');
      backendName = setup.backend === 'wasm' && features ? `wasm (${features})` : setup.backend;
      const next = await loadModel(source);
      disposeModel(main);
      main = next;
      modelErrors = [];
      clearResults();
    } catch (error) {
      const where = typeof source === 'string' ? source : source.map((f) => f.name).join(', ');
      modelErrors = [toFailure(where, error)];
      modelStatus.textContent = `Could not load the checkpoint ${where}: ${modelErrors[0]!.message}${main ? ` Still using ${main.source}.` : ''}`;
      publish('error');
      return;
    }
    if (brainSource !== undefined) {
      disposeModel(brain);
      brain = undefined;
      if (brainSource !== null) {
        try {
          brain = await loadModel(brainSource);
        } catch (error) {
          modelErrors = [toFailure(brainSource, error)];
        }
      }
    }
    showModelStatus();
    if (modelErrors.length > 0) modelStatus.textContent += ` The brain sub-plane model could not be loaded: ${modelErrors[0]!.message}`;
    publish('done');
  });
}

function clearResults(): void {
  results.length = 0;
  failures.length = 0;
  summaryBody.replaceChildren();
  cards.replaceChildren();
  exportButton.disabled = true;
  clearButton.disabled = true;
  progress.textContent = 'No scans classified yet.';
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

let cardCounter = 0;

function probabilityTable(caption: string, probabilities: Record<string, number>, predicted: string): HTMLTableElement {
  const table = el('table', { className: 'probs' }, el('caption', {}, caption));
  const body = table.createTBody();
  for (const [name, p] of Object.entries(probabilities)) {
    const bar = el('span', { className: 'bar' });
    bar.style.width = `${Math.max(0, Math.min(100, 100 * p))}%`;
    bar.setAttribute('aria-hidden', 'true');
    const row = el('tr', name === predicted ? { className: 'predicted' } : {}, el('th', { scope: 'row' }, name), el('td', {}, el('span', { className: 'bar-track' }, bar), percent(p)));
    body.append(row);
  }
  return table;
}

function addResult(r: ImageResult): void {
  results.push(r);
  const id = `result-${++cardCounter}`;
  const { width, height } = main!.preprocess;
  const img = el('img', { src: overlayDataUrl(r.pixels, width, height, r.heatmap), width, height, alt: r.heatmap ? `Grad-CAM of ${r.class} over ${r.file}` : `${r.file} as the model sees it` });
  const figure = el('figure', {}, img, el('figcaption', {}, r.heatmap ? `Grad-CAM: where the model looked for “${r.class}” (model input, ${width}×${height}).` : 'Model input.'));
  const verdict = el('p', { className: 'verdict' }, 'Plane: ', el('strong', {}, r.class), ` (${percent(r.probability)})`);
  if (r.brain) verdict.append(el('br'), 'Brain sub-plane: ', el('strong', {}, r.brain.class), ` (${percent(r.brain.probability)})`);
  const details = el('div', { className: 'card-body' }, verdict, probabilityTable('Plane probabilities', r.probabilities, r.class));
  if (r.brain) details.append(probabilityTable('Brain sub-plane probabilities', r.brain.probabilities, r.brain.class));
  cards.append(el('li', { className: 'card', id }, el('h3', {}, r.file), el('div', { className: 'card-grid' }, figure, details)));
  summaryBody.append(
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, el('a', { href: `#${id}` }, r.file)),
      el('td', {}, r.class),
      el('td', {}, percent(r.probability)),
      el('td', {}, r.brain?.class ?? '—'),
      el('td', {}, r.brain ? percent(r.brain.probability) : '—'),
    ),
  );
}

function addFailure(f: ImageFailure): void {
  failures.push(f);
  const id = `result-${++cardCounter}`;
  cards.append(el('li', { className: 'card failed', id }, el('h3', {}, f.file), el('p', { className: 'error' }, el('strong', {}, 'Not classified: '), f.message, ` [${f.code}]`)));
  const cellNode = el('td', { colSpan: 4, className: 'error' }, `Not classified: ${f.message}`);
  summaryBody.append(el('tr', { className: 'failed' }, el('th', { scope: 'row' }, el('a', { href: `#${id}` }, f.file)), cellNode));
}

/** An image to classify: its name and a way to read its bytes. */
interface Input {
  name: string;
  read: () => Promise<Uint8Array>;
}

/** Classifies images one after the other; a file that fails gets its message and the others go on. */
function classifyAll(inputs: Input[]): Promise<void> {
  return enqueue(async () => {
    if (!main) {
      progress.textContent = 'No model is loaded: load a checkpoint first.';
      publish('error');
      return;
    }
    publish('running');
    let done = 0;
    let failed = 0;
    for (const input of inputs) {
      progress.textContent = `Classifying ${done + 1} of ${inputs.length}: ${input.name}…`;
      try {
        addResult(await classifyImage(main, brain, await input.read(), input.name));
      } catch (error) {
        addFailure(toFailure(input.name, error));
        failed++;
      }
      done++;
      // Let the page draw between images of a long folder.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const ok = done - failed;
    progress.textContent = `Classified ${ok} of ${done} scan${done === 1 ? '' : 's'}${failed > 0 ? `; ${failed} could not be read (see the messages below)` : ''}.`;
    exportButton.disabled = results.length + failures.length === 0;
    clearButton.disabled = exportButton.disabled;
    publish('done');
  });
}

const fileInput = (file: File): Input => ({ name: file.webkitRelativePath || file.name, read: async () => new Uint8Array(await file.arrayBuffer()) });

/** The files of a dropped folder, recursively (only PNG/JPEG: a folder holds other files too). */
async function filesOfEntry(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    if (!IMAGE_NAME.test(entry.name)) return [];
    return [await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const entries: FileSystemEntry[] = [];
  // readEntries answers in chunks until an empty one.
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) break;
    entries.push(...chunk);
  }
  return (await Promise.all(entries.map(filesOfEntry))).flat();
}

function wireInputs(): void {
  const files = $<HTMLInputElement>('image-files');
  files.addEventListener('change', () => {
    void classifyAll([...(files.files ?? [])].map(fileInput));
    files.value = '';
  });
  const folder = $<HTMLInputElement>('image-folder');
  folder.addEventListener('change', () => {
    const picked = [...(folder.files ?? [])].filter((f) => IMAGE_NAME.test(f.name)).sort((a, b) => a.webkitRelativePath.localeCompare(b.webkitRelativePath));
    if (picked.length === 0) progress.textContent = 'That folder holds no PNG or JPEG files.';
    else void classifyAll(picked.map(fileInput));
    folder.value = '';
  });

  const zone = $<HTMLDivElement>('drop-zone');
  for (const type of ['dragenter', 'dragover'] as const) {
    window.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
  }
  for (const type of ['dragleave', 'drop'] as const) window.addEventListener(type, () => zone.classList.remove('dragging'));
  window.addEventListener('drop', async (event) => {
    event.preventDefault();
    const items = [...(event.dataTransfer?.items ?? [])].filter((i) => i.kind === 'file');
    const dropped: File[] = [];
    for (const item of items) {
      const entry = item.webkitGetAsEntry?.();
      if (entry?.isDirectory) dropped.push(...(await filesOfEntry(entry)).sort((a, b) => a.name.localeCompare(b.name)));
      else {
        const file = item.getAsFile();
        if (file) dropped.push(file);
      }
    }
    if (dropped.length > 0) void classifyAll(dropped.map(fileInput));
  });

  exportButton.addEventListener('click', () => {
    const csv = resultsCsv(main?.metadata.labels.classes ?? [], results, failures);
    const link = el('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: 'fpdb-predictions.csv' });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
  clearButton.addEventListener('click', () => {
    clearResults();
    publish('done');
  });

  $<HTMLFormElement>('checkpoint-url-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void useCheckpoint($<HTMLInputElement>('checkpoint-url').value.trim());
  });
  const checkpointFiles = $<HTMLInputElement>('checkpoint-files');
  checkpointFiles.addEventListener('change', () => {
    const picked = [...(checkpointFiles.files ?? [])];
    if (picked.length > 0) void useCheckpoint(picked);
    checkpointFiles.value = '';
  });
}

/** `?checkpoint=URL&image=URL[&image=URL…][&brain=URL|none]`: load and classify on open (shareable links). */
async function start(): Promise<void> {
  wireInputs();
  const params = new URLSearchParams(location.search);
  const brainParam = params.get('brain');
  await useCheckpoint(params.get('checkpoint') || DEFAULT_CHECKPOINT, brainParam === 'none' ? null : brainParam || DEFAULT_BRAIN_CHECKPOINT);
  const images = params.getAll('image').filter((u) => u !== '');
  if (images.length > 0) {
    await classifyAll(
      images.map((u) => {
        const url = new URL(u, document.baseURI);
        const name = decodeURIComponent(url.pathname.split('/').pop() || url.href);
        return {
          name,
          read: async () => {
            let response: Response;
            try {
              response = await fetch(url);
            } catch (cause) {
              throw new FpdbError('FPDB_IMAGE_MISSING', `${name} could not be fetched from ${url.href} (${(cause as Error).message}). Check the link, or drop the file instead.`, {
                cause,
                details: { file: url.href },
              });
            }
            if (!response.ok) {
              throw new FpdbError('FPDB_IMAGE_MISSING', `${name} could not be fetched from ${url.href}: HTTP ${response.status}. Check the link, or drop the file instead.`, {
                details: { file: url.href },
              });
            }
            return new Uint8Array(await response.arrayBuffer());
          },
        };
      }),
    );
  }
}

// Not under the dev server (import.meta.hot), whose modules change as you edit them.
if ('serviceWorker' in navigator && !import.meta.hot) {
  // Caches the page, the wasm and the shipped models for offline use; nothing is sent anywhere.
  navigator.serviceWorker.register('sw.js').catch((error) => console.warn('fpdb: offline use is not available (the service worker did not register):', error));
}
void start();
