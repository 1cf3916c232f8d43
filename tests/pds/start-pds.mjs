// Starts a real AT Protocol PDS, with its own PLC directory, on 127.0.0.1 only, for the
// Bluesky adapter's integration tests. Run with node 22 (installed by .ci/setup-pds.sh):
//
//   node tests/pds/start-pds.mjs <node_modules dir> <pds port> <data dir>
//
// Prints one JSON line {"ready": true, "pds": "http://127.0.0.1:<port>", ...} when both
// servers accept requests; stops on SIGTERM or SIGINT. Accounts use `*.test` handles and
// need no invite. Nothing here talks to anything outside the loopback interface: no
// crawlers, no AppView, no email.
import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [modulesDir, pdsPortArg, dataDir] = process.argv.slice(2)
if (!modulesDir || !pdsPortArg || !dataDir) {
  console.error('usage: start-pds.mjs <node_modules dir> <pds port> <data dir>')
  process.exit(2)
}
const pdsPort = Number(pdsPortArg)
fs.mkdirSync(dataDir, { recursive: true })

// Both servers call listen(port) without a host, i.e. on every interface: pin them.
const originalListen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1')
  } else if (args[0] && typeof args[0] === 'object' && args[0].host === undefined) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  }
  return originalListen.apply(this, args)
}

// The packages live outside the repository; load them from there.
const require = createRequire(path.join(path.resolve(modulesDir), 'noop.js'))
const load = (name) => import(pathToFileURL(require.resolve(name)).href)
const { PDS, envToCfg, envToSecrets } = await load('@atproto/pds')
const plc = await load('@did-plc/server')
const { Secp256k1Keypair } = await load('@atproto/crypto')
const PlcServer = plc.PlcServer ?? plc.default.PlcServer
const PlcDatabase = plc.Database ?? plc.default.Database

const plcServer = PlcServer.create({ db: PlcDatabase.mock(), port: 0 })
const plcHttp = await plcServer.start()
const plcUrl = `http://127.0.0.1:${plcHttp.address().port}`

const rotationKey = await Secp256k1Keypair.create({ exportable: true })
const randomHex = () => crypto.randomBytes(16).toString('hex')
const env = {
  devMode: true,
  port: pdsPort,
  hostname: 'localhost',
  dataDirectory: dataDir,
  blobstoreDiskLocation: path.join(dataDir, 'blobs'),
  didPlcUrl: plcUrl,
  serviceHandleDomains: ['.test'],
  inviteRequired: false,
  crawlers: [],
  jwtSecret: randomHex(),
  adminPassword: randomHex(),
  plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotationKey.export()).toString('hex'),
}
const pds = await PDS.create(envToCfg(env), envToSecrets(env))
await pds.start()

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  await Promise.allSettled([pds.destroy(), plcServer.destroy()])
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

console.log(JSON.stringify({ ready: true, pds: `http://127.0.0.1:${pdsPort}`, plc: plcUrl }))
