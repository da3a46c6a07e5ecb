// The stand-in's estate: its format (types.ts), the check of an estate and the reading of estate
// files (validate.ts), and the helpers that build estates in code (build.ts).
export * from './types.ts'
export * from './validate.ts'
export * from './build.ts'
