/** A corrupt or unsupported RDB: says what broke and where, so the node refuses to start whole. */
export class RdbError extends Error {
  override name = 'RdbError'
  constructor(
    message: string,
    readonly offset?: number
  ) {
    super(offset === undefined ? message : `${message} (at byte ${offset})`)
  }
}
