import { pullWeights } from '@fpdb/experiment/node';
import { PRETRAINED_PRESET_ALIASES, PRETRAINED_PRESETS, importPretrained, saveCheckpoint, setupBackend } from '@fpdb/models/node';
import { FpdbError, RESIZE_POLICIES, TASKS, labelSpace } from '@fpdb/schema';
import { defineCommand } from '../command.js';
import { checkOutputPath } from '../internal/output-path.js';

const NETWORKS = [...Object.keys(PRETRAINED_PRESETS), ...Object.keys(PRETRAINED_PRESET_ALIASES)] as (keyof typeof PRETRAINED_PRESETS | 'mobilenet_v2')[];
const ACTIONS = ['import', 'pull'] as const;

const weights = defineCommand({
  name: 'weights',
  summary: 'Pretrained ImageNet weights: pull a known file (resumable, sha256 checked) or import one as an fpdb checkpoint.',
  usage: 'fpdb weights pull NAME [--out DIR] [--sha256 HEX] | fpdb weights import FILE --architecture NAME --out DIR [options]',
  description: [
    `pull: downloads the ImageNet weights of NAME (${Object.keys(PRETRAINED_PRESETS).join(', ')}; timm's safetensors on the Hugging Face hub)`,
    'once into the user cache (or --out DIR), through the same resumable download as the dataset; the sha256 is recorded',
    'beside the file and checked whenever it is reused.',
    'import: reads a .safetensors or PyTorch .pth file (no Python, no code execution: the pickle is parsed with an',
    "allow-list), maps it into fpdb's network of that name with the RGB stem folded to gray, and writes a normal",
    "fpdb checkpoint: a fresh head for --task (or the file's own 1,000-class head with --keep-classifier), ImageNet gray",
    'normalisation recorded, so `fpdb train --pretrained DIR`, `fpdb predict` and `fpdb eval` preprocess alike.',
  ],
  options: {
    architecture: { type: 'enum', choices: NETWORKS, description: "import: the file's network" },
    out: { type: 'path', placeholder: 'DIR', description: 'import: the checkpoint folder to write; pull: the folder to keep the file in (default ~/.cache/fpdb/weights)' },
    task: { type: 'enum', choices: TASKS, default: 'planes', description: 'import: the label space of the new head' },
    'keep-classifier': { type: 'boolean', description: "import: keep the file's ImageNet classifier instead of a new head" },
    'input-size': { type: 'integer', min: 8, default: 224, description: 'import: model input side in pixels' },
    resize: { type: 'enum', choices: RESIZE_POLICIES, default: 'stretch', description: 'import: how images are fitted to the input (recorded in the checkpoint)' },
    seed: { type: 'integer', default: 0, description: "import: seed of the new head's initialisation" },
    url: {
      type: 'string',
      placeholder: 'URL',
      pattern: /https?:\/\/[^\s/?#]+\S*/i,
      expected: 'an http:// or https:// URL',
      description: 'pull: download from this mirror instead of the Hugging Face hub',
    },
    sha256: { type: 'string', pattern: /^[0-9a-fA-F]{64}$/, expected: 'a sha256 of 64 hex digits', description: "pull: pin the file's sha256" },
  },
  examples: ['fpdb weights pull resnet18', 'fpdb weights import resnet18.pth --architecture resnet18 --out weights/resnet18 --task brain'],
  json: 'print one JSON object describing the file pulled or the checkpoint written',
  async run({ positionals, values, json, stdout, stderr, signal }) {
    const [action, target, ...rest] = positionals;
    if (!action || !(ACTIONS as readonly string[]).includes(action) || !target || rest.length > 0) {
      throw new FpdbError('FPDB_USAGE', `fpdb weights takes an action and one name or file: fpdb weights pull resnet18, or fpdb weights import FILE --architecture resnet18 --out DIR.`);
    }
    if (values.out !== undefined) await checkOutputPath(values.out, '--out', 'folder');
    if (action === 'pull') {
      let last = -1;
      const pulled = await pullWeights(target, {
        ...(values.out === undefined ? {} : { dir: values.out }),
        ...(values.sha256 === undefined ? {} : { sha256: values.sha256 }),
        ...(values.url === undefined ? {} : { url: values.url }),
        signal,
        onProgress: (p) => {
          const pct = p.total ? Math.floor((100 * p.done) / p.total) : -1;
          if (pct !== last && pct % 10 === 0) stderr.write(`${p.phase} ${pct}%\n`);
          last = pct;
        },
      });
      if (json) stdout.write(`${JSON.stringify(pulled)}\n`);
      else stdout.write(`${pulled.name}: ${pulled.file} (${(pulled.bytes / 2 ** 20).toFixed(1)} MiB, sha256 ${pulled.sha256}${pulled.downloaded ? '' : ', kept file verified'})\n`);
      return 0;
    }
    if (values.architecture === undefined || values.out === undefined) {
      throw new FpdbError('FPDB_USAGE', `fpdb weights import needs --architecture (the file's network, e.g. resnet18) and --out DIR.`);
    }
    await setupBackend({ backend: 'auto' });
    const space = labelSpace(values.task);
    const model = await importPretrained(target, {
      architecture: values.architecture,
      inputSize: values['input-size'],
      seed: values.seed,
      ...(values['keep-classifier'] ? { keepClassifier: true } : { numClasses: space.classes.length }),
    });
    try {
      const classes = values['keep-classifier'] ? Array.from({ length: model.config.numClasses }, (_, i) => String(i)) : [...space.classes];
      await saveCheckpoint(values.out, {
        model,
        labels: { task: values['keep-classifier'] ? null : values.task, classes },
        normalization: model.normalization,
        resize: values.resize,
        seed: values.seed,
        pretrained: model.pretrained,
      });
      const facts = {
        out: values.out,
        ...model.pretrained,
        layout: model.loaded?.layout,
        foldedStem: model.loaded?.foldedStem,
        loaded: model.loaded?.loaded.length,
        ignored: model.loaded?.ignored,
        classes: classes.length,
      };
      if (json) stdout.write(`${JSON.stringify(facts)}\n`);
      else
        stdout.write(
          `${values.out}: ${model.pretrained.architecture} from ${model.pretrained.name} (${model.pretrained.format}, ${facts.layout} keys, ${facts.loaded} tensors${facts.foldedStem ? ', RGB stem folded to gray' : ''}), ${classes.length} classes; sha256 ${model.pretrained.sha256}\n`,
        );
    } finally {
      model.dispose();
    }
    return 0;
  },
});

export default weights;
