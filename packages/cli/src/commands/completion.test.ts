import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../test/run.js';

describe('fpdb completion', () => {
  it('prints a bash script that completes commands and the flags of a command', async () => {
    const r = await run('completion', 'bash');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('complete -o filenames -F _fpdb fpdb');
    const script = join(mkdtempSync(join(tmpdir(), 'fpdb-completion-')), 'fpdb.bash');
    writeFileSync(script, r.stdout);
    const complete = (...words: string[]) =>
      execFileSync('bash', ['-c', `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _fpdb; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        encoding: 'utf8',
      })
        .trim()
        .split('\n');
    expect(complete('fpdb', 'tr')).toEqual(['train']);
    expect(complete('fpdb', 'train', '--epo')).toEqual(['--epochs']);
    expect(complete('fpdb', 'cache', '--q')).toEqual(['--quiet']);
  });

  it('prints zsh and fish scripts, and refuses another shell with a usage error', async () => {
    expect((await run('completion', 'zsh')).stdout).toMatch(/^#compdef fpdb\n/);
    const fish = await run('completion', 'fish');
    expect(fish.stdout).toContain("complete -c fpdb -n '__fish_seen_subcommand_from train' -l epochs");
    expect(fish.stdout).toContain("-l policy -xa 'stretch pad crop'");
    const bad = await run('completion', 'powershell');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('fpdb completion: takes one shell: bash, zsh, fish; got "powershell". Try: fpdb completion bash\n[FPDB_USAGE]\n');
  });
});
