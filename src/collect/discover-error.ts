// The failure of discovery (discover.ts), in a file of its own so that main can recognise it
// without loading the Azure SDK.

/** The scope could not be resolved into subscriptions: the message says what and what to do. */
export class DiscoveryError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DiscoveryError'
  }
}
