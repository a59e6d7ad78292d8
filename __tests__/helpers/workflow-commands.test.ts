import { workflowCommands } from './workflow-commands.js'

describe('workflowCommands', () => {
  it('finds both forms, after leading white space and anywhere in a line, at every kind of line break', () => {
    const log = 'a\n::add-mask::x\r  ::error title=T::y\r\nb ##[warning]z\n:: not one\n##[ not one either'
    expect(workflowCommands(log).map(command => command.name)).toEqual(['add-mask', 'error', 'warning'])
  })

  it('marks what the runner ignores between stop-commands and its token', () => {
    const log = '::stop-commands::tok\n::add-mask::secret\n::tok::\n::add-mask::later'
    expect(workflowCommands(log).map(({ name, processed }) => [name, processed])).toEqual([
      ['stop-commands', true],
      ['add-mask', false],
      ['tok', true],
      ['add-mask', true]
    ])
  })
})
