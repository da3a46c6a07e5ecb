import { run } from './main.ts'

await run()
// Everything is written by now. A wait the run gave up (a sign-in that timed out, a token request
// at the run's deadline, src/deadline.ts) must not keep the step alive: the timer does not hold
// the process, and ends it if something else does.
setTimeout(() => process.exit(), 2_000).unref()
