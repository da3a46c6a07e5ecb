// What every fix aims at: the JIT policy audited with its audit effect.

/** The effect that makes Defender for Cloud audit JIT network access. */
export const AUDIT_EFFECT = 'AuditIfNotExists'

/** The display name of the built-in JIT policy definition. */
export const JIT_POLICY_DISPLAY_NAME =
  'Management ports of virtual machines should be protected with just-in-time network access control'
