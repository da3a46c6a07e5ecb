// The format is told from the content, never from the file name; files that are none of the
// formats are refused with a message that names the file, says what is wrong and what to give.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from '@jest/globals'
import { UserError } from '../../src/errors.ts'
import { PlanFileError } from '../../src/plan/errors.ts'
import { readPlanContent } from '../../src/plan/recognize.ts'
import { FIXTURES, readFixture } from './helpers.ts'

function refusal(read: () => unknown): string {
  try {
    read()
  } catch (error) {
    expect(error).toBeInstanceOf(PlanFileError)
    expect(error).toBeInstanceOf(UserError)
    return (error as Error).message
  }
  throw new Error('accepted')
}

const EXPECTED =
  'Give a Terraform plan in JSON (`terraform show -json PLAN`), an ARM/Bicep what-if result in JSON (`az deployment … what-if --no-pretty-print`, or the REST result) or an EPAC policy plan (policy-plan.json from Build-DeploymentPlans).'

describe('recognition', () => {
  test('whatever the file is called', () => {
    const bytes = readFileSync(new URL('what-if/subscription-rest.json', FIXTURES))
    expect(readPlanContent(bytes, 'tfplan.json').format).toBe('what-if')
    const epac = readFileSync(new URL('epac/Output/plans-tenant/policy-plan.json', FIXTURES))
    expect(readPlanContent(epac, 'plan.tfplan.json').format).toBe('epac')
  })
})

describe('refused files', () => {
  test('an empty file', () => {
    expect(refusal(() => readFixture('bad/empty.json'))).toBe(
      'planned-changes: fixtures/plans/bad/empty.json: is empty. Check that the step that writes it succeeded; give a Terraform plan in JSON (`terraform show -json PLAN`), an ARM/Bicep what-if result in JSON (`az deployment … what-if --no-pretty-print`, or the REST result) or an EPAC policy plan (policy-plan.json from Build-DeploymentPlans).'
    )
    expect(refusal(() => readPlanContent(Buffer.from(' \r\n\t'), 'blank.json'))).toMatch(
      /^planned-changes: blank\.json: is empty\./
    )
  })

  test('a truncated plan: where the JSON stops', () => {
    expect(refusal(() => readFixture('bad/truncated.json'))).toMatch(
      /^planned-changes: fixtures\/plans\/bad\/truncated\.json: is not valid JSON: expected .* at the end of the file \(line \d+, column \d+\)\. Give a Terraform plan/
    )
  })

  test('what-if and terraform plan output for people, with what to run instead', () => {
    expect(refusal(() => readFixture('bad/what-if-pretty.txt'))).toMatch(
      /is not valid JSON: expected a value at byte 0 \(line 1, column 1\)\. It looks like what-if's human-readable output: run what-if with `--no-pretty-print`/
    )
    const text = 'Terraform used the selected providers to generate the following execution plan.\n'
    expect(refusal(() => readPlanContent(Buffer.from(text), 'plan.txt'))).toMatch(
      /It looks like `terraform plan`'s human-readable output: save the plan and give `terraform show -json PLAN`\.$/
    )
  })

  test('a binary plan saved by terraform plan -out', () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00])
    expect(refusal(() => readPlanContent(zip, 'tfplan'))).toBe(
      'planned-changes: tfplan: is a binary Terraform plan (`terraform plan -out`). Convert it with `terraform show -json PLAN > plan.json` and give that file.'
    )
  })

  test('JSON that is not an object, or in none of the formats', () => {
    expect(refusal(() => readPlanContent(Buffer.from('[{"changes":[]}]'), 'list.json'))).toBe(
      `planned-changes: list.json: holds JSON that is not an object. ${EXPECTED}`
    )
    expect(refusal(() => readFixture('bad/not-a-plan.json'))).toBe(
      `planned-changes: fixtures/plans/bad/not-a-plan.json: is JSON in none of the formats read. ${EXPECTED}`
    )
  })

  test('a Terraform state and a format version from the future', () => {
    expect(refusal(() => readFixture('bad/terraform-state.json'))).toMatch(
      /is a Terraform state, not a plan/
    )
    expect(refusal(() => readFixture('bad/terraform-format-2.json'))).toMatch(
      /has format_version "2\.0"/
    )
  })
})
