import { againstBudget } from '../../src/steps/disk-report.js'

describe('againstBudget', () => {
  const budget = { text: '4MB', bytes: 4 * 2 ** 20 }

  it('no budget: nothing to say', () => {
    expect(againstBudget(5_000_000, undefined)).toBe('')
  })

  it('within or over a budget in bytes', () => {
    expect(againstBudget(3_146_000, budget)).toBe(', within the budget `gc-max-used-space` 4MB (4194304 bytes)')
    expect(againstBudget(6_292_000, budget)).toBe(', over the budget `gc-max-used-space` 4MB (4194304 bytes)')
  })

  it("buildx's 4-digit rounding of a total at the budget is not called over it", () => {
    expect(againstBudget(4_194_000, budget)).toContain('within')
    expect(againstBudget(4_195_000, budget)).toContain('within')
  })

  it('a share of the disk: shown, not compared', () => {
    expect(againstBudget(1e9, { text: '20%', percent: 20 })).toBe(
      "; budget `gc-max-used-space` 20% of the builder's disk"
    )
  })
})
