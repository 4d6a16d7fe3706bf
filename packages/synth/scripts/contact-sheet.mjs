// Writes docs/contact-sheet.png: one row per class (TT, TC, TV, brain Other, abdomen, femur, thorax,
// cervix, Other), four synthetic images each from different patients, at real sizes scaled to tiles.
// Run after building: node scripts/contact-sheet.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { encodeGrayPng, planDataset, renderImage } from '../dist/index.js';

const TW = 192;
const TH = 132;
const GAP = 4;
const PER_ROW = 4;
const rows = [
  ['Fetal brain', 'Trans-thalamic'],
  ['Fetal brain', 'Trans-cerebellum'],
  ['Fetal brain', 'Trans-ventricular'],
  ['Fetal brain', 'Other'],
  ['Fetal abdomen', 'Not A Brain'],
  ['Fetal femur', 'Not A Brain'],
  ['Fetal thorax', 'Not A Brain'],
  ['Maternal cervix', 'Not A Brain'],
  ['Other', 'Not A Brain'],
];
const plan = planDataset({ images: 12_400, seed: 0 });
const W = PER_ROW * TW + (PER_ROW + 1) * GAP;
const H = rows.length * TH + (rows.length + 1) * GAP;
const sheet = new Uint8Array(W * H).fill(40);
for (const [ri, [plane, brainPlane]] of rows.entries()) {
  // Spread the picks over machines: one patient each, cycling Voluson E6, Aloka, Voluson S10, Other.
  const machines = ['Voluson E6', 'Aloka', 'Voluson S10', 'Aloka'];
  const used = new Set();
  for (let k = 0; k < PER_ROW; k++) {
    const r =
      plan.records.find((x) => x.plane === plane && x.brainPlane === brainPlane && x.usMachine === machines[k] && !used.has(x.patientId)) ??
      plan.records.find((x) => x.plane === plane && x.brainPlane === brainPlane && !used.has(x.patientId));
    used.add(r.patientId);
    const png = encodeGrayPng(renderImage({ seed: plan.seed, ...r }), r.width, r.height);
    const tile = await sharp(png).resize(TW, TH, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
    const x0 = GAP + k * (TW + GAP);
    const y0 = GAP + ri * (TH + GAP);
    for (let y = 0; y < TH; y++) sheet.set(tile.subarray(y * TW, (y + 1) * TW), (y0 + y) * W + x0);
  }
}
const out = fileURLToPath(new URL('../docs/contact-sheet.png', import.meta.url));
writeFileSync(out, encodeGrayPng(sheet, W, H));
console.log(`wrote ${out} (${W}×${H})`);
