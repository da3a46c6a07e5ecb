// What the bundle holds in place of the `open` package (tsconfig.json, `paths`), which
// @azure/identity loads only in InteractiveBrowserCredential, to open a browser for a person to sign
// in. A run never signs in that way (signin/index.ts: ClientAssertionCredential,
// EnvironmentCredential, AzureCliCredential), so the bundle leaves out `open` and the xdg-open
// script it ships (docs/design.md, "The bundle").

/** Refuses to open `target`: this build signs in without a browser. Always throws. */
export default function open(target: string): never {
  throw new Error(
    `This build of the check opens no browser (asked to open ${target}); sign in with az login or a service principal.`
  )
}
