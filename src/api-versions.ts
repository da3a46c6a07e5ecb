// Resource Manager API versions: the reads the collector makes, and the `az rest` commands the
// remediation suggests.

/** Policy assignment lists, unfiltered, with `$expand=LatestDefinitionVersion,
 * EffectiveDefinitionVersion` ("Policy Assignments - List": this version documents the `$expand`
 * query parameter and both properties). */
export const POLICY_ASSIGNMENTS_API_VERSION = '2025-03-01'
/** Policy exemptions: only a preview version serves them, and no SDK covers them. */
export const POLICY_EXEMPTIONS_API_VERSION = '2022-07-01-preview'
/** The subscriptions the identity can read (`GET /subscriptions`, Microsoft.Resources). */
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01'
/** Policy (set) definitions, built-in or custom, read as JSON ("Policy Definitions - Get Built In",
 * "Policy Set Definitions - Get / Get Built In / Get At Management Group"). */
export const POLICY_DEFINITIONS_API_VERSION = '2025-03-01'
/** Versions of a policy (set) definition: one version, and the list ("Policy Set Definition
 * Versions - Get / Get Built In / List / List Built In / List By Management Group"). */
export const POLICY_DEFINITION_VERSIONS_API_VERSION = '2025-03-01'
/** Defender for Cloud's plans of a subscription ("Pricings - Get"). */
export const SECURITY_PRICINGS_API_VERSION = '2024-01-01'
/** Management-group descendants. */
export const MANAGEMENT_GROUPS_API_VERSION = '2023-04-01'
/** `az rest` PATCH of an assignment's properties.overrides in the suggested fixes. */
export const ASSIGNMENT_PATCH_API_VERSION = '2023-04-01'
/** Azure Policy's policy states ("Policy States - List Query Results For Subscription"). */
export const POLICY_STATES_API_VERSION = '2019-10-01'
