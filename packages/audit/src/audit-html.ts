import type { AuditReport } from './audit-dataset.js';

const esc = (s: string | number): string => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * The audit as one self-contained HTML page: summary counts first, then every group as thumbnails side
 * by side with each member's name, patient, split, machine, labels and size, then the oddities.
 * `thumbnails` maps image names to `data:` URIs (absent → a placeholder).
 */
export function auditHtml(report: AuditReport, thumbnails: Readonly<Record<string, string>> = {}): string {
  const s = report.summary;
  const rows: Array<[string, number]> = [
    ['images', s.images],
    ['exact-duplicate groups', s.exactGroups],
    ['near-duplicate groups', s.nearGroups],
    ['images in groups', s.imagesInGroups],
    ['redundant images (all but one per group)', s.redundantImages],
    ['groups within one patient', s.withinPatient],
    ['groups across patients', s.crossPatient],
    ['groups across the train/test split (leaks)', s.crossSplit],
    ['groups across machines', s.crossMachine],
    ['groups whose labels disagree', s.labelsDisagree],
    ...Object.entries(s.oddities).map(([k, v]): [string, number] => [`oddity: ${k}`, v]),
  ];
  const tags = (g: AuditReport['groups'][number]): string =>
    [
      g.kind,
      g.scope.withinPatient ? 'within patient' : 'across patients',
      g.scope.crossSplit ? 'LEAK: train + test' : '',
      g.scope.crossMachine ? 'across machines' : '',
      g.labelsDisagree ? 'labels disagree' : '',
    ]
      .filter(Boolean)
      .map((t) => `<span class="tag${t.startsWith('LEAK') || t === 'labels disagree' ? ' bad' : ''}">${esc(t)}</span>`)
      .join(' ');
  const groups = report.groups
    .map(
      (g) =>
        `<section class="group"><h3>Group ${g.id} ${tags(g)} <small>min SSIM ${g.minSsim.toFixed(3)}</small></h3><div class="row">${g.members
          .map((m) => {
            const ratio = m.width > 0 && m.height > 0 ? `${m.width} / ${m.height}` : '1';
            const img = thumbnails[m.imageName] ? `<img src="${thumbnails[m.imageName]}" style="aspect-ratio:${ratio}" alt="${esc(m.imageName)}">` : '<div class="ph">no pixels</div>';
            return `<figure>${img}<figcaption><b>${esc(m.imageName)}</b><br>patient ${m.patientId} · ${m.split} · ${esc(m.usMachine)} · ${esc(m.operator)}<br>${esc(m.plane)}${m.brainPlane === 'Not A Brain' ? '' : ` / ${esc(m.brainPlane)}`}<br>${m.width}×${m.height}</figcaption></figure>`;
          })
          .join(
            '',
          )}</div><details><summary>${g.pairs.length} link(s)</summary><ul>${g.pairs.map((p) => `<li>${esc(p.a)} ↔ ${esc(p.b)}: ${p.exact ? 'exact' : `SSIM ${p.ssim}`}, hash distance ${p.hamming}</li>`).join('')}</ul></details></section>`,
    )
    .join('\n');
  const oddities = report.oddities.map((o) => `<tr><td>${esc(o.imageName)}</td><td>${esc(o.kind)}</td><td>${esc(o.detail)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fpdb audit of ${esc(report.root)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}
.row{display:flex;gap:12px;flex-wrap:wrap}figure{margin:0;width:220px}img{width:220px;image-rendering:pixelated;background:#000}figcaption{font-size:12px}
.tag{background:#eee;border-radius:4px;padding:0 6px;font-size:12px}.bad{background:#f8d0d0}.ph{width:220px;height:150px;background:#333;color:#aaa}.group{border-top:1px solid #ddd;margin-top:1em}</style></head>
<body><h1>fpdb audit</h1><p>${esc(report.root)} · ${esc(report.createdAt)} · SSIM ≥ ${report.options.threshold} on ${report.options.size}×${report.options.size} cached pixels (averaged 2×2), hash radius ${report.options.maxHamming} bits. Research use only, not a medical device.</p>
<h2>Summary</h2><table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>
<h2>Duplicate groups (${report.groups.length})</h2>${groups || '<p>None found.</p>'}
<h2>Oddities (${report.oddities.length})</h2>${oddities ? `<table><tr><th>image</th><th>kind</th><th>detail</th></tr>${oddities}</table>` : '<p>None found.</p>'}
</body></html>
`;
}
