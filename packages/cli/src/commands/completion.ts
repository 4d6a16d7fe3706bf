import { FpdbError } from '@fpdb/schema';
import { defineCommand, type CliCommand } from '../command.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

function flagsOf(c: CliCommand): string[] {
  return [...Object.keys(c.options), 'json', 'quiet', 'help'].map((f) => `--${f}`);
}

function bash(commands: readonly CliCommand[]): string {
  const cases = commands.map((c) => `    ${c.name}) opts="${flagsOf(c).join(' ')}" ;;`).join('\n');
  return `# fpdb completion for bash: add to ~/.bashrc
#   source <(fpdb completion bash)
_fpdb() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${[...commands.map((c) => c.name), 'help'].join(' ')}" -- "$cur") )
    return
  fi
  local opts=""
  case "\${COMP_WORDS[1]}" in
${cases}
    help) COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')}" -- "$cur") ); return ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "$opts" -- "$cur") ); else COMPREPLY=( $(compgen -f -- "$cur") ); fi
}
complete -o filenames -F _fpdb fpdb
`;
}

function zsh(commands: readonly CliCommand[]): string {
  return `#compdef fpdb
# fpdb completion for zsh: add to ~/.zshrc
#   source <(fpdb completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bash(commands).split('\n').slice(2).join('\n')}`;
}

const quote = (s: string): string => `'${s.replace(/'/g, "\\'")}'`;

function fish(commands: readonly CliCommand[]): string {
  const lines = ['# fpdb completion for fish: fpdb completion fish > ~/.config/fish/completions/fpdb.fish', 'complete -c fpdb -f'];
  for (const c of commands) lines.push(`complete -c fpdb -n __fish_use_subcommand -a ${c.name} -d ${quote(c.summary)}`);
  lines.push(`complete -c fpdb -n __fish_use_subcommand -a help -d ${quote('Print the help of a command')}`);
  for (const c of commands) {
    for (const [flag, spec] of Object.entries(c.options)) {
      const choices =
        spec.type === 'enum' || (spec.type === 'list' && spec.choices) ? ` -xa ${quote((spec.choices ?? []).join(' '))}` : spec.type === 'path' ? ' -rF' : spec.type === 'boolean' ? '' : ' -x';
      lines.push(`complete -c fpdb -n '__fish_seen_subcommand_from ${c.name}' -l ${flag}${choices} -d ${quote(spec.description.slice(0, 80))}`);
    }
    for (const flag of ['json', 'quiet', 'help']) lines.push(`complete -c fpdb -n '__fish_seen_subcommand_from ${c.name}' -l ${flag}`);
  }
  return `${lines.join('\n')}\n`;
}

const completion = defineCommand({
  name: 'completion',
  summary: 'Print a shell completion script for bash, zsh or fish (commands, flags and their choices).',
  usage: 'fpdb completion bash|zsh|fish',
  description: ['bash: source <(fpdb completion bash)   zsh: source <(fpdb completion zsh)   fish: fpdb completion fish > ~/.config/fish/completions/fpdb.fish'],
  options: {},
  examples: ['fpdb completion bash >> ~/.bashrc'],
  async run({ positionals, stdout }) {
    const shell = positionals[0];
    if (positionals.length !== 1 || !(SHELLS as readonly string[]).includes(shell!)) {
      throw new FpdbError('FPDB_USAGE', `takes one shell: ${SHELLS.join(', ')}${shell === undefined ? '' : `; got ${JSON.stringify(positionals.join(' '))}`}. Try: fpdb completion bash`);
    }
    // The registry imports this file lazily, so importing it here is no cycle at load time.
    const { commands } = await import('./index.js');
    const loaded = await Promise.all(commands.filter((c) => c.name !== 'completion').map((c) => c.load()));
    stdout.write(shell === 'bash' ? bash(loaded) : shell === 'zsh' ? zsh(loaded) : fish(loaded));
    return 0;
  },
});

export default completion;
