// The stand-in's estate: its format (types.ts), the check of an estate and the reading of estate
// files (validate.ts), the helpers that build estates in code (build.ts), and the rewrites that
// serve wrong shapes (rewrites.ts), and the virtual machines with what Azure records of them
// (machines.ts).
export * from './types.ts'
export * from './validate.ts'
export * from './build.ts'
export * from './rewrites.ts'
export * from './machines.ts'
