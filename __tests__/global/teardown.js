import { checkNothingLeft } from './leftovers.js'
import { teardown as removeTempDir } from './temp-dir.js'

export default function teardown() {
  removeTempDir()
  checkNothingLeft()
}
