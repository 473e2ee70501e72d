// `completion bash|zsh`: a static completion script generated from the command tree (verbs, their subcommands and
// flags), for both `sluice` and `kubectl-sluice`.
import type { Command } from 'commander';
import { CliError, runVerb } from './cli-error.js';

function words(command: Command): string[] {
  const out = new Set<string>();
  for (const sub of command.commands) {
    if ((sub as Command & { _hidden?: boolean })._hidden) continue;
    out.add(sub.name());
    for (const word of words(sub)) out.add(word);
  }
  for (const option of command.options) {
    if (option.long) out.add(option.long);
    if (option.short) out.add(option.short);
  }
  out.add('--help');
  return [...out].sort();
}

/** The bash script; zsh runs the same through bashcompinit. */
export function bashCompletion(program: Command): string {
  const verbs = program.commands.map((c) => c.name()).sort();
  const cases = program.commands.map((c) => `    ${c.name()}) opts="${words(c).join(' ')}" ;;`).join('\n');
  return `# bash completion for sluice and kubectl-sluice. Load with: source <(sluice completion bash)
_sluice_complete() {
  local cur="\${COMP_WORDS[COMP_CWORD]}"
  local first=1
  # As a kubectl plugin the words are: kubectl sluice VERB …
  if [ "\${COMP_WORDS[0]}" = "kubectl" ]; then first=2; fi
  if [ "$COMP_CWORD" -le "$first" ]; then
    COMPREPLY=( $(compgen -W "${verbs.join(' ')}" -- "$cur") )
    return
  fi
  local opts=""
  case "\${COMP_WORDS[$first]}" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _sluice_complete sluice kubectl-sluice
`;
}

export function zshCompletion(program: Command): string {
  return `# zsh completion for sluice and kubectl-sluice. Load with: source <(sluice completion zsh)
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)}`;
}

export function registerCompletion(program: Command): void {
  program
    .command('completion')
    .description('Print a shell completion script (bash or zsh): source <(sluice completion bash)')
    .argument('<shell>', 'bash or zsh')
    .action(
      runVerb(async (shell: string) => {
        if (shell === 'bash') process.stdout.write(bashCompletion(program));
        else if (shell === 'zsh') process.stdout.write(zshCompletion(program));
        else throw new CliError(`unsupported shell "${shell}": use bash or zsh`);
      }),
    );
}
