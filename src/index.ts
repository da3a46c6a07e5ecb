import { fileCallsStillRunning } from './deadline.ts'
import { run } from './main.ts'

await run()
// Everything is written by now. A wait the run gave up (a sign-in that timed out, a token request
// at the run's deadline, src/deadline.ts) must not keep the step alive: the timer does not hold
// the process, and ends it if something else does. Node's exit waits for its file system
// threads, so a write given up on a file system that never answers would hold it forever: then
// the process ends by a signal (the step has failed already, on the report it could not write).
setTimeout(() => {
  if (fileCallsStillRunning() > 0) process.kill(process.pid, 'SIGKILL')
  process.exit()
}, 2_000).unref()
