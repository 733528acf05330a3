// Change notices between tabs.
import { expect, it } from 'vitest'
import { createTabChannel } from './tabs.ts'

it('tells the other tabs of the same key, not itself', async () => {
  const heard: string[] = []
  const first = createTabChannel('pk', () => heard.push('first'))
  const second = createTabChannel('pk', () => heard.push('second'))
  first?.postMessage('state')
  await new Promise((resolve) => setTimeout(resolve, 20))
  expect(heard).toEqual(['second'])
  first?.close()
  second?.close()
})
