// Change notices between tabs.
import { expect, it } from 'vitest'
import { createTabChannel } from './tabs.ts'

it('tells the other tabs of the same key, not itself', async () => {
  const heard: string[] = []
  const first = createTabChannel('pk', (message) => heard.push(`first:${message}`))
  const second = createTabChannel('pk', (message) => heard.push(`second:${message}`))
  first.post('state')
  await new Promise((resolve) => setTimeout(resolve, 20))
  expect(heard).toEqual(['second:state'])
  first.close()
  second.close()
})
