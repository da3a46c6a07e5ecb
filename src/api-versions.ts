// Resource Manager API versions: the reads the collector makes, and the `az rest` commands the
// remediation suggests.

/** Policy assignment lists (`$filter=atScope()`). */
export const POLICY_ASSIGNMENTS_API_VERSION = '2025-03-01'
/** Policy exemptions: only a preview version serves them, and no SDK covers them. */
export const POLICY_EXEMPTIONS_API_VERSION = '2022-07-01-preview'
/** The subscriptions the identity can read (`GET /subscriptions`, Microsoft.Resources). */
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01'
/** Management-group descendants. */
export const MANAGEMENT_GROUPS_API_VERSION = '2023-04-01'
/** `az rest` PATCH of an assignment's properties.overrides in the suggested fixes. */
export const ASSIGNMENT_PATCH_API_VERSION = '2023-04-01'
