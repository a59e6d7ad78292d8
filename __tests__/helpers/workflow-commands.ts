// What the runner takes for workflow commands in a step's output, as actions/runner reads it
// (ActionCommandManager.TryProcessCommand, ActionCommand.TryParseV2 and TryParse), so that tests
// state what reaches the runner, not what our functions do:
// - the output is read line by line, a line ending at "\r\n", "\n" or a lone "\r" (StreamReader);
// - `::name props::data` is a command after leading white space is trimmed (TryParseV2);
// - else `##[name props]data` is one anywhere in the line (TryParse, the older form);
// - after `::stop-commands::TOKEN` every command is ignored until a line `::TOKEN::` (so a later
//   `::add-mask::` is ignored too, and the secret it was for is shown).
// Registration is not checked: every well-formed command counts, to be on the safe side.

export interface WorkflowCommand {
  /** The command's name (`add-mask`, `error`, `stop-commands`…). */
  name: string
  /** The whole line it was found in. */
  line: string
  /** False when the runner ignored it (between stop-commands and its token). */
  processed: boolean
}

function parse(line: string): { name: string; data: string } | undefined {
  const trimmed = line.trimStart()
  if (trimmed.startsWith('::')) {
    const end = trimmed.indexOf('::', 2)
    if (end > 2) {
      const info = trimmed.slice(2, end)
      return { name: info.split(' ')[0], data: trimmed.slice(end + 2) }
    }
  }
  const prefix = line.indexOf('##[')
  if (prefix < 0) return undefined
  const close = line.indexOf(']', prefix)
  if (close < 0) return undefined
  const info = line.slice(prefix + 3, close)
  return info === '' ? undefined : { name: info.split(' ')[0], data: line.slice(close + 1) }
}

/** Every workflow command in `log`, in order, with whether the runner processed it. */
export function workflowCommands(log: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = []
  let stopToken: string | undefined
  for (const line of log.split(/\r\n|\r|\n/)) {
    const command = parse(line)
    if (!command) continue
    if (stopToken !== undefined) {
      const resumes = command.name === stopToken
      commands.push({ name: command.name, line, processed: resumes })
      if (resumes) stopToken = undefined
      continue
    }
    commands.push({ name: command.name, line, processed: true })
    if (command.name === 'stop-commands') stopToken = command.data
  }
  return commands
}
