import { recordBefore } from './leftovers.js'
import { setup as makeTempDir } from './temp-dir.js'

export default function setup() {
  makeTempDir()
  recordBefore()
}
