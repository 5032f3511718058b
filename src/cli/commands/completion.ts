import type { Command } from 'commander';
import { CliExit, ExitCode, type CliIo } from '../io.js';
import { listCommands } from '../list-commands.js';
import type { SetExit } from './index.js';

export function registerCompletion(program: Command, io: CliIo, setExit: SetExit): void {
  program
    .command('completion')
    .summary('print a shell completion script for bash or zsh')
    .description(
      'Print a script that completes usine’s commands, sub-commands and options (file names ' +
        'elsewhere), built from the commands themselves, so it never lags behind them.',
    )
    .argument('<shell>', 'bash or zsh')
    .addHelpText(
      'after',
      '\nExamples:\n  source <(usine completion bash)            # this shell\n' +
        '  usine completion zsh > ~/.zfunc/_usine     # zsh, for good',
    )
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh')
        throw new CliExit(ExitCode.usage, `completion: ${shell}: write bash or zsh`);
      const script = writeBashCompletion(program);
      // zsh runs bash completion functions through bashcompinit
      io.stdout(shell === 'zsh' ? `autoload -U +X bashcompinit && bashcompinit\n${script}` : script);
      setExit(ExitCode.ok);
    });
}

/** One `case` arm per command path, most specific first; a leaf completes options, else files. */
export function writeBashCompletion(program: Command): string {
  const arms = listCommands(program)
    .map((command) => ({ path: pathOf(command), command }))
    .sort((a, b) => b.path.length - a.path.length)
    .map(({ path, command }) => {
      const options = command.options.flatMap((o) => [o.long, o.short]).filter(Boolean);
      const subcommands = command.commands.map((c) => c.name());
      const words = subcommands.length > 0 ? subcommands : options;
      const pattern = path.length === 0 ? '""' : `" ${path.join(' ')}"*`;
      return subcommands.length > 0
        ? `    ${pattern}) words="${[...words, '--help'].join(' ')}" ;;`
        : `    ${pattern}) [[ $cur == -* ]] && words="${[...words, '--help'].join(' ')}" ;;`;
    });
  return `# usine completion (bash): source <(usine completion bash)
_usine() {
  local cur=\${COMP_WORDS[COMP_CWORD]} path="" words="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) ;; *) path="$path \${COMP_WORDS[i]}" ;; esac
  done
  case "$path" in
${arms.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _usine usine
`;
}

function pathOf(command: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}
