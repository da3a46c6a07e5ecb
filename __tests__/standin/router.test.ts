// The stand-in's route table, apart from any service: path templates, order, 405's Allow.

import { describe, expect, test } from '@jest/globals'
import { compileTemplate, RouteTable } from '../../standin/router.ts'

const table = new RouteTable([
  { method: 'GET', path: '/repos/{owner}/{repo}', id: 'repo' },
  { method: 'GET', path: '/repos/{owner}/{repo}/{kind:Issues|pulls}', id: 'list' },
  { method: 'POST', path: '/repos/{owner}/{repo}/{kind:Issues|pulls}', id: 'create' },
  { method: 'GET', path: '{scope...}/items/{name}', id: 'item' },
  { method: 'PUT', path: '/a.b', id: 'literal' }
])

describe('RouteTable.lookup', () => {
  test.each([
    ['GET', '/repos/octo/app', 'repo', { owner: 'octo', repo: 'app' }],
    ['GET', '/REPOS/Octo/App/issues', 'list', { owner: 'Octo', repo: 'App', kind: 'issues' }],
    ['POST', '/repos/o/r/PULLS', 'create', { owner: 'o', repo: 'r', kind: 'PULLS' }],
    ['GET', '/items/x', 'item', { scope: '', name: 'x' }],
    ['GET', '/a/b/items/c/items/d', 'item', { scope: '/a/b/items/c', name: 'd' }],
    ['PUT', '/A.B', 'literal', {}]
  ])('%s %s -> %s', (method, path, id, params) => {
    expect(table.lookup(method, path)).toEqual({
      match: { row: expect.objectContaining({ id }), params }
    })
  })

  test('a path some rows have, asked with another method: the methods they answer', () => {
    expect(table.lookup('DELETE', '/repos/o/r/issues')).toEqual({ allowed: ['GET', 'POST'] })
    expect(table.lookup('GET', '/a.b')).toEqual({ allowed: ['PUT'] })
  })

  test('a path no row has', () => {
    for (const path of ['/repos/o', '/repos/o/r/commits', '/repos/o/r/issues/1', '/aXb', '/'])
      expect(table.lookup('GET', path)).toEqual({ unknown: true })
  })
})

describe('compileTemplate', () => {
  test('regular-expression characters in the literal text are literal', () => {
    expect(compileTemplate('/a.b/(c)+').test('/a.b/(c)+')).toBe(true)
    expect(compileTemplate('/a.b/(c)+').test('/aXb/cc')).toBe(false)
  })

  test('a parameter it cannot read is an error, not a literal brace', () => {
    expect(() => compileTemplate('/a/{b')).toThrow("route template '/a/{b'")
    expect(() => compileTemplate('/a/{b-c}')).toThrow('unreadable parameter')
  })
})
