// A certificate authority and a server certificate for 127.0.0.1 and localhost, generated with
// the openssl command for each start of the stand-in (EC P-256: fast to generate).

import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Certificates {
  /** The temporary directory holding the files; remove it when done. */
  directory: string
  caCertificatePath: string
  caCertificatePem: string
  serverCertificatePem: string
  serverKeyPem: string
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 30_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve()
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(
          new Error(
            'the local Azure stand-in needs the openssl command to generate its certificate, ' +
              'and there is none on PATH: install OpenSSL (apt-get install openssl, brew install openssl)'
          )
        )
      reject(new Error(`openssl ${args[0]} failed: ${stderr.trim() || error.message}`))
    })
  })
}

export async function generateCertificates(): Promise<Certificates> {
  const directory = await mkdtemp(join(tmpdir(), 'azure-standin-'))
  try {
    await writeFile(
      join(directory, 'server.ext'),
      [
        'basicConstraints = critical, CA:FALSE',
        'keyUsage = critical, digitalSignature',
        'extendedKeyUsage = serverAuth',
        'subjectAltName = IP:127.0.0.1, DNS:localhost',
        'subjectKeyIdentifier = hash',
        'authorityKeyIdentifier = keyid',
        ''
      ].join('\n')
    )
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
    await Promise.all([
      openssl(
        [
          'req',
          '-x509',
          ...ec,
          '-keyout',
          'ca.key',
          '-out',
          'ca.pem',
          '-days',
          '7',
          '-subj',
          '/CN=Local Azure stand-in CA (azure-jit-network-access-check)',
          '-addext',
          'basicConstraints=critical,CA:TRUE',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign'
        ],
        directory
      ),
      openssl(
        ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'],
        directory
      )
    ])
    await openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-set_serial',
        `0x${Date.now().toString(16)}`,
        '-days',
        '7',
        '-extfile',
        'server.ext',
        '-out',
        'server.pem'
      ],
      directory
    )
    const [caCertificatePem, serverCertificatePem, serverKeyPem] = await Promise.all(
      ['ca.pem', 'server.pem', 'server.key'].map((f) => readFile(join(directory, f), 'utf8'))
    )
    await rm(join(directory, 'ca.key'))
    return {
      directory,
      caCertificatePath: join(directory, 'ca.pem'),
      caCertificatePem: caCertificatePem!,
      serverCertificatePem: serverCertificatePem!,
      serverKeyPem: serverKeyPem!
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true })
    throw error
  }
}
