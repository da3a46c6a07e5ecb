import { run } from './main.ts'

await run()
// Everything is written by now. A request left hanging (a sign-in that timed out, say) must not
// keep the step alive: the timer does not hold the process, and ends it if something else does.
setTimeout(() => process.exit(), 2_000).unref()
