import { sleep } from '../src/sleep.js'

// The one wait, with real timers.

describe('sleep', () => {
  it('waits the time it is given', async () => {
    const started = performance.now()
    await sleep(60)
    expect(performance.now() - started).toBeGreaterThanOrEqual(55)
  })

  it('ends early when its signal aborts, and at once when it already has', async () => {
    const controller = new AbortController()
    const started = performance.now()
    setTimeout(() => controller.abort(), 20)
    await sleep(10_000, controller.signal)
    await sleep(10_000, controller.signal)
    expect(performance.now() - started).toBeLessThan(2000)
  })
})
