import { parseDuTotal } from '../../../src/host/builder/builder-disk.js'

// `docker buildx du`'s summary as buildx 0.13.1 and 0.29.1 print it (commands/diskusage.go printSummary).
const BUILDX_0_13 = `ID\t\t\t\t\t\tRECLAIMABLE\tSIZE\t\tLAST ACCESSED
pnl3ke6d3mbnj5j2nqsw4mluw                 \ttrue \t3.146MB   \t8 seconds ago
Reclaimable:\t6.292MB
Total:\t\t6.292MB
`
const BUILDX_0_29 = `ID                                              RECLAIMABLE   SIZE        LAST ACCESSED
Shared:         1.2kB
Private:        12.58MB
Reclaimable:    12.58MB
Total:          12.58MB
`

describe('parseDuTotal', () => {
  it('reads the Total line, decimal units as go-units HumanSize prints them', () => {
    expect(parseDuTotal(BUILDX_0_13)).toEqual({ text: '6.292MB', bytes: 6_292_000 })
    expect(parseDuTotal(BUILDX_0_29)).toEqual({ text: '12.58MB', bytes: 12_580_000 })
    expect(parseDuTotal('Reclaimable:\t0B\nTotal:\t0B\n')).toEqual({ text: '0B', bytes: 0 })
    expect(parseDuTotal('Total:\t1.5GB\n')).toEqual({ text: '1.5GB', bytes: 1_500_000_000 })
  })

  it('nothing that reads as a total: undefined (never text taken as is)', () => {
    expect(parseDuTotal('')).toBeUndefined()
    expect(parseDuTotal('Total:\t::error::forged\n')).toBeUndefined()
    expect(parseDuTotal('Total: 5MB and more\n')).toBeUndefined()
  })
})
