// Trusting the stand-in's certificate authority inside the running process, for in-process
// tests. NODE_EXTRA_CA_CERTS is read only when a process starts, so a test that starts the
// stand-in in its own process adds the CA to the default CA certificates instead (Node 24:
// tls.setDefaultCACertificates). Every TLS connection made afterwards without an explicit `ca`
// trusts it: @azure/identity (MSAL's network client is identity's core-rest-pipeline client),
// @azure/arm-policy and @actions/core's getIDToken (@actions/http-client) all connect that way.
// A child process gets NODE_EXTRA_CA_CERTS from standIn.runnerEnvironment() instead.

import * as tls from 'node:tls'
import type { StandIn } from './server.ts'

/** Adds the stand-in's CA to this process's default CA certificates; returns a function that
 * restores the previous ones. */
export function trustStandIn(standIn: Pick<StandIn, 'caCertificatePem'>): () => void {
  if (typeof tls.setDefaultCACertificates !== 'function')
    throw new Error(
      `trustStandIn needs tls.setDefaultCACertificates (Node 22.19/24.5 or later); this is Node ${process.version}. ` +
        'Run the code under test in a child process with NODE_EXTRA_CA_CERTS instead.'
    )
  const previous = tls.getCACertificates('default')
  tls.setDefaultCACertificates([...previous, standIn.caCertificatePem])
  return () => tls.setDefaultCACertificates(previous)
}
