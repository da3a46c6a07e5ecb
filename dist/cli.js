#!/usr/bin/env node
// The command line `azure-jit-network-access-check` (package.json's bin), written by scripts/bundle.ts: the check
// is the bundle, index.js (src/index.ts, runCommandLine).
import { runCommandLine } from './index.js'

await runCommandLine(process.argv.slice(2), 'azure-jit-network-access-check')
