import { parseCsvList } from '../../src/inputs/csv-list.js'

// The toolkit's own cases are in plan/setup-buildx-compat.test.ts; these are the quoting rules the
// module's comment promises, which those cases do not reach.
describe('parseCsvList', () => {
  it('a quoted field keeps its commas only beside other fields; alone on its line it is split again', () => {
    expect(parseCsvList('linux/amd64,"linux/arm64,linux/arm/v7"')).toEqual(['linux/amd64', 'linux/arm64,linux/arm/v7'])
    expect(parseCsvList('"linux/arm64,linux/arm/v7"')).toEqual(['linux/arm64', 'linux/arm/v7'])
  })

  it('"" inside quotes is one quote; a quote after the first character is kept as written', () => {
    expect(parseCsvList('"a ""b"" c",x')).toEqual(['a "b" c', 'x'])
    expect(parseCsvList('a"b,c')).toEqual(['a"b', 'c'])
  })

  it('a quoted field may span lines', () => {
    expect(parseCsvList('"a\nb",c')).toEqual(['a\nb', 'c'])
  })

  it('drops empty and blank entries, quoted or not, and reads a lone CR as a line end', () => {
    expect(parseCsvList('"",  ,a\r\rb')).toEqual(['a', 'b'])
  })
})
